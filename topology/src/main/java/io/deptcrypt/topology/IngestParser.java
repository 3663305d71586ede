package io.deptcrypt.topology;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Validates one ingest value, {@code {"department": "finance", "data": <string or JSON>, "eventId": "optional"}},
 * and decides where it goes. Messages of a {@link DeadLetter} describe the problem without quoting the input:
 * Jackson's own messages quote content, so only the parse location is kept.
 */
public final class IngestParser {

    /** Content type of a sealed string {@code data}. */
    public static final String TEXT = "text/plain";
    /** Content type of sealed JSON {@code data} (object, array, number or boolean). */
    public static final String JSON = "application/json";
    /** Content type of a dead-lettered raw ingest value. */
    public static final String RAW = "application/octet-stream";

    static final int MAX_EVENT_ID_CHARS = 256;
    private static final Set<String> FIELDS = Set.of("department", "data", "eventId");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES) // 12.50 stays 12.50
            .build();

    private final Supplier<List<String>> departments;
    private final int maxEventBytes;

    public IngestParser(List<String> departments, int maxEventBytes) {
        this(constant(departments), maxEventBytes);
    }

    /** Departments read anew for each value: those of the governance in force ({@link GovernanceFollower}). */
    public IngestParser(Supplier<List<String>> departments, int maxEventBytes) {
        this.departments = departments;
        this.maxEventBytes = maxEventBytes;
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
     * @param eventId   the given id, or {@code null} when the caller must derive one from the source position
     * @param plaintext what gets sealed: UTF-8 of a string {@code data}, else compact JSON of {@code data}
     */
    public record Valid(String department, String eventId, String contentType, byte[] plaintext) implements Decision {
        @Override
        public String toString() {
            return "Valid[department=" + department + ", eventId=" + eventId + ", contentType=" + contentType
                    + ", plaintext=" + plaintext.length + " bytes]";
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
            if (!FIELDS.contains(it.next())) {
                unexpected++;
            }
        }
        if (unexpected > 0) {
            return dead(DeadLetterReason.UNEXPECTED_FIELD, unexpected + " unexpected field(s); only department, data"
                    + " and eventId are allowed");
        }

        JsonNode dept = root.get("department");
        if (dept == null || dept.isNull()) {
            return dead(DeadLetterReason.MISSING_DEPARTMENT, "field 'department' is missing");
        }
        if (!dept.isTextual() || dept.textValue().isEmpty()) {
            return dead(DeadLetterReason.MISSING_DEPARTMENT, "field 'department' must be a non-empty string, got "
                    + (dept.isTextual() ? "an empty string" : "a " + kind(dept)));
        }
        String department = dept.textValue();
        List<String> declared = departments.get();
        if (!declared.contains(department)) {
            // The value is input, so it is not repeated here; the sealed dead-letter record holds it.
            return dead(DeadLetterReason.UNKNOWN_DEPARTMENT, "department (" + department.length() + " characters)"
                    + " is not declared in governance; declared: " + declared);
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

        JsonNode data = root.get("data");
        if (data == null || data.isNull()) {
            return dead(DeadLetterReason.EMPTY_DATA, "field 'data' is " + (data == null ? "missing" : "null"));
        }
        if (data.isTextual()) {
            if (data.textValue().isEmpty()) {
                return dead(DeadLetterReason.EMPTY_DATA, "field 'data' is an empty string");
            }
            return new Valid(department, eventId, TEXT, data.textValue().getBytes(StandardCharsets.UTF_8));
        }
        if (data.isContainerNode() && data.isEmpty()) {
            return dead(DeadLetterReason.EMPTY_DATA, "field 'data' is an empty " + kind(data));
        }
        try {
            return new Valid(department, eventId, JSON, MAPPER.writeValueAsBytes(data));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("re-serialising parsed JSON failed", e);
        }
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
            default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
