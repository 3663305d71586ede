package io.deptcrypt.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.consumers.DecryptingDeserializer;
import io.deptcrypt.consumers.DepartmentConsumerApp;
import io.deptcrypt.consumers.FailureAction;
import io.deptcrypt.control.audit.AuditLogReader;
import io.deptcrypt.control.audit.AuditRecord;
import io.deptcrypt.control.live.GovernanceTopic;
import io.deptcrypt.control.live.KmsLive;
import io.deptcrypt.control.live.LiveState;
import io.deptcrypt.control.live.LocalIam;
import io.deptcrypt.control.plan.Applier;
import io.deptcrypt.control.plan.ApplyResult;
import io.deptcrypt.control.plan.Change;
import io.deptcrypt.control.plan.Plan;
import io.deptcrypt.control.plan.Planner;
import io.deptcrypt.control.plan.Target;
import io.deptcrypt.crypto.KmsCallCounts;
import io.deptcrypt.crypto.KmsKeyringProvider;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.OpenerConfig;
import io.deptcrypt.devstack.GeneratedEvent;
import io.deptcrypt.devstack.Stack;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.localkms.AccessKey;
import io.deptcrypt.policy.KeyPolicyRenderer;
import io.deptcrypt.runtime.KafkaDataKeyDirectory;
import io.deptcrypt.runtime.KmsRetry;
import io.deptcrypt.topology.DeadLetterReason;
import io.deptcrypt.topology.EncryptorApp;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Governance changed with the control plane (plan, then apply, as {@code ./deptcrypt governance apply} does) while
 * events stream through the whole stack, no app restarted: the finance reader revoked opens nothing new later than
 * {@link #REVOCATION_BOUND} after the apply (the number docs/governance.md states), and reads again once re-granted;
 * a department added is sealed for its reader and dead-lettered once retired.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("e2e")
class LiveGovernanceE2ETest {

    /** The documented bound: from the end of apply to the last record a revoked reader opens, loaded machine included. */
    static final Duration REVOCATION_BOUND = Duration.ofSeconds(5);
    static final String FINANCE_READERS = "readers: [finance-consumer]";
    static final String MARKETING = """
              - name: marketing
                key: arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-marketing
                readers: [security-auditor]
            """;

    @TempDir
    static Path state;
    static Stack stack;
    static String text;
    static GovernanceTopic topic;

    @BeforeAll
    static void startStack() throws Exception {
        // SKIP: the revoked reader passes its refused records over and keeps running, so it can read again.
        stack = E2e.start(E2e.config(state).withConsumerSettings(Map.of("failure.action.access.denied", "SKIP")));
        text = Files.readString(stack.config().governanceFile());
        assertThat(text).contains(FINANCE_READERS).endsWith("readers: [sales-consumer]\n");
        topic = new GovernanceTopic(stack.governance().topics().governance(), stack.kafka().adminClientProperties());
        topic.ensureExists((short) 1);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void aRevokedReaderOpensNothingNewWithinTheBoundAndReadsAgainOnceReGranted() throws Exception {
        DepartmentConsumerApp finance = stack.consumers().get("finance").app();
        long baseline = apply(text, List.of()).publishedVersion().orElseThrow();
        awaitVersion(finance, baseline);

        try (PacedSender sender = PacedSender.start(stack, 4, Duration.ofMillis(100));
             OpenTimes opens = OpenTimes.start(finance)) {
            long warm = finance.counters().opened();
            E2e.await("20 streamed finance events opened", Duration.ofSeconds(60),
                    () -> finance.counters().opened() >= warm + 20);

            long openedBeforeApply = finance.counters().opened();
            long applyStarted = System.nanoTime();
            long revoked = apply(text.replace(FINANCE_READERS, "readers: [security-auditor]"),
                    List.of("PutKeyPolicy", "PublishGovernance")).publishedVersion().orElseThrow();
            long applied = System.nanoTime();
            long openedAtApply = finance.counters().opened();
            long skippedAtApply = finance.counters().skipped();
            KmsCallCounts kmsAtApply = finance.kmsCalls();
            awaitVersion(finance, revoked);
            double reacted = (System.nanoTime() - applied) / 1e9;
            // Keep streaming for the whole bound and beyond: finance records keep arriving and are refused.
            E2e.await("finance records refused for longer than the bound", Duration.ofSeconds(60),
                    () -> System.nanoTime() - applied > REVOCATION_BOUND.toNanos() + Duration.ofSeconds(2).toNanos()
                            && finance.counters().skipped() >= skippedAtApply + 20);
            long openedAfterApply = finance.counters().opened() - openedAtApply;
            double lastOpened = Math.max(0, (opens.lastOpenedNanos() - applied) / 1e9);
            long refused = finance.counters().skipped() - skippedAtApply;
            long decrypts = finance.kmsCalls().minus(kmsAtApply).decrypt();
            // What a user sees: from the moment KMS refuses (the finance key policy put) to the last record opened.
            Instant policyPut = lastFinancePolicyPut();
            double sincePolicy = Math.max(0, Duration.between(policyPut, opens.lastOpenedAt()).toMillis() / 1000.0);
            System.out.printf("revocation: apply took %.3f s (%d finance records opened meanwhile); the finance consumer"
                    + " took version %d %.3f s after apply ended; its last record opened %.3f s after the key policy"
                    + " was put and %.3f s after apply ended (%d opened after apply, %d refused since with %d KMS"
                    + " Decrypt calls, %d events sent)%n", (applied - applyStarted) / 1e9,
                    openedAtApply - openedBeforeApply, revoked, reacted, sincePolicy, lastOpened, openedAfterApply,
                    refused, decrypts, sender.sent());
            assertThat(lastOpened).as("seconds from apply to the revoked reader's last opened record")
                    .isLessThanOrEqualTo(REVOCATION_BOUND.toMillis() / 1000.0);
            assertThat(sincePolicy).as("seconds from the key policy change to the revoked reader's last opened record")
                    .isLessThanOrEqualTo(REVOCATION_BOUND.toMillis() / 1000.0);
            assertThat(decrypts).as("KMS Decrypt calls for %d refused records (refusals are remembered per data key)",
                    refused).isPositive().isLessThan(refused);

            long regranted = apply(text, List.of("PutKeyPolicy", "PublishGovernance")).publishedVersion().orElseThrow();
            long openedAtRegrant = finance.counters().opened();
            long regrantedAt = System.nanoTime();
            awaitVersion(finance, regranted);
            E2e.await("finance events opened again after the re-grant", Duration.ofSeconds(60),
                    () -> finance.counters().opened() >= openedAtRegrant + 10);
            System.out.printf("re-grant: finance opens again; 10 records opened %.3f s after apply ended%n",
                    (System.nanoTime() - regrantedAt) / 1e9);
            sender.assertNoFailure();
        }
        assertThat(finance.failure()).isEmpty();
        assertThat(stack.failure()).isEmpty();
    }

    @Test
    @Order(2)
    void aDepartmentAddedLiveIsSealedForItsReaderAndDeadLetteredOnceRetired() throws Exception {
        EncryptorApp encryptor = stack.encryptor();
        String withMarketing = text + MARKETING;
        long added = apply(withMarketing, List.of("CreateKey", "PublishGovernance")).publishedVersion().orElseThrow();
        E2e.await("the encryptor took version " + added, Duration.ofSeconds(30),
                () -> encryptor.governanceVersion() == added);

        long sealedBefore = encryptor.counters().sealed();
        long unknownBefore = encryptor.counters().deadLettered(DeadLetterReason.UNKNOWN_DEPARTMENT);
        List<GeneratedEvent> marketing = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            marketing.add(stack.generator().event("marketing"));
        }
        E2e.send(stack, marketing);
        E2e.await("5 marketing events sealed", E2e.DELIVERY_TIMEOUT,
                () -> encryptor.counters().sealed() >= sealedBefore + marketing.size());
        assertThat(encryptor.counters().deadLettered(DeadLetterReason.UNKNOWN_DEPARTMENT)).isEqualTo(unknownBefore);
        List<String> opened = openAsAuditor(GovernanceLoader.parse(withMarketing, "with marketing"), marketing.size());
        for (GeneratedEvent e : marketing) {
            assertThat(opened).as("marketing event %s opened by security-auditor", e.eventId())
                    .anySatisfy(p -> assertThat(p).contains(e.marker()));
        }

        long retired = apply(text, List.of("PublishGovernance", "RetireKey")).publishedVersion().orElseThrow();
        E2e.await("the encryptor took version " + retired, Duration.ofSeconds(30),
                () -> encryptor.governanceVersion() == retired);
        E2e.send(stack, List.of(stack.generator().event("marketing")));
        E2e.await("a marketing event after the retirement dead-lettered", E2e.DELIVERY_TIMEOUT,
                () -> encryptor.counters().deadLettered(DeadLetterReason.UNKNOWN_DEPARTMENT) == unknownBefore + 1);
        assertThat(stack.failure()).isEmpty();
    }

    /** Plans {@code yaml} against the live stack, checks the kinds of change, applies it as the key admin. */
    private static ApplyResult apply(String yaml, List<String> expectedChanges) {
        Governance g = GovernanceLoader.parse(yaml, "edited governance.yaml");
        AccessKey k = stack.kms().credentials("key-admin");
        LocalIam iam = new LocalIam(stack.kms().endpoint(), stack.kms().region(), k.accessKeyId(), k.secretAccessKey());
        try (KmsClient admin = stack.kmsClientAs("key-admin")) {
            Plan plan = Planner.plan(g, yaml, LiveState.read(g, topic, new KmsLive(admin)),
                    new Planner.Settings(KeyPolicyRenderer.Options.GOVERNANCE_ONLY, 7, true, Optional.empty()));
            assertThat(plan.problems()).isEmpty();
            if (!expectedChanges.isEmpty()) {
                assertThat(plan.changes()).extracting(c -> c.getClass().getSimpleName())
                        .containsExactlyElementsOf(expectedChanges);
            }
            assertThat(plan.changes()).anyMatch(c -> c instanceof Change.PublishGovernance);
            return Applier.apply(plan, new Target(admin, Optional.of(iam), Optional.empty(), topic, "key-admin",
                    Clock.systemUTC()), new PrintWriter(new StringWriter()));
        }
    }

    /** When the key admin last put the finance key's policy, from localkms's audit log. */
    private static Instant lastFinancePolicyPut() {
        Map<String, String> apps = new HashMap<>();
        stack.governance().applications().forEach(a -> apps.put(a.role(), a.name()));
        Map<String, String> keys = new HashMap<>();
        stack.governance().departmentNames().forEach(d -> keys.put(stack.kms().keyArn(d), d));
        return AuditLogReader.read(stack.kms().auditLog(), apps, keys).stream()
                .filter(r -> r.operation().equals("PutKeyPolicy") && r.decision().equals("allow"))
                .filter(r -> r.department().equals(Optional.of("finance")))
                .map(AuditRecord::time).max(Instant::compareTo).orElseThrow();
    }

    private static void awaitVersion(DepartmentConsumerApp app, long version) throws InterruptedException {
        E2e.await("the finance consumer took governance version " + version, Duration.ofSeconds(30),
                () -> app.governanceVersion() == version);
    }

    /** The marketing records on the shared topic, opened with security-auditor's own KMS credentials. */
    private static List<String> openAsAuditor(Governance g, int expected) throws Exception {
        Properties p = new Properties();
        p.putAll(stack.kafka().adminClientProperties());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-marketing-auditor");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> opened = new ArrayList<>();
        try (KmsClient kms = stack.kmsClientAs("security-auditor");
             KafkaDataKeyDirectory directory = KafkaDataKeyDirectory.start(
                     stack.kafka().adminClientProperties(), g.topics().keys(),
                     Duration.ofSeconds(60), "e2e-marketing-auditor");
             Opener opener = Opener.create(new KmsKeyringProvider(kms, g), OpenerConfig.defaults(), directory);
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                     new DecryptingDeserializer(opener, "marketing", KmsRetry.defaults(), FailureAction.FAIL))) {
            consumer.subscribe(List.of(g.topics().shared()));
            E2e.await(expected + " marketing records read", Duration.ofSeconds(60), () -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        opened.add(new String(r.value(), UTF_8));
                    }
                }
                return opened.size() >= expected;
            });
        }
        return opened;
    }

    /** When the consumer's count of opened records last grew, sampled every few milliseconds. */
    static final class OpenTimes implements AutoCloseable {
        private final Thread thread;
        private volatile long lastOpenedNanos = System.nanoTime();
        private volatile Instant lastOpenedAt = Instant.now();
        private volatile boolean stop;

        private OpenTimes(DepartmentConsumerApp app) {
            thread = new Thread(() -> {
                long seen = app.counters().opened();
                while (!stop) {
                    long now = app.counters().opened();
                    if (now != seen) {
                        seen = now;
                        lastOpenedNanos = System.nanoTime();
                        lastOpenedAt = Instant.now();
                    }
                    try {
                        Thread.sleep(2); // the sampling period: the measurement's resolution
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "e2e-open-times");
            thread.setDaemon(true);
        }

        static OpenTimes start(DepartmentConsumerApp app) {
            OpenTimes t = new OpenTimes(app);
            t.thread.start();
            return t;
        }

        long lastOpenedNanos() {
            return lastOpenedNanos;
        }

        /** The same moment by the wall clock, to compare with the KMS audit log's times. */
        Instant lastOpenedAt() {
            return lastOpenedAt;
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(5_000);
        }
    }

    /** Sends a batch of generated events at a steady pace until closed, like a live source. */
    static final class PacedSender implements AutoCloseable {
        private final Thread thread;
        private final AtomicInteger sent = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean stop;

        private PacedSender(Stack stack, int batch, Duration interval) {
            thread = new Thread(() -> {
                try {
                    while (!stop) {
                        List<GeneratedEvent> b = stack.generator().generate(batch);
                        stack.generator().send(b, n -> { });
                        sent.addAndGet(b.size());
                        Thread.sleep(interval.toMillis()); // pacing of the source, not synchronisation
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "e2e-paced-sender");
            thread.setDaemon(true);
        }

        static PacedSender start(Stack stack, int batch, Duration interval) {
            PacedSender s = new PacedSender(stack, batch, interval);
            s.thread.start();
            return s;
        }

        int sent() {
            return sent.get();
        }

        void assertNoFailure() {
            assertThat(failure.get()).as("sender failure").isNull();
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(10_000);
        }
    }
}
