package io.deptcrypt.topology;

import org.apache.kafka.common.serialization.Serializer;

/**
 * A sealed record on its way to the shared or dead-letter topic: its Kafka value, and the department and event id
 * the {@link SharedTopicPartitioner} spreads by (an AES_GCM_V2 record has neither in its key or headers).
 */
record SealedEvent(String department, String eventId, byte[] value) {

    /** Writes {@link #value()}. */
    static final class ValueSerializer implements Serializer<SealedEvent> {
        @Override
        public byte[] serialize(String topic, SealedEvent data) {
            return data == null ? null : data.value();
        }
    }
}
