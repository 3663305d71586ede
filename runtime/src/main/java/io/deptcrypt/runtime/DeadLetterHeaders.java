package io.deptcrypt.runtime;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Headers on a dead-letter record (the encryptor's dead-letter topic, and a consumer's failure topic). Values are
 * UTF-8 text. None of them carries plaintext: the message describes what was wrong, never what the input said.
 */
public final class DeadLetterHeaders {
    /** A reason code, e.g. {@code NOT_JSON} (the encryptor's {@code io.deptcrypt.topology.DeadLetterReason}) or a consumer's {@code ACCESS_DENIED}. */
    public static final String REASON = "deptcrypt.dlq.reason";
    /** Human-readable explanation, without plaintext. */
    public static final String MESSAGE = "deptcrypt.dlq.message";
    /** Where the record was read from: topic, partition (decimal) and offset (decimal). */
    public static final String SOURCE_TOPIC = "deptcrypt.dlq.source.topic";
    public static final String SOURCE_PARTITION = "deptcrypt.dlq.source.partition";
    public static final String SOURCE_OFFSET = "deptcrypt.dlq.source.offset";

    private DeadLetterHeaders() {}

    /** Adds the five headers, replacing any earlier values of them. */
    public static void write(Headers headers, String reason, String message, String topic, int partition, long offset) {
        put(headers, REASON, reason);
        put(headers, MESSAGE, message);
        put(headers, SOURCE_TOPIC, topic);
        put(headers, SOURCE_PARTITION, Integer.toString(partition));
        put(headers, SOURCE_OFFSET, Long.toString(offset));
    }

    public static Optional<String> get(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? Optional.empty() : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
