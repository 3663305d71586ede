package io.deptcrypt.topology;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.deptcrypt.crypto.FieldParts;
import io.deptcrypt.crypto.RecordPart;
import io.deptcrypt.governance.EventType;
import io.deptcrypt.governance.Governance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Validates one ingest value, {@code {"department": "finance", "data": <string or JSON>, "eventId": "optional",
 * "partitionKey": "optional"}}, or for an event read by several departments {@code {"type": "deal-won", "data": ...}}
 * (the type field is governance's {@code typeField}; docs/event-types.md), and decides where it goes. A typed
 * event's parts are made here, by its type's field rules. Messages of a {@link DeadLetter} describe the problem without quoting the input:
 * Jackson's own messages quote content, so only the parse location is kept.
 */
public final class IngestParser {

    /** Content type of a sealed string {@code data}. */
    public static final String TEXT = "text/plain";
    /** Content type of sealed JSON {@code data} (object, array, number or boolean). */
    public static final String JSON = "application/json";
    /** Content type of a dead-lettered raw ingest value. */
    public static final String RAW = "application/octet-stream";

    /**
     * The ingest header whose value is an event's partition key when the event has no {@code partitionKey}: the SQS
     * source connector writes a FIFO message's group id to it.
     */
    public static final String PARTITION_KEY_HEADER = "sqs.message.group.id";

    static final int MAX_EVENT_ID_CHARS = 256;
    /** The longest partition key (the same bound as an event id). */
    static final int MAX_PARTITION_KEY_CHARS = 256;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES) // 12.50 stays 12.50
            .build();

    private final Supplier<List<String>> departments;
    private final int maxEventBytes;
    private final String typeField;
    private final Map<String, EventType> eventTypes;
    private final boolean severalParts;
    private final Set<String> fields;

    /** Events of one department only (no event types). */
    public IngestParser(List<String> departments, int maxEventBytes) {
        this(constant(departments), maxEventBytes, Governance.DEFAULT_TYPE_FIELD, List.of(), false);
    }

    /** Departments read anew for each value: those of the governance in force ({@link GovernanceFollower}). */
    public IngestParser(Supplier<List<String>> departments, int maxEventBytes) {
        this(departments, maxEventBytes, Governance.DEFAULT_TYPE_FIELD, List.of(), false);
    }

    /**
     * Events of the governance's departments and event types.
     *
     * @param severalParts whether the sealer writes records of several parts (AES_GCM_V2); if not, typed events are
     *                     dead-lettered as {@link DeadLetterReason#EVENT_TYPES_NEED_AES_GCM_V2}
     */
    public IngestParser(Governance governance, int maxEventBytes, boolean severalParts) {
        this(constant(governance.departmentNames()), governance, maxEventBytes, severalParts);
    }

    /**
     * The departments read anew for each value ({@link GovernanceFollower}), the event types of {@code governance}
     * (fixed: a running encryptor does not follow changed event types yet).
     */
    public IngestParser(Supplier<List<String>> departments, Governance governance, int maxEventBytes,
                        boolean severalParts) {
        this(departments, maxEventBytes, governance.typeField(), governance.eventTypes(), severalParts);
    }

    private IngestParser(Supplier<List<String>> departments, int maxEventBytes, String typeField, List<EventType> types,
            boolean severalParts) {
        this.departments = departments;
        this.maxEventBytes = maxEventBytes;
        this.typeField = typeField;
        Map<String, EventType> byName = new LinkedHashMap<>();
        types.forEach(t -> byName.put(t.name(), t));
        this.eventTypes = Collections.unmodifiableMap(byName);
        this.severalParts = severalParts;
        this.fields = types.isEmpty() ? Set.of("department", "data", "eventId", "partitionKey")
                : Set.of("department", "data", "eventId", "partitionKey", typeField);
    }

    private static Supplier<List<String>> constant(List<String> departments) {
        List<String> copy = List.copyOf(departments);
        return () -> copy;
    }

    /** What to do with one ingest record. */
    public sealed interface Decision permits Valid, DeadLetter {}

    /**
     * A valid event.
     *
     * @param eventId      the given id, or {@code null} when the caller must derive one from the source position
     * @param plaintext    what gets sealed: UTF-8 of a string {@code data}, else compact JSON of {@code data}
     * @param partitionKey the given partition key (records with the same one keep their order), or {@code null}
     */
    public record Valid(String department, String eventId, String contentType, byte[] plaintext, String partitionKey,
                        String eventType, List<RecordPart> parts)
            implements Decision {

        public Valid(String department, String eventId, String contentType, byte[] plaintext, String partitionKey) {
            this(department, eventId, contentType, plaintext, partitionKey, null, null);
        }

        public Valid(String department, String eventId, String contentType, byte[] plaintext) {
            this(department, eventId, contentType, plaintext, null);
        }

        /** The department, or for a typed event its type: what the partitioner and messages name it by. */
        public String routingName() {
            return department != null ? department : eventType;
        }

        @Override
        public String toString() {
            return "Valid[" + (department != null ? "department=" + department : "type=" + eventType + ", parts="
                    + parts) + ", eventId=" + eventId + ", contentType=" + contentType + ", plaintext="
                    + plaintext.length + " bytes" + (partitionKey == null ? "" : ", partitionKey="
                    + partitionKey.length() + " characters") + "]";
        }
    }

    /** An invalid event; {@code message} holds no input content. */
    public record DeadLetter(DeadLetterReason reason, String message) implements Decision {}

    public Decision parse(byte[] value) {
        if (value == null) {
            return dead(DeadLetterReason.NOT_JSON, "value is null (a tombstone), expected a JSON object");
        }
        if (value.length > maxEventBytes) {
            return dead(DeadLetterReason.TOO_LARGE, "value is " + value.length + " bytes; max.event.bytes is " + maxEventBytes);
        }
        if (value.length == 0) {
            return dead(DeadLetterReason.NOT_JSON, "value is empty, expected a JSON object");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            return dead(DeadLetterReason.NOT_JSON, "value is not valid JSON"
                    + (at == null ? "" : " (error at line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (root == null || root.isMissingNode()) {
            return dead(DeadLetterReason.NOT_JSON, "value holds no JSON");
        }
        if (!root.isObject()) {
            return dead(DeadLetterReason.NOT_OBJECT, "value is a JSON " + kind(root) + ", expected an object with"
                    + " department and data");
        }
        int unexpected = 0;
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            if (!fields.contains(it.next())) {
                unexpected++;
            }
        }
        if (unexpected > 0) {
            return dead(DeadLetterReason.UNEXPECTED_FIELD, unexpected + " unexpected field(s); only department, data,"
                    + " eventId and partitionKey are allowed" + (eventTypes.isEmpty() ? "" : ", and " + typeField));
        }

        JsonNode typeNode = eventTypes.isEmpty() ? null : root.get(typeField);
        EventType type = null;
        if (typeNode != null && !typeNode.isNull()) {
            if (root.hasNonNull("department")) {
                return dead(DeadLetterReason.DEPARTMENT_AND_TYPE, "the event has both 'department' and '" + typeField
                        + "'; it names its one department or its type");
            }
            type = typeNode.isTextual() ? eventTypes.get(typeNode.textValue()) : null;
            if (type == null) {
                return dead(DeadLetterReason.UNKNOWN_EVENT_TYPE, "field '" + typeField + "' "
                        + (typeNode.isTextual() ? "(" + typeNode.textValue().length() + " characters) is not an event"
                                + " type governance declares; declared: " + eventTypes.keySet()
                                : "must be a string, got a " + kind(typeNode)));
            }
            if (!severalParts) {
                return dead(DeadLetterReason.EVENT_TYPES_NEED_AES_GCM_V2, "event type '" + type.name() + "' is read"
                        + " by " + type.audiences() + ", but this encryptor seals a version 1 format (one department"
                        + " per record); set envelope.format=AES_GCM_V2");
            }
        }
        String department = null;
        JsonNode dept = type == null ? root.get("department") : null;
        if (type == null) {
            if (dept == null || dept.isNull()) {
                return dead(DeadLetterReason.MISSING_DEPARTMENT, "field 'department' is missing"
                        + (eventTypes.isEmpty() ? "" : " (and so is '" + typeField + "')"));
            }
            if (!dept.isTextual() || dept.textValue().isEmpty()) {
                return dead(DeadLetterReason.MISSING_DEPARTMENT, "field 'department' must be a non-empty string, got "
                        + (dept.isTextual() ? "an empty string" : "a " + kind(dept)));
            }
            department = dept.textValue();
            List<String> declared = departments.get();
            if (!declared.contains(department)) {
                // The value is input, so it is not repeated here; the sealed dead-letter record holds it.
                return dead(DeadLetterReason.UNKNOWN_DEPARTMENT, "department (" + department.length() + " characters)"
                        + " is not declared in governance; declared: " + declared);
            }
        }

        String eventId = null;
        JsonNode id = root.get("eventId");
        if (id != null && !id.isNull()) {
            if (!id.isTextual()) {
                return dead(DeadLetterReason.INVALID_EVENT_ID, "field 'eventId' must be a string, got a " + kind(id));
            }
            eventId = id.textValue();
            if (eventId.isEmpty() || eventId.length() > MAX_EVENT_ID_CHARS || eventId.chars().anyMatch(Character::isISOControl)) {
                return dead(DeadLetterReason.INVALID_EVENT_ID, "field 'eventId' must be 1-" + MAX_EVENT_ID_CHARS
                        + " characters without control characters (got " + eventId.length() + " characters)");
            }
        }

        String partitionKey = null;
        JsonNode pk = root.get("partitionKey");
        if (pk != null && !pk.isNull()) {
            if (!pk.isTextual()) {
                return dead(DeadLetterReason.INVALID_PARTITION_KEY, "field 'partitionKey' must be a string, got a "
                        + kind(pk));
            }
            partitionKey = pk.textValue();
            if (partitionKey.isEmpty() || partitionKey.length() > MAX_PARTITION_KEY_CHARS
                    || partitionKey.chars().anyMatch(Character::isISOControl)) {
                return dead(DeadLetterReason.INVALID_PARTITION_KEY, "field 'partitionKey' must be 1-"
                        + MAX_PARTITION_KEY_CHARS + " characters without control characters (got "
                        + partitionKey.length() + " characters)");
            }
        }

        JsonNode data = root.get("data");
        if (data == null || data.isNull()) {
            return dead(DeadLetterReason.EMPTY_DATA, "field 'data' is " + (data == null ? "missing" : "null"));
        }
        String contentType;
        byte[] plaintext;
        if (data.isTextual()) {
            if (data.textValue().isEmpty()) {
                return dead(DeadLetterReason.EMPTY_DATA, "field 'data' is an empty string");
            }
            contentType = TEXT;
            plaintext = data.textValue().getBytes(StandardCharsets.UTF_8);
        } else {
            if (data.isContainerNode() && data.isEmpty()) {
                return dead(DeadLetterReason.EMPTY_DATA, "field 'data' is an empty " + kind(data));
            }
            contentType = JSON;
            try {
                plaintext = MAPPER.writeValueAsBytes(data);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("re-serialising parsed JSON failed", e);
            }
        }
        if (type == null) {
            return new Valid(department, eventId, contentType, plaintext, partitionKey);
        }
        List<RecordPart> parts;
        if (type.fields().isEmpty()) {
            parts = List.of(new RecordPart(type.audiences(), List.of(), plaintext));
        } else if (!contentType.equals(JSON)) {
            return dead(DeadLetterReason.FIELD_RULE_MISMATCH, "event type '" + type.name() + "' has field rules, so"
                    + " its data must be a JSON object, not a string");
        } else {
            try {
                parts = FieldParts.split(data, type);
            } catch (FieldParts.MismatchException e) {
                return dead(DeadLetterReason.FIELD_RULE_MISMATCH, e.getMessage()); // names the rule, not content
            }
        }
        return new Valid(null, eventId, contentType, plaintext, partitionKey, type.name(), parts);
    }

    /**
     * The event id of a record that carries none: a name-based UUID of its source position, so a replay of the same
     * record gets the same id.
     */
    public static String derivedEventId(String topic, int partition, long offset) {
        return UUID.nameUUIDFromBytes(("deptcrypt:" + topic + "/" + partition + "/" + offset).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    private static DeadLetter dead(DeadLetterReason reason, String message) {
        return new DeadLetter(reason, message);
    }

    private static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "array";
            case OBJECT -> "object";
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            case NULL -> "null";
            default -> n.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }
}
