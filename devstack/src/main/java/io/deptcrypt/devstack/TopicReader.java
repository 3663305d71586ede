package io.deptcrypt.devstack;

import io.deptcrypt.runtime.KafkaDataKeyDirectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a whole topic as it is now: every partition from the beginning up to its end offset, committed records only
 * ({@code read_committed}, so an aborted transaction's records never count). No consumer group, no commits.
 */
public final class TopicReader {

    private TopicReader() {}

    /**
     * @param clientProperties where the broker is and who reads (for example {@code Stack.kafka().adminClientProperties()}
     *                         or {@link Endpoints#kafkaClientProperties}): the broker's ACLs decide what may be read
     * @throws StackException if the topic does not exist or cannot be read to its end within {@code timeout}
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(Map<String, ?> clientProperties, String topic, Duration timeout) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "deptcrypt-topic-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new StackException("topic " + topic + " does not exist");
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // Under read_committed these are the last stable offsets: everything before them is decided.
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new StackException("could not read topic " + topic + " to its end within " + timeout);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    /**
     * The data keys of the keys topic ({@code topics.keys}), read from its start like a department consumer reads
     * them, with this class's connection settings: what opens AES_GCM_V2 records outside the apps. The caller closes it.
     */
    public static KafkaDataKeyDirectory keysDirectory(Map<String, ?> clientProperties, String keysTopic, String name) {
        return KafkaDataKeyDirectory.start(Map.copyOf(clientProperties), keysTopic,
                KafkaDataKeyDirectory.DEFAULT_CATCH_UP_TIMEOUT, name);
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
