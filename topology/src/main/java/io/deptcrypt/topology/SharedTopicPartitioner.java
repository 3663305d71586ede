package io.deptcrypt.topology;

import io.deptcrypt.crypto.avro.Envelope;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Chooses the shared-topic partition of a sealed event. The record key stays the department (consumers filter on
 * it), but with a handful of departments, partitioning by key would use only that many partitions. {@link
 * Partitioning#EVENT_ID} spreads each department over every partition by a hash of the event id (a replayed event
 * lands on the same partition); {@link Partitioning#DEPARTMENT} keeps Kafka's default (total order per department).
 */
final class SharedTopicPartitioner implements StreamPartitioner<String, Envelope> {

    private final Partitioning partitioning;

    SharedTopicPartitioner(Partitioning partitioning) {
        this.partitioning = partitioning;
    }

    @Override
    public Optional<Set<Integer>> partitions(String topic, String department, Envelope envelope, int numPartitions) {
        byte[] basis = switch (partitioning) {
            case EVENT_ID -> envelope.getEventId().toString().getBytes(StandardCharsets.UTF_8);
            case DEPARTMENT -> department.getBytes(StandardCharsets.UTF_8);
        };
        // The same murmur2 hash as Kafka's default partitioner, so DEPARTMENT matches what a plain producer would do.
        return Optional.of(Set.of(Utils.toPositive(Utils.murmur2(basis)) % numPartitions));
    }
}
