package io.deptcrypt.crypto;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.governance.EventType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The parts of a JSON event of an {@link EventType} (docs/event-types.md, "Record layout"): how the encryptor splits
 * it and how a reader puts back what it may open.
 * <ul>
 *   <li>No field group present in the event: one part, the whole event (no fields), for all the type's audiences.</li>
 *   <li>Else part 0 is the rest: the event without the grouped fields, field {@code ""} (the empty JSON Pointer),
 *       for all the type's audiences; then one part per field group with at least one of its fields present, for
 *       the group's audiences: its fields are the present pointers, its plaintext the JSON array of their values in
 *       that order.</li>
 * </ul>
 * A reader gets the fields it may not open absent, and their pointers as withheld. Values are copied as JSON values
 * (numbers keep their written form); a put-back field goes last among its parent's members.
 */
public final class FieldParts {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private FieldParts() {}

    /** An event that does not fit its type's field rules; the message names the rule, never the content. */
    public static final class MismatchException extends IllegalArgumentException {
        MismatchException(String message) {
            super(message);
        }
    }

    /**
     * The parts of {@code data} (the event's data) under {@code type}.
     *
     * @throws MismatchException the type has field rules and {@code data} is not a JSON object, or a rule's pointer
     *                           goes through a value that is not an object
     */
    public static List<RecordPart> split(JsonNode data, EventType type) {
        if (type.fields().isEmpty()) {
            return List.of(new RecordPart(type.audiences(), List.of(), bytes(data)));
        }
        if (!data.isObject()) {
            throw new MismatchException("event type '" + type.name() + "' has field rules, so its data must be a JSON"
                    + " object, not a " + data.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        ObjectNode rest = data.deepCopy();
        List<RecordPart> groups = new ArrayList<>();
        for (EventType.FieldGroup group : type.fieldGroups()) {
            ArrayNode values = JSON.createArrayNode();
            List<String> present = new ArrayList<>();
            for (String pointer : group.pointers()) {
                JsonNode value = remove(rest, pointer, type);
                if (value != null) {
                    values.add(value);
                    present.add(pointer);
                }
            }
            if (!present.isEmpty()) {
                groups.add(new RecordPart(group.audiences(), present, bytes(values)));
            }
        }
        if (groups.isEmpty()) {
            return List.of(new RecordPart(type.audiences(), List.of(), bytes(data)));
        }
        List<RecordPart> parts = new ArrayList<>(groups.size() + 1);
        parts.add(new RecordPart(type.audiences(), List.of(AesGcmV2.REST_FIELD), bytes(rest)));
        parts.addAll(groups);
        return List.copyOf(parts);
    }

    /** Removes the value at {@code pointer} from {@code root} and returns it, or null if there is none. */
    private static JsonNode remove(ObjectNode root, String pointer, EventType type) {
        JsonPointer p = JsonPointer.compile(pointer);
        JsonNode node = root;
        while (true) {
            if (!node.isObject()) {
                throw new MismatchException("event type '" + type.name() + "': field rule " + pointer + " goes through"
                        + " a JSON " + node.getNodeType().name().toLowerCase(Locale.ROOT)
                        + ", which field rules cannot split (only objects)");
            }
            String name = p.getMatchingProperty();
            JsonPointer tail = p.tail();
            if (tail.matches()) {
                return ((ObjectNode) node).remove(name);
            }
            node = node.get(name);
            if (node == null || node.isNull()) {
                return null;
            }
            p = tail;
        }
    }

    /**
     * Puts an event back together from the parts this reader opened.
     *
     * @param fields     each opened part's fields, as the record lists them
     * @param plaintexts each opened part's plaintext, in the same order
     * @throws EnvelopeException the parts are not what {@link #split} makes (only a sealer bug: they were
     *                           authenticated)
     */
    static byte[] merge(List<List<String>> fields, List<byte[]> plaintexts) {
        if (fields.size() == 1 && fields.get(0).isEmpty()) {
            return plaintexts.get(0);
        }
        try {
            ObjectNode event = null;
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i).equals(List.of(AesGcmV2.REST_FIELD))) {
                    JsonNode rest = JSON.readTree(plaintexts.get(i));
                    if (!rest.isObject()) {
                        throw new EnvelopeException("the rest of a multi-part record is not a JSON object");
                    }
                    event = (ObjectNode) rest;
                }
            }
            if (event == null) {
                event = JSON.createObjectNode();
            }
            for (int i = 0; i < fields.size(); i++) {
                List<String> pointers = fields.get(i);
                if (pointers.equals(List.of(AesGcmV2.REST_FIELD))) {
                    continue;
                }
                JsonNode values = JSON.readTree(plaintexts.get(i));
                if (!values.isArray() || values.size() != pointers.size()) {
                    throw new EnvelopeException("a field part's plaintext is not a JSON array of its "
                            + pointers.size() + " values");
                }
                for (int f = 0; f < pointers.size(); f++) {
                    put(event, pointers.get(f), values.get(f));
                }
            }
            return JSON.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new EnvelopeException("a part of a multi-part record is not JSON ("
                    + e.getClass().getSimpleName() + ")"); // not the message: Jackson quotes content
        } catch (IOException e) {
            throw new EnvelopeException("a part of a multi-part record cannot be read", e);
        }
    }

    private static void put(ObjectNode root, String pointer, JsonNode value) {
        JsonPointer p = JsonPointer.compile(pointer);
        ObjectNode node = root;
        while (!p.tail().matches()) {
            JsonNode child = node.get(p.getMatchingProperty());
            if (child == null || !child.isObject()) {
                child = node.putObject(p.getMatchingProperty());
            }
            node = (ObjectNode) child;
            p = p.tail();
        }
        node.set(p.getMatchingProperty(), value);
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing parsed JSON failed", e);
        }
    }
}
