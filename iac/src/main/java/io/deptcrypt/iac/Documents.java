package io.deptcrypt.iac;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.Collection;
import java.util.List;

/**
 * Builds and writes the JSON and YAML documents the renderer produces. Output is byte-stable: objects keep the
 * order the renderer inserts fields in (never a hash order), lines end in {@code \n} on every OS, and every
 * document ends with one newline, so the checked-in rendering can be compared byte for byte.
 */
public final class Documents {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));
    // Every string quoted: CloudFormation and cfn-lint read YAML 1.1, where bare 2010-09-09 or "on" change type.
    private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build());

    private Documents() {}

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static ArrayNode array(Collection<String> values) {
        ArrayNode a = NODES.arrayNode();
        values.forEach(a::add);
        return a;
    }

    public static ArrayNode array(String... values) {
        return array(List.of(values));
    }

    /** {@code {"Ref": name}} */
    public static ObjectNode ref(String name) {
        return object().put("Ref", name);
    }

    /** {@code {"Fn::GetAtt": [resource, attribute]}} */
    public static ObjectNode getAtt(String resource, String attribute) {
        ObjectNode n = object();
        n.set("Fn::GetAtt", array(resource, attribute));
        return n;
    }

    /** {@code {"Fn::Sub": text}} */
    public static ObjectNode sub(String text) {
        return object().put("Fn::Sub", text);
    }

    /** {@code {"Fn::ImportValue": {"Fn::Sub": exportName}}} */
    public static ObjectNode importValue(String exportNameTemplate) {
        ObjectNode n = object();
        n.set("Fn::ImportValue", sub(exportNameTemplate));
        return n;
    }

    public static String toJson(JsonNode node) {
        try {
            return JSON.writer(PRETTY).writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    public static String toYaml(JsonNode node) {
        try {
            return YAML.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write YAML", e);
        }
    }

    public static JsonNode parseJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Parses YAML written in long form (no {@code !Ref} tags), as the renderer writes it. */
    public static JsonNode parseYaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid YAML: " + e.getOriginalMessage(), e);
        }
    }
}
