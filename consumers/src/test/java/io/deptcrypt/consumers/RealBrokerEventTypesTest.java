package io.deptcrypt.consumers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.deptcrypt.embedded.EmbeddedKafka;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestEventTypes;
import io.deptcrypt.topology.EncryptorApp;
import io.deptcrypt.topology.EncryptorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 3-audience event (docs/event-types.md) through the real encryptor and four real department consumers on an
 * in-process broker: each audience gets it exactly once with exactly its fields, the fourth department never.
 */
@Tag("integration")
class RealBrokerEventTypesTest {

    static final Duration DEADLINE = Duration.ofSeconds(90);
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static Path governanceFile;
    static Governance governance;
    static RawAesKeyringProvider keys;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        governanceFile = Files.writeString(dir.resolve("governance.yaml"), TestEventTypes.YAML);
        governance = TestEventTypes.governance();
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

    static Map<String, String> common(String appId) {
        Map<String, String> m = new HashMap<>();
        m.put("governance.file", governanceFile.toString());
        m.put("bootstrap.servers", kafka.bootstrapServers());
        m.put("application.id", appId);
        m.put("kms.retry.initial.ms", "1");
        m.put("streams.state.dir", dir.resolve("streams-" + appId).toString());
        m.put("streams.commit.interval.ms", "50");
        return m;
    }

    static DepartmentConsumerApp consumer(String department, List<OpenedEvent> into) throws Exception {
        Map<String, String> m = common("c-" + department);
        m.put("application.name", department + "-consumer");
        m.put("department", department);
        m.put("sink.stdout", "false");
        return DepartmentConsumerApp.start(DepartmentConsumerConfig.of(m, "test", null, null),
                keys.readerFor(governance, department + "-consumer"), into::add);
    }

    /** Polls {@code condition} until it holds or the deadline passes. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void eachAudienceGetsTheEventExactlyOnceWithExactlyItsFields() throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(governance.topics().ingest(), ("{\"type\":\"deal-won\",\"eventId\":"
                    + "\"deal-1\",\"data\":{\"amount\":12.50,\"customer\":\"ACME\",\"iban\":\"DE89\","
                    + "\"invoice\":{\"number\":\"INV-7\"},\"bonus\":\"B-300\"}}").getBytes(UTF_8)));
            producer.send(new ProducerRecord<>(governance.topics().ingest(),
                    "{\"department\":\"legal\",\"eventId\":\"legal-1\",\"data\":\"legal only\"}".getBytes(UTF_8)));
            producer.flush();
        }
        Map<String, List<OpenedEvent>> received = new HashMap<>();
        for (String d : List.of("finance", "sales", "hr", "legal")) {
            received.put(d, Collections.synchronizedList(new ArrayList<>()));
        }
        try (EncryptorApp encryptor = EncryptorApp.start(EncryptorConfig.of(common("enc"), "test", null, null), keys);
             DepartmentConsumerApp finance = consumer("finance", received.get("finance"));
             DepartmentConsumerApp sales = consumer("sales", received.get("sales"));
             DepartmentConsumerApp hr = consumer("hr", received.get("hr"));
             DepartmentConsumerApp legal = consumer("legal", received.get("legal"))) {
            // every consumer has seen both records: opened its own, passed over the other
            await("every consumer to see both records", () -> received.values().stream().allMatch(l -> l.size() == 1)
                    && finance.counters().ignored() == 1 && sales.counters().ignored() == 1
                    && hr.counters().ignored() == 1 && legal.counters().ignored() == 1);
            assertThat(encryptor.counters().sealed()).isEqualTo(2);

            assertThat(JSON.readTree(received.get("finance").get(0).plaintext())).isEqualTo(JSON.readTree(
                    "{\"amount\":12.50,\"iban\":\"DE89\",\"invoice\":{\"number\":\"INV-7\"}}"));
            assertThat(received.get("finance").get(0).withheldFields()).containsExactly("/customer", "/bonus");
            assertThat(JSON.readTree(received.get("sales").get(0).plaintext())).isEqualTo(JSON.readTree(
                    "{\"amount\":12.50,\"invoice\":{},\"customer\":\"ACME\",\"bonus\":\"B-300\"}"));
            assertThat(JSON.readTree(received.get("hr").get(0).plaintext())).isEqualTo(JSON.readTree(
                    "{\"amount\":12.50,\"invoice\":{},\"bonus\":\"B-300\"}"));
            assertThat(received.get("legal")).extracting(OpenedEvent::eventId).containsExactly("legal-1");
            for (String d : List.of("finance", "sales", "hr")) {
                assertThat(received.get(d)).extracting(OpenedEvent::eventId).containsExactly("deal-1");
                assertThat(received.get(d).get(0).opened().audiences()).containsExactly("finance", "hr", "sales");
            }
        }
    }
}
