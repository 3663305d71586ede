package io.deptcrypt.topology;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Chooses the shared-topic partition of a sealed event. With a handful of departments, partitioning by department
 * would use only that many partitions. {@link Partitioning#EVENT_ID} spreads each department over every partition by
 * a hash of the event id (a replayed event lands on the same partition); {@link Partitioning#DEPARTMENT} hashes the
 * department as Kafka's default partitioner hashes a key (total order per department), also for AES_GCM_V2 records,
 * whose key is null. An event with a partition key ({@code partitionKey} in the ingest event, else the SQS FIFO
 * message group id the connector carries in the {@link IngestParser#PARTITION_KEY_HEADER} ingest header) goes to the partition
 * of that key's hash whatever its department and the setting: the same key, the same partition, in the order the
 * encryptor reads its ingest partition.
 */
final class SharedTopicPartitioner implements StreamPartitioner<byte[], SealedEvent> {

    private final Partitioning partitioning;

    SharedTopicPartitioner(Partitioning partitioning) {
        this.partitioning = partitioning;
    }

    @Override
    public Optional<Set<Integer>> partitions(String topic, byte[] key, SealedEvent sealed, int numPartitions) {
        byte[] basis = sealed.partitionKey() != null ? sealed.partitionKey().getBytes(StandardCharsets.UTF_8)
                : switch (partitioning) {
                    case EVENT_ID -> sealed.eventId().getBytes(StandardCharsets.UTF_8);
                    case DEPARTMENT -> sealed.department().getBytes(StandardCharsets.UTF_8);
                };
        // The same murmur2 hash as Kafka's default partitioner, so DEPARTMENT matches what a plain producer would do.
        return Optional.of(Set.of(Utils.toPositive(Utils.murmur2(basis)) % numPartitions));
    }
}
