package io.deptcrypt.consumers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.crypto.KeyringProvider;
import io.deptcrypt.crypto.KmsCallCounts;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.OpenerConfig;
import io.deptcrypt.embedded.EmbeddedKafka;
import io.deptcrypt.governance.AppliedGovernance;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.governance.KmsArn;
import io.deptcrypt.runtime.KafkaDataKeyDirectory;
import io.deptcrypt.runtime.KmsRetry;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestGovernance;
import io.deptcrypt.topology.DeadLetterReason;
import io.deptcrypt.topology.EncryptorApp;
import io.deptcrypt.topology.EncryptorConfig;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.cryptography.materialproviders.IKeyring;

/**
 * The encryptor and a department consumer follow governance versions published on the governance topic while they
 * run, against a real broker: a revoked reader's next record meets its failure action (where a consumer not
 * following governance still opens it from its cache), a re-granted one reads again, and the encryptor seals a
 * department added live and refuses it once removed. Keys are raw AES stand-ins for KMS; "KMS refuses" is the
 * stand-in switched to deny, which is what {@code governance apply} does to the key policy before it publishes.
 */
@Tag("integration")
class GovernanceFollowingTest {

    static final Duration DEADLINE = Duration.ofSeconds(60);
    static final KmsArn MARKETING_KEY = KmsArn.parse("arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-marketing");
    static final String FINANCE_READERS = "readers: [finance-consumer]";
    static final String MARKETING = """
              - name: marketing
                key: arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-marketing
                readers: [security-auditor]
            """;

    /** A broker per test: each test's apps read their topics from the start, and only that test's records. */
    @TempDir
    Path dir;
    EmbeddedKafka kafka;
    String yaml;
    Governance governance;
    RawAesKeyringProvider keys;
    /** Versions published so far on this test's governance topic. */
    final AtomicLong version = new AtomicLong();

    @BeforeEach
    void start() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        yaml = TestGovernance.yaml();
        governance = TestGovernance.governance();
        assertThat(yaml).contains(FINANCE_READERS).endsWith("readers: [sales-consumer]\n");
        Governance.Topics t = governance.topics();
        Map<String, String> compact = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        kafka.createTopics(List.of(new NewTopic(t.ingest(), 1, (short) 1), new NewTopic(t.shared(), 2, (short) 1),
                new NewTopic(t.deadLetter(), 1, (short) 1), new NewTopic(t.keys(), 1, (short) 1).configs(compact),
                new NewTopic(t.governance(), 1, (short) 1).configs(compact)));
        SecureRandom random = new SecureRandom();
        Map<KmsArn, byte[]> wrapping = new LinkedHashMap<>();
        for (KmsArn k : List.of(TestGovernance.FINANCE, TestGovernance.SALES, TestGovernance.QUARANTINE, MARKETING_KEY)) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            wrapping.put(k, key);
        }
        keys = new RawAesKeyringProvider(wrapping);
    }

    @AfterEach
    void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aRevokedReaderOpensNoNewRecordAfterTheVersionArrivesAndAReGrantedOneReadsAgain() throws Exception {
        SwitchableKms financeKms = new SwitchableKms(keys.readerFor(governance, "finance-consumer"));
        List<OpenedEvent> following = Collections.synchronizedList(new ArrayList<>());
        List<OpenedEvent> notFollowing = Collections.synchronizedList(new ArrayList<>());
        try (EncryptorApp encryptor = EncryptorApp.start(encryptorConfig("enc-revoke"), keys);
             DepartmentConsumerApp f = DepartmentConsumerApp.start(financeConfig("fin-follow",
                     Map.of("failure.action.access.denied", "SKIP")), financeKms, following::add);
             DepartmentConsumerApp stale = DepartmentConsumerApp.start(financeConfig("fin-stale",
                     Map.of("governance.watch", "false", "failure.action.access.denied", "SKIP")), financeKms,
                     notFollowing::add)) {
            produce(finance("r1"));
            await("r1 opened by both", () -> following.size() == 1 && notFollowing.size() == 1);

            // As apply does: the key policy first (KMS refuses from now on), then the version on the topic.
            financeKms.deny();
            long revoked = publish(yaml.replace(FINANCE_READERS, "readers: [security-auditor]"));
            await("the follower reacted to version " + revoked, () -> f.governanceVersion() == revoked);
            await("the encryptor took version " + revoked, () -> encryptor.governanceVersion() == revoked);
            produce(finance("r2"));
            // The follower dropped its cached data key; and the encryptor sealed r2 under a fresh one (finance lost a
            // reader), so even the reader that does not follow governance needs KMS for r2, which refuses it.
            await("r2 skipped by both", () -> f.counters().skipped() == 1 && stale.counters().skipped() == 1);
            assertThat(following).extracting(OpenedEvent::eventId).containsExactly("r1");
            assertThat(notFollowing).extracting(OpenedEvent::eventId)
                    .as("a cached data key opens nothing sealed after the encryptor rotated").containsExactly("r1");
            assertThat(f.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(stale.governanceVersion()).as("governance.watch=false takes no version").isZero();

            financeKms.allow();
            long granted = publish(yaml);
            await("the follower reacted to version " + granted, () -> f.governanceVersion() == granted);
            produce(finance("r3"));
            await("r3 opened after the re-grant", () -> following.size() == 2);
            assertThat(following).extracting(OpenedEvent::eventId).containsExactly("r1", "r3");
            assertThat(f.counters().skipped()).isEqualTo(1);
            assertThat(encryptor.failure()).isEmpty();
        }
    }

    @Test
    void aRevokedReaderWithTheDefaultFailureActionStopsAtItsNextRecord() throws Exception {
        SwitchableKms financeKms = new SwitchableKms(keys.readerFor(governance, "finance-consumer"));
        List<OpenedEvent> opened = Collections.synchronizedList(new ArrayList<>());
        try (EncryptorApp encryptor = EncryptorApp.start(encryptorConfig("enc-fail"), keys);
             DepartmentConsumerApp f = DepartmentConsumerApp.start(financeConfig("fin-fail", Map.of()), financeKms,
                     opened::add)) {
            produce(finance("x1"));
            await("x1 opened", () -> opened.size() == 1);
            financeKms.deny();
            long revoked = publish(yaml.replace(FINANCE_READERS, "readers: [security-auditor]"));
            await("the follower reacted to version " + revoked, () -> f.governanceVersion() == revoked);
            produce(finance("x2"));
            assertThat(f.awaitTermination(DEADLINE)).isEqualTo(KafkaStreams.State.ERROR);
            assertThat(f.failure()).hasValueSatisfying(e -> assertThat(DepartmentConsumerApp.describeFailure(e))
                    .contains("ACCESS_DENIED").contains("eventId x2").doesNotContain("secret-x2"));
            assertThat(opened).extracting(OpenedEvent::eventId).containsExactly("x1");
            financeKms.allow();
            publish(yaml);
            assertThat(encryptor.failure()).isEmpty();
        }
    }

    @Test
    void theEncryptorSealsADepartmentAddedLiveAndDeadLettersItOnceRemoved() throws Exception {
        try (EncryptorApp encryptor = EncryptorApp.start(encryptorConfig("enc-add"), keys)) {
            produce(event("marketing", "m1"));
            await("m1 dead-lettered: marketing is not in governance yet",
                    () -> encryptor.counters().deadLettered(DeadLetterReason.UNKNOWN_DEPARTMENT) == 1);

            long added = publish(yaml + MARKETING);
            await("the encryptor took version " + added, () -> encryptor.governanceVersion() == added);
            produce(event("marketing", "m2"));
            await("m2 sealed", () -> encryptor.counters().sealed() == 1);
            assertThat(openMarketing()).as("m2 opened with the marketing key").containsExactly("secret-m2");

            long removed = publish(yaml);
            await("the encryptor took version " + removed, () -> encryptor.governanceVersion() == removed);
            produce(event("marketing", "m3"));
            await("m3 dead-lettered: marketing was removed",
                    () -> encryptor.counters().deadLettered(DeadLetterReason.UNKNOWN_DEPARTMENT) == 2);
            assertThat(encryptor.counters().sealed()).isEqualTo(1);
            assertThat(encryptor.failure()).isEmpty();
        }
    }

    @Test
    void anInvalidVersionIsSkippedAndTheRunningGovernanceKept() throws Exception {
        try (EncryptorApp encryptor = EncryptorApp.start(encryptorConfig("enc-invalid"), keys)) {
            publishRaw("{\"not\": \"a governance record\"}".getBytes(UTF_8));
            long broken = version.incrementAndGet(); // parses as a record, but its governance names no such owner
            publishRaw(AppliedGovernance.of(broken, Instant.now(), "key-admin", yaml.replace("owner: encryptor",
                    "owner: nobody")).toJson());
            long good = publish(yaml + MARKETING);
            await("the encryptor took version " + good, () -> encryptor.governanceVersion() == good);
            produce(event("marketing", "m1"));
            produce(finance("f1"));
            await("both sealed under the version taken", () -> encryptor.counters().sealed() == 2);
            assertThat(encryptor.counters().deadLettered()).isZero();
            assertThat(encryptor.failure()).isEmpty();
        }
    }

    /** The plaintext of the marketing records on the shared topic, opened with the marketing key alone. */
    private List<String> openMarketing() throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "marketing-reader");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> opened = new ArrayList<>();
        try (KafkaDataKeyDirectory directory = KafkaDataKeyDirectory.start(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), governance.topics().keys(),
                     DEADLINE, "marketing-reader");
             Opener opener = Opener.create(keys.restrictedTo(List.of(MARKETING_KEY)), OpenerConfig.defaults(), directory);
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                     new DecryptingDeserializer(opener, "marketing", KmsRetry.defaults(), FailureAction.FAIL))) {
            consumer.subscribe(List.of(governance.topics().shared()));
            await("the marketing record read", () -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.value() != null) {
                        opened.add(new String(r.value(), UTF_8));
                    }
                }
                return !opened.isEmpty();
            });
        }
        return opened;
    }

    private Map<String, String> common(String appId) throws Exception {
        Map<String, String> m = new HashMap<>();
        m.put("governance.file", TestGovernance.file().toString());
        m.put("bootstrap.servers", kafka.bootstrapServers());
        m.put("application.id", appId);
        m.put("kms.retry.initial.ms", "1");
        m.put("streams.state.dir", dir.resolve("streams-" + appId).toString());
        m.put("streams.commit.interval.ms", "50");
        return m;
    }

    private EncryptorConfig encryptorConfig(String appId) throws Exception {
        return EncryptorConfig.of(common(appId), "test", null, null);
    }

    private DepartmentConsumerConfig financeConfig(String appId, Map<String, String> extra) throws Exception {
        Map<String, String> m = common(appId);
        m.put("application.name", "finance-consumer");
        m.put("department", "finance");
        m.put("sink.stdout", "false");
        m.putAll(extra);
        return DepartmentConsumerConfig.of(m, "test", null, null);
    }

    private String finance(String id) {
        return event("finance", id);
    }

    private String event(String department, String id) {
        return "{\"department\":\"" + department + "\",\"data\":\"secret-" + id + "\",\"eventId\":\"" + id + "\"}";
    }

    private void produce(String value) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                kafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(governance.topics().ingest(), value.getBytes(UTF_8)));
            producer.flush();
        }
    }

    /** Publishes {@code text} as the next applied version, as {@code governance apply} does; returns its number. */
    private long publish(String text) throws Exception {
        GovernanceLoader.parse(text, "test"); // only valid versions here
        long v = version.incrementAndGet();
        publishRaw(AppliedGovernance.of(v, Instant.now(), "key-admin", text).toJson());
        return v;
    }

    private void publishRaw(byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(governance.topics().governance(), 0, AppliedGovernance.RECORD_KEY, value)).get();
        }
    }

    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20); // polling interval; the condition decides
        }
    }

    /** A reader's KMS whose key policy can be switched: allowing what {@code allowed} holds, or refusing everything. */
    static final class SwitchableKms implements KeyringProvider {
        private final RawAesKeyringProvider allowed;
        private final RawAesKeyringProvider refusing;
        private final AtomicReference<RawAesKeyringProvider> current;

        SwitchableKms(RawAesKeyringProvider allowed) {
            this.allowed = allowed;
            this.refusing = allowed.restrictedTo(List.of());
            this.current = new AtomicReference<>(allowed);
        }

        void deny() {
            current.set(refusing);
        }

        void allow() {
            current.set(allowed);
        }

        @Override
        public IKeyring encryptKeyring(KmsArn key) {
            return current.get().encryptKeyring(key);
        }

        @Override
        public IKeyring decryptKeyring() {
            return current.get().decryptKeyring();
        }

        @Override
        public KmsCallCounts kmsCalls() {
            return allowed.kmsCalls();
        }
    }
}
