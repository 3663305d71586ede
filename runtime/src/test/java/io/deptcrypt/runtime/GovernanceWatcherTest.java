package io.deptcrypt.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.embedded.EmbeddedKafka;
import io.deptcrypt.governance.AppliedGovernance;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class GovernanceWatcherTest {

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static String text;
    static Governance running;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        text = Files.readString(Path.of("../config/governance.yaml"));
        running = GovernanceLoader.parse(text, "governance.yaml");
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static Map<String, Object> client() {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    }

    private static void publish(long version, String yaml) throws Exception {
        publishRaw(AppliedGovernance.of(version, Instant.now(), "key-admin", yaml).toJson());
    }

    private static void publishRaw(byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(running.topics().governance(), 0, AppliedGovernance.RECORD_KEY, value)).get();
        }
    }

    @Test
    void newerVersionsReachTheListenerAndInvalidOrIncompatibleOnesDoNot() throws Exception {
        kafka.createTopic(running.topics().governance(), 1);
        LinkedBlockingQueue<Long> seen = new LinkedBlockingQueue<>();
        try (GovernanceWatcher w = GovernanceWatcher.start(client(), running, (a, g) -> seen.add(a.version()), "test")) {
            assertThat(w.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
            publish(1, text);
            assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo(1L);

            publishRaw("not json".getBytes(StandardCharsets.UTF_8));
            publish(2, text.replace("deptcrypt.shared", "other.shared")); // a running app cannot move topics
            publish(1, text); // not newer
            String granted = text.replace("readers: [finance-consumer]", "readers: [finance-consumer, security-auditor]");
            publish(3, granted);
            assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo(3L);
            assertThat(seen).isEmpty();
            assertThat(w.version()).isEqualTo(3);
            assertThat(w.current().department("finance").readers()).contains("security-auditor");
        }
        // A restarted app catches up with the latest version at once.
        LinkedBlockingQueue<Long> again = new LinkedBlockingQueue<>();
        try (GovernanceWatcher w = GovernanceWatcher.start(client(), running, (a, g) -> again.add(a.version()), "test2")) {
            assertThat(w.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
            assertThat(List.copyOf(again)).containsExactly(1L, 3L);
        }
    }

    @Test
    void incompatibleChangesAreNamed() {
        Governance moved = GovernanceLoader.parse(text.replace("owner: encryptor", "owner: sqs-connector")
                .replace("  - name: sqs-connector\n    role: arn:aws:iam::111122223333:role/deptcrypt-sqs-connector\n", "")
                .replace("applications:\n", "applications:\n  - name: sqs-connector\n    role: arn:aws:iam::111122223333:role/deptcrypt-sqs-connector\n"),
                "moved");
        assertThat(GovernanceWatcher.incompatible(running, moved)).hasValueSatisfying(
                why -> assertThat(why).contains("changes the owner from encryptor to sqs-connector"));
        assertThat(GovernanceWatcher.incompatible(running, running)).isEmpty();
    }
}
