package io.deptcrypt.localkms.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Typed, validated access to one request body. A missing required member is a ValidationException in AWS's wording;
 * a member of the wrong JSON type, or a blob that is not base64, is a SerializationException naming the member.
 */
public final class KmsRequest {

    private final JsonNode body;

    public KmsRequest(JsonNode body) {
        this.body = body;
    }

    private Optional<JsonNode> member(String name) {
        JsonNode n = body.get(name);
        return n == null || n.isNull() ? Optional.empty() : Optional.of(n);
    }

    public boolean has(String name) {
        return member(name).isPresent();
    }

    public String requiredString(String name) {
        return string(name).orElseThrow(() -> missing(name));
    }

    public Optional<String> string(String name) {
        return member(name).map(n -> {
            if (!n.isTextual()) {
                throw wrongType(name, "a string", n);
            }
            return n.asText();
        });
    }

    public Optional<Integer> integer(String name) {
        return member(name).map(n -> {
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                throw wrongType(name, "an integer", n);
            }
            return n.asInt();
        });
    }

    public boolean bool(String name) {
        return member(name).map(n -> {
            if (!n.isBoolean()) {
                throw wrongType(name, "a boolean", n);
            }
            return n.asBoolean();
        }).orElse(false);
    }

    public byte[] requiredBlob(String name) {
        return blob(name).orElseThrow(() -> missing(name));
    }

    public Optional<byte[]> blob(String name) {
        return string(name).map(text -> {
            try {
                return Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                throw KmsException.serialization("Member '" + name + "' is not valid base64");
            }
        });
    }

    /** A string-to-string map; empty when absent. */
    public Map<String, String> stringMap(String name) {
        return optionalStringMap(name).orElse(Map.of());
    }

    public Optional<Map<String, String>> optionalStringMap(String name) {
        return member(name).map(n -> stringMap(name, n));
    }

    private static Map<String, String> stringMap(String name, JsonNode n) {
        if (!n.isObject()) {
            throw wrongType(name, "a map of strings", n);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (!e.getValue().isTextual()) {
                throw wrongType(name + "." + e.getKey(), "a string", e.getValue());
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    /** A list of strings; empty when absent. */
    public List<String> stringList(String name) {
        return member(name).map(n -> {
            if (!n.isArray()) {
                throw wrongType(name, "a list of strings", n);
            }
            List<String> out = new ArrayList<>();
            for (JsonNode item : n) {
                if (!item.isTextual()) {
                    throw wrongType(name + "[]", "a string", item);
                }
                out.add(item.asText());
            }
            return out;
        }).orElse(List.of());
    }

    /** A list of objects; empty when absent. */
    public List<KmsRequest> objectList(String name) {
        return member(name).map(n -> {
            if (!n.isArray()) {
                throw wrongType(name, "a list of structures", n);
            }
            List<KmsRequest> out = new ArrayList<>();
            for (JsonNode item : n) {
                if (!item.isObject()) {
                    throw wrongType(name + "[]", "a structure", item);
                }
                out.add(new KmsRequest(item));
            }
            return out;
        }).orElse(List.of());
    }

    public Optional<KmsRequest> object(String name) {
        return member(name).map(n -> {
            if (!n.isObject()) {
                throw wrongType(name, "a structure", n);
            }
            return new KmsRequest(n);
        });
    }

    /**
     * Called once a request is known to succeed: with {@code DryRun: true} it ends here, as AWS answers.
     *
     * @throws KmsException DryRunOperationException
     */
    public void stopIfDryRun() {
        if (bool("DryRun")) {
            throw new KmsException(KmsErrorCode.DRY_RUN_OPERATION, "The request would have succeeded, but the DryRun option is set.");
        }
    }

    public static String lowerCamel(String member) {
        return Character.toLowerCase(member.charAt(0)) + member.substring(1);
    }

    private static KmsException missing(String name) {
        return KmsException.constraint("null", lowerCamel(name), "Member must not be null");
    }

    private static KmsException wrongType(String name, String expected, JsonNode actual) {
        return KmsException.serialization("Member '" + name + "' must be " + expected + ", got " + actual.getNodeType().name().toLowerCase(Locale.ROOT));
    }
}
