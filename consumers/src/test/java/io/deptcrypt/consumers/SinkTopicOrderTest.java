package io.deptcrypt.consumers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.crypto.CleartextFields;
import io.deptcrypt.embedded.EmbeddedKafka;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestGovernance;
import io.deptcrypt.topology.EncryptorApp;
import io.deptcrypt.topology.EncryptorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The department's plaintext topic keeps per-key order: each opened event goes to the partition number it had on the
 * shared topic, where all events of one partition key are, in order.
 */
@Tag("integration")
class SinkTopicOrderTest {

    private static final int PARTITIONS = 3;
    private static final String SINK = "finance.events";

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static Governance governance;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        governance = DepartmentConsumerTopologyTest.config(Map.of()).governance();
        Governance.Topics t = governance.topics();
        kafka.createTopics(List.of(new NewTopic(t.ingest(), PARTITIONS, (short) 1),
                new NewTopic(t.shared(), PARTITIONS, (short) 1), new NewTopic(t.deadLetter(), 1, (short) 1),
                new NewTopic(SINK, PARTITIONS, (short) 1), new NewTopic(t.keys(), 1, (short) 1)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))));
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void eventsOfOneKeyKeepTheirSharedPartitionAndOrderOnTheDepartmentTopic() throws Exception {
        List<String> keys = List.of("account-1", "account-2", "account-3", "account-4", "account-5");
        Map<String, List<String>> sent = new LinkedHashMap<>();
        Properties pp = new Properties();
        pp.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 60; i++) {
                String key = keys.get(i % keys.size());
                String id = key + "-" + i;
                sent.computeIfAbsent(key, k -> new ArrayList<>()).add(id);
                // all on one ingest partition: the order the encryptor reads is the send order
                producer.send(new ProducerRecord<>(governance.topics().ingest(), 0, null, ("{\"department\":\"finance\","
                        + "\"eventId\":\"" + id + "\",\"partitionKey\":\"" + key + "\",\"data\":{\"n\":" + i + "}}").getBytes(UTF_8)));
            }
        }
        RawAesKeyringProvider keyrings = RawAesKeyringProvider.generate(governance);
        Map<String, String> c = common("fin-order");
        c.put("application.name", "finance-consumer");
        c.put("department", "finance");
        c.put("sink.stdout", "false");
        c.put("sink.topic", SINK);
        try (EncryptorApp encryptor = EncryptorApp.start(EncryptorConfig.of(common("enc-order"), "test", null, null),
                     keyrings);
             DepartmentConsumerApp consumer = DepartmentConsumerApp.start(DepartmentConsumerConfig.of(c, "test", null, null),
                     keyrings.readerFor(governance, "finance-consumer"), e -> { })) {
            Map<String, Integer> sharedPartition = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : readCommitted(governance.topics().shared(), 60)) {
                sharedPartition.put(CleartextFields.read(r.value()).eventId(), r.partition());
            }
            List<ConsumerRecord<byte[], byte[]>> sink = readCommitted(SINK, 60);
            assertThat(sink).hasSize(60);
            assertThat(sharedPartition.values()).as("the keys spread over several partitions").hasSizeGreaterThan(0)
                    .satisfies(v -> assertThat(new HashSet<>(v)).hasSizeGreaterThan(1));
            Map<String, List<String>> seen = new LinkedHashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : sink) {
                String id = new String(r.key(), UTF_8);
                assertThat(r.partition()).as("partition of %s on %s", id, SINK).isEqualTo(sharedPartition.get(id));
                seen.computeIfAbsent(id.substring(0, id.lastIndexOf('-')), k -> new ArrayList<>()).add(id);
            }
            assertThat(seen).as("event ids per key, in the order of their partition on " + SINK).isEqualTo(sent);
            assertThat(consumer.counters().opened()).isEqualTo(60);
            assertThat(encryptor.counters().sealed()).isEqualTo(60);
        }
    }

    private static Map<String, String> common(String appId) throws Exception {
        Map<String, String> m = new HashMap<>();
        m.put("governance.file", TestGovernance.file().toString());
        m.put("bootstrap.servers", kafka.bootstrapServers());
        m.put("application.id", appId);
        m.put("streams.state.dir", dir.resolve("streams-" + appId).toString());
        m.put("streams.commit.interval.ms", "50");
        return m;
    }

    /** Every committed record of the topic, partition by partition in offset order, once {@code expected} are there. */
    private static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, int expected) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (int i = 0; i < PARTITIONS; i++) {
                parts.add(new TopicPartition(topic, i));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            RealBrokerTest.await(expected + " records on " + topic, () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
                return out.size() >= expected;
            });
        }
        out.sort(Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
        return out;
    }
}
