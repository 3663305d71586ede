package io.deptcrypt.consumers;

import io.deptcrypt.crypto.OpenedRecord;

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
                + ", eventId=" + eventId() + ", contentType=" + contentType() + ", plaintext=" + plaintext().length + " bytes]";
    }
}
