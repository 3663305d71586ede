package io.deptcrypt.consumers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deptcrypt.crypto.OpenedRecord;
import java.util.List;

/**
 * One event this consumer opened: where it was, the record value as read from the shared topic, and what opening it
 * gave. {@link #toString()} leaves the plaintext out so the record can be logged.
 *
 * @param department the department this consumer read it for (one of the record's audiences)
 * @param value      the sealed record value (any format), as on the topic
 * @param opened     its cleartext fields and plaintext
 */
public record OpenedEvent(String topic, int partition, long offset, String department, byte[] value,
                          OpenedRecord opened) {

    /**
     * The header, on the plaintext topic (and on records a {@link DecryptingDeserializer} opened), listing the fields
     * this department may not read (docs/event-types.md): a JSON array of their JSON Pointers, UTF-8. Present only
     * when fields were withheld; they are absent from the plaintext.
     */
    public static final String WITHHELD_HEADER = "deptcrypt.withheld";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The JSON Pointers of the fields sealed for other audiences, absent from {@link #plaintext()}. */
    public List<String> withheldFields() {
        return opened.withheldFields();
    }

    /** The {@value #WITHHELD_HEADER} value for these pointers. */
    static byte[] withheldHeader(List<String> pointers) {
        try {
            return JSON.writeValueAsBytes(pointers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a list of strings as JSON", e);
        }
    }

    public String eventId() {
        return opened.eventId();
    }

    public String contentType() {
        return opened.contentType();
    }

    public long timestamp() {
        return opened.timestampMillis();
    }

    /** The opened data (a string event's UTF-8, or JSON); owned by the receiver. */
    public byte[] plaintext() {
        return opened.plaintext();
    }

    @Override
    public String toString() {
        return "OpenedEvent[" + topic + "-" + partition + "@" + offset + ", department=" + department()
                + ", eventId=" + eventId() + ", contentType=" + contentType() + ", plaintext=" + plaintext().length + " bytes"
                + (withheldFields().isEmpty() ? "" : ", withheld=" + withheldFields()) + "]";
    }
}
