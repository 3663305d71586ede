package io.deptcrypt.crypto;

import java.util.Objects;

/**
 * What a record is sealed for. {@code department}, {@code eventId} and {@code topic} (the shared topic the record is
 * written to) are bound to the ciphertext; {@code department} is also the KMS encryption context
 * {@code {"department": <department>}} of the data key. Nothing here is secret: all of it travels in cleartext.
 *
 * @param department      the department whose key wraps the data key
 * @param eventId         the stable id of the event
 * @param topic           the topic the envelope is written to
 * @param timestampMillis event time, epoch milliseconds
 * @param contentType     media type of the plaintext, e.g. {@code application/json}
 */
public record SealContext(String department, String eventId, String topic, long timestampMillis, String contentType) {

    public SealContext {
        requireText(department, "department");
        requireText(eventId, "eventId");
        requireText(topic, "topic");
        Objects.requireNonNull(contentType, "SealContext.contentType must not be null");
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("SealContext." + field + " must not be null or empty");
        }
    }
}
