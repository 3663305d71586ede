package io.deptcrypt.topology;

import org.apache.kafka.common.serialization.Serializer;

/**
 * A sealed record on its way to the shared or dead-letter topic: its Kafka value, and the department, event id and
 * partition key (or {@code null}) the {@link SharedTopicPartitioner} chooses by. None of them is written into the
 * record by this class: an AES_GCM_V2 record has no key and only the audience header, and the partition key only
 * chooses the partition (it may be a business identifier: it is not carried in clear).
 */
record SealedEvent(String department, String eventId, String partitionKey, byte[] value) {

    SealedEvent(String department, String eventId, byte[] value) {
        this(department, eventId, null, value);
    }

    /** Writes {@link #value()}. */
    static final class ValueSerializer implements Serializer<SealedEvent> {
        @Override
        public byte[] serialize(String topic, SealedEvent data) {
            return data == null ? null : data.value();
        }
    }
}
