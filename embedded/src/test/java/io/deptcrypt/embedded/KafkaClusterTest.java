package io.deptcrypt.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three secured nodes: replication, a node stopped under traffic and started again, a restart of the cluster. */
@Tag("integration")
class KafkaClusterTest {

    static final int RECORDS = 3000;
    // The controller fences a silent broker after this; Kafka's 9 s default would only make the test wait longer.
    static final Map<String, String> FAST_FENCING = Map.of("broker.session.timeout.ms", "5000",
            "broker.heartbeat.interval.ms", "1000");

    @TempDir
    Path dir;

    /**
     * One cluster's life, to keep the test time down: RF 3 / min ISR 2 everywhere; the node leading most
     * partitions stops abruptly under acks=all traffic and starts again; then the whole cluster restarts on its
     * state, and users, ACLs and records are all still there.
     */
    @Test
    void losesNoAcknowledgedRecordWhenALeaderStopsAndKeepsItsStateAcrossARestart() throws Exception {
        AclBinding read = new AclBinding(new ResourcePattern(ResourceType.TOPIC, "events", PatternType.LITERAL),
                new AccessControlEntry("User:reader", "*", AclOperation.READ, AclPermissionType.ALLOW));
        AclBinding group = new AclBinding(new ResourcePattern(ResourceType.GROUP, "readers", PatternType.LITERAL),
                new AccessControlEntry("User:reader", "*", AclOperation.READ, AclPermissionType.ALLOW));
        try (EmbeddedKafka kafka = EmbeddedKafka.builder(dir).nodes(3).security(SecuredKafkaTest.SECURITY)
                .overrides(FAST_FENCING).start()) {
            assertThat(kafka.nodeIds()).containsExactly(1, 2, 3);
            assertThat(kafka.bootstrapServers().split(",")).hasSize(3);
            kafka.createTopic("events", 6);
            assertReplicatedThreeTimesWithMinIsrTwo(kafka, "events");
            assertInternalTopicDefaults(kafka);
            Map<String, String> worker = EmbeddedConnect.workerProperties(kafka,
                    kafka.clientProperties("connect", "connect-Secret-1"), Map.of());
            assertThat(worker).containsEntry("config.storage.replication.factor", "3")
                    .containsEntry("status.storage.replication.factor", "3")
                    .containsEntry("offset.storage.replication.factor", "3")
                    .containsEntry("producer.security.protocol", "SASL_PLAINTEXT")
                    .containsEntry("consumer.sasl.mechanism", "SCRAM-SHA-512")
                    .containsKey("admin.sasl.jaas.config");
            kafka.putScramUser("reader", "reader-Secret-1");
            try (Admin admin = kafka.admin()) {
                admin.createAcls(List.of(read, group)).all().get(30, TimeUnit.SECONDS);
            }

            int victim = kafka.nodeLeadingMostPartitions("events");
            assertThat(IntStream.range(0, 6).map(p -> kafka.leaderOf("events", p))).contains(victim);
            Set<String> acked = sendWhileStopping(kafka, victim);
            assertThat(acked).hasSize(RECORDS);

            // Every acknowledged record is there exactly once, read while the stopped node is still down.
            List<String> values = TopicContents.read(kafka.adminClientProperties(), "events");
            assertThat(values).hasSize(RECORDS).doesNotHaveDuplicates();
            assertThat(Set.copyOf(values)).isEqualTo(acked);
            assertThat(IntStream.range(0, 6).map(p -> kafka.leaderOf("events", p))).doesNotContain(victim, -1);

            long startStart = System.nanoTime();
            kafka.startNode(victim);
            long startMillis = millisSince(startStart);
            long isrStart = System.nanoTime();
            kafka.awaitFullyReplicated("events", Duration.ofSeconds(60));
            System.out.printf("three-node fault: node %d started again in %d ms, ISR full %d ms later%n",
                    victim, startMillis, millisSince(isrStart));
            assertThat(kafka.isRunning(victim)).isTrue();
        }
        assertThat(dir.resolve("node-1/meta.properties")).exists();
        assertThat(dir.resolve("node-3/meta.properties")).exists();

        try (EmbeddedKafka again = EmbeddedKafka.builder(dir).nodes(3).security(SecuredKafkaTest.SECURITY).start()) {
            assertThat(again.scramUsers()).containsExactly("reader", "stack-admin");
            try (Admin admin = again.admin()) {
                assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS))
                        .containsExactlyInAnyOrder(read, group);
            }
            assertReplicatedThreeTimesWithMinIsrTwo(again, "events");
            again.awaitFullyReplicated("events", Duration.ofSeconds(60));
            // The reader's own credential and ACLs still work: it reads every record through its consumer group.
            Map<String, Object> reader = again.clientProperties("reader", "reader-Secret-1");
            List<String> values = readAsGroup(reader, "readers", "events", RECORDS);
            assertThat(values).hasSize(RECORDS).doesNotHaveDuplicates();
        }
    }

    /**
     * Sends {@link #RECORDS} records (acks=all, idempotent) and stops {@code victim} once a third is acknowledged,
     * while the rest is still being sent; returns the acknowledged values.
     */
    private static Set<String> sendWhileStopping(EmbeddedKafka kafka, int victim) throws Exception {
        Set<String> acked = ConcurrentHashMap.newKeySet();
        List<Exception> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicLong lastAck = new AtomicLong(System.nanoTime());
        AtomicLong longestGap = new AtomicLong();
        CountDownLatch thirdAcked = new CountDownLatch(RECORDS / 3);
        Map<String, Object> p = new HashMap<>(kafka.adminClientProperties());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        long sendStart = System.nanoTime();
        long stopMillis;
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            Thread sender = new Thread(() -> {
                for (int i = 0; i < RECORDS; i++) {
                    String value = "r" + i;
                    producer.send(new ProducerRecord<>("events", value, value), (metadata, e) -> {
                        if (e != null) {
                            failures.add(e);
                            return;
                        }
                        long now = System.nanoTime();
                        longestGap.accumulateAndGet(now - lastAck.getAndSet(now), Math::max);
                        acked.add(value);
                        thirdAcked.countDown();
                    });
                    if (i % 20 == 19) {
                        pace(); // spread the traffic over a few seconds, so that the stop falls in the middle of it
                    }
                }
            }, "events-sender");
            sender.start();
            assertThat(thirdAcked.await(60, TimeUnit.SECONDS)).as("a third acknowledged").isTrue();
            long stopStart = System.nanoTime();
            kafka.stopNode(victim, NodeShutdown.UNCONTROLLED);
            stopMillis = millisSince(stopStart);
            assertThat(kafka.isRunning(victim)).isFalse();
            sender.join(120_000);
            assertThat(sender.isAlive()).isFalse();
            producer.flush();
        }
        System.out.printf("three-node fault: stopped node %d (uncontrolled) in %d ms; %d records sent in %d ms,"
                        + " longest gap between acknowledgements %d ms%n", victim, stopMillis, RECORDS,
                millisSince(sendStart), TimeUnit.NANOSECONDS.toMillis(longestGap.get()));
        assertThat(failures).isEmpty();
        return acked;
    }

    private static void assertInternalTopicDefaults(EmbeddedKafka kafka) throws Exception {
        try (Admin admin = kafka.admin()) {
            Config broker = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.BROKER, "2")))
                    .all().get(30, TimeUnit.SECONDS).values().iterator().next();
            for (String key : List.of("offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                    "share.coordinator.state.topic.replication.factor", "default.replication.factor")) {
                assertThat(broker.get(key).value()).as(key).isEqualTo("3");
            }
            for (String key : List.of("min.insync.replicas", "transaction.state.log.min.isr",
                    "share.coordinator.state.topic.min.isr")) {
                assertThat(broker.get(key).value()).as(key).isEqualTo("2");
            }
        }
    }

    static void assertReplicatedThreeTimesWithMinIsrTwo(EmbeddedKafka kafka, String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            assertThat(d.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertThat(config.get("min.insync.replicas").value()).isEqualTo("2");
        }
    }

    static List<String> readAsGroup(Map<String, Object> client, String groupId, String topic, int expected) {
        Map<String, Object> p = new HashMap<>(client);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }

    private static void pace() {
        try {
            Thread.sleep(15);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }
}
