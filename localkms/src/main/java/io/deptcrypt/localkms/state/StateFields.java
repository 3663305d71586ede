package io.deptcrypt.localkms.state;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed access to one JSON object of {@code state.json}, failing with a {@link CorruptStateException} that names the
 * file, the field's path and the problem.
 */
final class StateFields {

    final String source;
    final String prefix;
    final JsonNode node;

    StateFields(String source, String prefix, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw corrupt(source, (prefix.isEmpty() ? "(top level)" : prefix.substring(0, prefix.length() - 1)) + ": expected an object");
        }
        this.source = source;
        this.prefix = prefix;
        this.node = node;
    }

    JsonNode required(String field) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) {
            throw corrupt(source, prefix + field + ": missing");
        }
        return n;
    }

    String text(String field) {
        JsonNode n = required(field);
        if (!n.isTextual()) {
            throw corrupt(source, prefix + field + ": expected a string");
        }
        return n.asText();
    }

    String optionalText(String field) {
        return node.hasNonNull(field) ? text(field) : null;
    }

    int integer(String field) {
        JsonNode n = required(field);
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw corrupt(source, prefix + field + ": expected an integer");
        }
        return n.asInt();
    }

    boolean bool(String field) {
        JsonNode n = required(field);
        if (!n.isBoolean()) {
            throw corrupt(source, prefix + field + ": expected true or false");
        }
        return n.asBoolean();
    }

    Instant instant(String field) {
        return parseInstant(this, field, text(field));
    }

    Instant optionalInstant(String field) {
        return node.hasNonNull(field) ? instant(field) : null;
    }

    List<JsonNode> array(String field) {
        JsonNode n = required(field);
        if (!n.isArray()) {
            throw corrupt(source, prefix + field + ": expected a list");
        }
        List<JsonNode> out = new ArrayList<>();
        n.forEach(out::add);
        return out;
    }

    List<String> textList(String field) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array(field)) {
            if (!n.isTextual()) {
                throw corrupt(source, prefix + field + ": expected a list of strings");
            }
            out.add(n.asText());
        }
        return out;
    }

    Map<String, String> map(String field) {
        JsonNode n = required(field);
        if (!n.isObject()) {
            throw corrupt(source, prefix + field + ": expected an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (!e.getValue().isTextual()) {
                throw corrupt(source, prefix + field + "." + e.getKey() + ": expected a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    Map<String, String> optionalMap(String field) {
        return node.hasNonNull(field) ? map(field) : null;
    }

    /** The error for a problem in {@code source}, with what to do about it. */
    static CorruptStateException corrupt(String source, String detail) {
        return new CorruptStateException(source + " is corrupt: " + detail
                + ". localkms refuses to start rather than lose keys; restore the file from a backup, or move the state"
                + " directory away to start over (data sealed under the old keys then becomes unreadable)");
    }

    /** {@code text} of {@code f}'s {@code field} as an instant. */
    static Instant parseInstant(StateFields f, String field, String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw corrupt(f.source, f.prefix + field + ": '" + text + "' is not an ISO-8601 instant");
        }
    }
}
