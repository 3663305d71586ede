package io.deptcrypt.consumers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.OpenerConfig;
import io.deptcrypt.embedded.EmbeddedKafka;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.runtime.KafkaDataKeyDirectory;
import io.deptcrypt.runtime.KmsCallSensors;
import io.deptcrypt.runtime.KmsRetry;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestGovernance;
import io.deptcrypt.topology.EncryptorApp;
import io.deptcrypt.topology.EncryptorConfig;
import io.deptcrypt.topology.EncryptorMetrics;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encryptor and department consumers as real Kafka Streams apps (exactly-once, uncaught-exception handling,
 * lifecycle) against an in-process broker. Keys are raw AES stand-ins for KMS.
 */
@Tag("integration")
class RealBrokerTest {

    static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static Governance governance;
    static RawAesKeyringProvider keys;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        governance = DepartmentConsumerTopologyTest.config(Map.of()).governance();
        Governance.Topics t = governance.topics();
        kafka.createTopics(List.of(new NewTopic(t.ingest(), 1, (short) 1), new NewTopic(t.shared(), 2, (short) 1),
                new NewTopic(t.deadLetter(), 1, (short) 1), new NewTopic(t.keys(), 1, (short) 1)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))));
        keys = RawAesKeyringProvider.generate(governance);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    static Map<String, String> common(String appId) throws Exception {
        Map<String, String> m = new HashMap<>();
        m.put("governance.file", TestGovernance.file().toString());
        m.put("bootstrap.servers", kafka.bootstrapServers());
        m.put("application.id", appId);
        m.put("kms.retry.initial.ms", "1");
        m.put("streams.state.dir", dir.resolve("streams-" + appId).toString());
        m.put("streams.commit.interval.ms", "50");
        return m;
    }

    static EncryptorConfig encryptorConfig(String appId) throws Exception {
        return EncryptorConfig.of(common(appId), "test", null, null);
    }

    static DepartmentConsumerConfig consumerConfig(String appId, String app, String dept) throws Exception {
        Map<String, String> m = common(appId);
        m.put("application.name", app);
        m.put("department", dept);
        m.put("sink.stdout", "false");
        return DepartmentConsumerConfig.of(m, "test", null, null);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    static void produce(String... values) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String v : values) {
                producer.send(new ProducerRecord<>(governance.topics().ingest(), v.getBytes(UTF_8)));
            }
            producer.flush();
        }
    }

    @Test
    void eventsFlowFromIngestToEachDepartmentOnlyAndAccessDeniedStopsTheApps() throws Exception {
        produce("{\"department\":\"finance\",\"data\":\"f1\",\"eventId\":\"f1\"}",
                "{\"department\":\"sales\",\"data\":{\"deal\":1},\"eventId\":\"s1\"}",
                "not json",
                "{\"department\":\"finance\",\"data\":\"f2\",\"eventId\":\"f2\"}");

        List<OpenedEvent> finance = Collections.synchronizedList(new ArrayList<>());
        List<OpenedEvent> sales = Collections.synchronizedList(new ArrayList<>());
        try (EncryptorApp encryptor = EncryptorApp.start(encryptorConfig("enc"), keys);
             DepartmentConsumerApp f = DepartmentConsumerApp.start(consumerConfig("fin", "finance-consumer", "finance"),
                     keys.readerFor(governance, "finance-consumer"), finance::add);
             DepartmentConsumerApp s = DepartmentConsumerApp.start(consumerConfig("sal", "sales-consumer", "sales"),
                     keys.readerFor(governance, "sales-consumer"), sales::add)) {
            // every record seen by both: opened, or passed over (the shared topic spreads them over partitions,
            // so the last one a consumer passes over may come after its own department's events)
            await("both departments' events", () -> finance.size() == 2 && sales.size() == 1
                    && f.counters().ignored() >= 1 && s.counters().ignored() >= 2);
            assertThat(encryptor.counters().sealed()).isEqualTo(3);
            assertThat(encryptor.counters().deadLettered()).isEqualTo(1);
            assertThat(finance).extracting(OpenedEvent::eventId).containsExactly("f1", "f2");
            assertThat(new String(sales.get(0).plaintext(), UTF_8)).isEqualTo("{\"deal\":1}");
            assertThat(f.counters().ignored()).isEqualTo(1);
            assertThat(s.counters().ignored()).isEqualTo(2);
            assertThat(f.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(f.failure()).isEmpty();

            // The same counts over JMX, beside Kafka Streams' own metrics (as jconsole or a JMX exporter sees them).
            MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
            assertThat(jmx.getAttribute(new ObjectName("kafka.streams:type=" + EncryptorMetrics.GROUP
                    + ",application=enc,department=finance"), EncryptorMetrics.SEALED_TOTAL.name())).isEqualTo(2.0);
            assertThat(jmx.getAttribute(new ObjectName("kafka.streams:type=" + EncryptorMetrics.GROUP
                    + ",application=enc,reason=NOT_JSON"), EncryptorMetrics.DEAD_LETTERED_TOTAL.name())).isEqualTo(1.0);
            assertThat(jmx.getAttribute(new ObjectName("kafka.streams:type=" + ConsumerMetrics.GROUP
                    + ",application=fin,department=finance"), ConsumerMetrics.OPENED_TOTAL.name())).isEqualTo(2.0);
            assertThat(jmx.getAttribute(new ObjectName("kafka.streams:type=" + ConsumerMetrics.GROUP
                    + ",application=sal,department=sales"), ConsumerMetrics.IGNORED_TOTAL.name())).isEqualTo(2.0);
            // one MBean per KMS operation (the raw AES stand-in makes no KMS calls to count)
            assertThat(jmx.queryNames(new ObjectName("kafka.streams:type=" + KmsCallSensors.GROUP
                    + ",application=fin,*"), null)).hasSize(3);
            assertThat(jmx.queryNames(new ObjectName("kafka.streams:type=stream-thread-metrics,*"), null)).isNotEmpty();

            // A plain KafkaConsumer with the DecryptingDeserializer (read_committed) sees the same.
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "plain");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            List<String> plain = new ArrayList<>();
            try (KafkaDataKeyDirectory directory = KafkaDataKeyDirectory.start(Map.of(
                         ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), governance.topics().keys(),
                         DEADLINE, "plain");
                 Opener opener = Opener.create(keys.readerFor(governance, "finance-consumer"), OpenerConfig.defaults(),
                         directory);
                 KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                    new DecryptingDeserializer(opener, "finance", KmsRetry.defaults(), FailureAction.FAIL))) {
                consumer.subscribe(List.of(governance.topics().shared()));
                await("plain consumer", () -> {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        plain.add(r.key() + "=" + (r.value() == null ? null : new String(r.value(), UTF_8)));
                    }
                    return plain.size() == 3;
                });
            }
            // AES_GCM_V2 records have no key; the sales record is passed over by its audience header
            assertThat(plain).containsExactlyInAnyOrder("null=f1", "null=f2", "null=null");
        }

        // A finance consumer whose KMS access was revoked stops (FAIL) and says why.
        try (DepartmentConsumerApp revoked = DepartmentConsumerApp.start(consumerConfig("fin-revoked", "finance-consumer", "finance"),
                keys.readerFor(governance, "sales-consumer"), e -> { })) {
            assertThat(revoked.awaitTermination(DEADLINE)).isEqualTo(KafkaStreams.State.ERROR);
            assertThat(revoked.failure()).hasValueSatisfying(e -> assertThat(DepartmentConsumerApp.describeFailure(e))
                    .contains("ACCESS_DENIED").contains("eventId f1"));
        }

        // An encryptor that may not use the finance key stops with a configuration error.
        try (EncryptorApp denied = EncryptorApp.start(encryptorConfig("enc-denied"),
                keys.restrictedTo(List.of(governance.quarantine().key())))) {
            assertThat(denied.awaitTermination(DEADLINE)).isEqualTo(KafkaStreams.State.ERROR);
            assertThat(denied.failure()).hasValueSatisfying(e -> {
                assertThat(EncryptorApp.isConfigurationError(e)).isTrue();
                assertThat(EncryptorApp.describeFailure(e)).startsWith("configuration error");
            });
        }
    }
}
