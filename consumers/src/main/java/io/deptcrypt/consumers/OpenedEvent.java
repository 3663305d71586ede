package io.deptcrypt.consumers;

import io.deptcrypt.crypto.avro.Envelope;

/**
 * One event this consumer opened: the envelope as read from the shared topic, where it was, and the plaintext.
 * {@link #toString()} leaves the plaintext out so the record can be logged.
 *
 * @param envelope  the sealed envelope (cleartext fields plus ciphertext)
 * @param plaintext the opened data (a string event's UTF-8, or JSON); owned by the receiver
 */
public record OpenedEvent(String topic, int partition, long offset, Envelope envelope, byte[] plaintext) {

    public String department() {
        return envelope.getDepartment().toString();
    }

    public String eventId() {
        return envelope.getEventId().toString();
    }

    public String contentType() {
        return envelope.getContentType().toString();
    }

    public long timestamp() {
        return envelope.getTimestamp();
    }

    @Override
    public String toString() {
        return "OpenedEvent[" + topic + "-" + partition + "@" + offset + ", department=" + department()
                + ", eventId=" + eventId() + ", contentType=" + contentType() + ", plaintext=" + plaintext.length + " bytes]";
    }
}
