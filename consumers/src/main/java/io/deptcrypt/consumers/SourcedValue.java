package io.deptcrypt.consumers;

import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * A value on its way to one of the department's own topics (plaintext or failure topic) and the shared-topic partition
 * it was read from. The partition only chooses where it goes ({@link SamePartition}); only {@link #value()} is written.
 * Events with one partition key share a shared-topic partition (docs/wire-format.md, per-key order), so they share a
 * department-topic partition too and keep their order there.
 */
record SourcedValue(int sourcePartition, byte[] value) {

    /** Writes {@link #value()}. */
    static final class ValueSerializer implements Serializer<SourcedValue> {
        @Override
        public byte[] serialize(String topic, SourcedValue data) {
            return data == null ? null : data.value();
        }
    }

    /** The shared-topic partition number, modulo the target's partitions (the same when their counts match). */
    static final class SamePartition implements StreamPartitioner<byte[], SourcedValue> {
        @Override
        public Optional<Set<Integer>> partitions(String topic, byte[] key, SourcedValue value, int numPartitions) {
            return Optional.of(Set.of(value.sourcePartition() % numPartitions));
        }
    }
}
