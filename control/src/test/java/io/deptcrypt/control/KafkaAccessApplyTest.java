package io.deptcrypt.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.control.live.GovernanceTopic;
import io.deptcrypt.control.live.KafkaLive;
import io.deptcrypt.control.live.KmsLive;
import io.deptcrypt.control.live.LiveState;
import io.deptcrypt.control.plan.Applier;
import io.deptcrypt.control.plan.ApplyResult;
import io.deptcrypt.control.plan.Plan;
import io.deptcrypt.control.plan.Planner;
import io.deptcrypt.control.plan.Target;
import io.deptcrypt.embedded.EmbeddedKafka;
import io.deptcrypt.embedded.KafkaSecurity;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.localkms.LocalKms;
import io.deptcrypt.localkms.LocalKmsConfig;
import io.deptcrypt.policy.ExpectedKafkaAccess;
import io.deptcrypt.policy.KafkaNames;
import io.deptcrypt.policy.KeyPolicyRenderer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apply on a broker that authenticates: each application gets its SCRAM user and exactly the ACLs the Kafka access
 * matrix renders, and a real client with each application's own credentials gets exactly the hand-written topic access.
 */
@Tag("integration")
class KafkaAccessApplyTest {

    static final List<String> TOPICS = List.of("deptcrypt.ingest", "deptcrypt.shared", "deptcrypt.dead-letter",
            "deptcrypt.keys", "deptcrypt.governance", "finance.events", "sales.events", "deptcrypt.dead-letter.redriven",
            "deptcrypt-encryptor-ingest-dedupe-changelog");

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static LocalKms kms;
    static Governance g;
    static String text;
    static Map<String, String> passwords;

    @BeforeAll
    static void start() throws Exception {
        text = Files.readString(GovernanceApplyTest.CONFIG);
        g = GovernanceLoader.parse(text, "governance.yaml");
        kafka = EmbeddedKafka.builder(dir.resolve("kafka")).security(KafkaSecurity.scram("stack-admin", "stack-admin-secret"))
                .start();
        kms = LocalKms.start(LocalKmsConfig.of(g, dir.resolve("kms")));
        for (String t : TOPICS) {
            kafka.createTopic(t, 1);
        }
        passwords = apply(text).kafkaPasswords();
    }

    @AfterAll
    static void stop() {
        kms.close();
        kafka.close();
    }

    static ApplyResult apply(String yaml) {
        Governance desired = GovernanceLoader.parse(yaml, "edited");
        GovernanceTopic topic = new GovernanceTopic(desired.topics().governance(), kafka.adminClientProperties());
        try (var admin = GovernanceApplyTest.clientOf(kms, "key-admin"); Admin kafkaAdmin = kafka.admin()) {
            Plan plan = Planner.plan(desired, yaml, LiveState.read(desired, topic, new KmsLive(admin),
                    Optional.of(new KafkaLive(kafkaAdmin))), new Planner.Settings(KeyPolicyRenderer.Options.GOVERNANCE_ONLY,
                    7, false, Optional.empty(), Optional.of(KafkaNames.local()),
                    passwords == null ? Set.of() : passwords.keySet()));
            return Applier.apply(plan, new Target(admin, Optional.empty(), Optional.of(kafkaAdmin), topic, "key-admin",
                    Clock.systemUTC()), new PrintWriter(new StringWriter()));
        }
    }

    static Map<String, Object> as(String app) {
        return new HashMap<>(kafka.clientProperties(app, passwords.get(app)));
    }

    static boolean canWrite(KafkaProducer<byte[], byte[]> p, String topic) throws InterruptedException {
        try {
            p.send(new ProducerRecord<>(topic, "probe".getBytes(StandardCharsets.UTF_8))).get();
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicAuthorizationException) {
                return false;
            }
            throw new AssertionError(e.getCause());
        }
    }

    static boolean canRead(KafkaConsumer<byte[], byte[]> c, String topic) {
        TopicPartition tp = new TopicPartition(topic, 0);
        c.assign(List.of(tp));
        try {
            c.seekToBeginning(List.of(tp));
            c.position(tp, Duration.ofSeconds(10));
            c.poll(Duration.ofMillis(200));
            return true;
        } catch (TopicAuthorizationException e) {
            return false;
        } finally {
            c.unsubscribe();
        }
    }

    @Test
    void everyApplicationGetsExactlyTheHandWrittenTopicAccess() throws Exception {
        assertThat(passwords).containsOnlyKeys(g.applications().stream().map(Governance.Application::name).toList());
        List<ExpectedKafkaAccess.Row> seen = new ArrayList<>();
        for (Governance.Application app : g.applications()) {
            Map<String, Object> p = as(app.name());
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
            p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
            Map<String, Object> c = as(app.name());
            c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
                 KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                for (String t : TOPICS) {
                    seen.add(new ExpectedKafkaAccess.Row(app.name(), t, canRead(consumer, t), canWrite(producer, t)));
                }
            }
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(ExpectedKafkaAccess.rows());
    }

    @Test
    void noCredentialsOrAWrongPasswordAreRefusedAndAForgedRecordNeverLands() throws Exception {
        Map<String, Object> wrong = new HashMap<>(kafka.clientProperties("finance-consumer", "not-the-password"));
        wrong.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(wrong, new ByteArraySerializer(), new ByteArraySerializer())) {
            assertThatThrownBy(() -> p.send(new ProducerRecord<>("deptcrypt.shared", new byte[1])).get())
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
        long before;
        try (Admin admin = kafka.admin()) {
            before = admin.listOffsets(Map.of(new TopicPartition("deptcrypt.shared", 0),
                    org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get().values().iterator().next().offset();
        }
        Map<String, Object> reader = as("finance-consumer");
        reader.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(reader, new ByteArraySerializer(), new ByteArraySerializer())) {
            assertThatThrownBy(() -> p.send(new ProducerRecord<>("deptcrypt.shared", "forged".getBytes(StandardCharsets.UTF_8)))
                    .get()).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        try (Admin admin = kafka.admin()) {
            assertThat(admin.listOffsets(Map.of(new TopicPartition("deptcrypt.shared", 0),
                    org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get().values().iterator().next().offset())
                    .as("the forged record never landed").isEqualTo(before);
        }
    }

    @Test
    void revokingAReaderRemovesItsAclsAndASecondApplyChangesNothing() {
        String granted = text.replace("readers: [finance-consumer]", "readers: [finance-consumer, security-auditor]");
        apply(granted);
        try (Admin admin = kafka.admin()) {
            assertThat(new KafkaLive(admin).permissions(List.of("security-auditor")))
                    .extracting(io.deptcrypt.policy.KafkaPermission::describe).contains("security-auditor READ topic deptcrypt.shared");
            apply(text);
            assertThat(new KafkaLive(admin).permissions(List.of("security-auditor")))
                    .extracting(io.deptcrypt.policy.KafkaPermission::describe).doesNotContain("security-auditor READ topic deptcrypt.shared");
        }
        assertThat(apply(text).applied()).as("up to date").isEmpty();
    }
}
