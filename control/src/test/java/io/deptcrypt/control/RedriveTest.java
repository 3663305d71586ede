package io.deptcrypt.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.control.redrive.Redrive;
import io.deptcrypt.control.redrive.Selection;
import io.deptcrypt.crypto.EnvelopeSerde;
import io.deptcrypt.crypto.KmsKeyringProvider;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.OpenerConfig;
import io.deptcrypt.crypto.SealContext;
import io.deptcrypt.crypto.Sealer;
import io.deptcrypt.crypto.SealerConfig;
import io.deptcrypt.embedded.EmbeddedKafka;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.localkms.LocalKms;
import io.deptcrypt.localkms.LocalKmsConfig;
import io.deptcrypt.runtime.DeadLetterHeaders;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.KmsClient;

/** The quarantine reader re-drives chosen dead letters into ingest with its own credentials, exactly once. */
@Tag("integration")
class RedriveTest {

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static LocalKms kms;
    static Governance g;
    static Map<String, Object> client;

    @BeforeAll
    static void start() throws Exception {
        g = GovernanceLoader.load(GovernanceApplyTest.CONFIG);
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        kms = LocalKms.start(LocalKmsConfig.of(g, dir.resolve("kms")));
        kafka.createTopic(g.topics().ingest(), 1);
        kafka.createTopic(g.topics().deadLetter(), 1);
        client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        // Five dead letters as the encryptor writes them: sealed under the quarantine key, reason in the headers.
        try (KmsClient enc = GovernanceApplyTest.clientOf(kms, "encryptor");
             Sealer sealer = Sealer.create(g, new KmsKeyringProvider(enc, g), SealerConfig.defaults());
             KafkaProducer<String, byte[]> p = new KafkaProducer<>(client, new StringSerializer(), new ByteArraySerializer())) {
            String[] reasons = {"UNKNOWN_DEPARTMENT", "NOT_JSON", "UNKNOWN_DEPARTMENT", "UNKNOWN_DEPARTMENT", "NOT_JSON"};
            for (int i = 0; i < reasons.length; i++) {
                byte[] raw = ("{\"department\":\"marketing\",\"eventId\":\"m-" + i + "\",\"data\":{\"secret\":\"s" + i + "\"}}")
                        .getBytes(StandardCharsets.UTF_8);
                var env = sealer.sealQuarantine(new SealContext("_quarantine", "dl-" + i, g.topics().deadLetter(),
                        1_000L + i, "application/octet-stream"), raw);
                RecordHeaders h = new RecordHeaders();
                DeadLetterHeaders.write(h, reasons[i], "test", g.topics().ingest(), 0, i);
                p.send(new ProducerRecord<>(g.topics().deadLetter(), 0, "dl-" + i, EnvelopeSerde.toBytes(env), h)).get();
            }
        }
    }

    @AfterAll
    static void stop() {
        kms.close();
        kafka.close();
    }

    static Redrive.Result redrive(String app, Selection s, boolean dryRun, StringWriter out) {
        try (KmsClient c = GovernanceApplyTest.clientOf(kms, app)) {
            Opener opener = Opener.create(new KmsKeyringProvider(c, g), OpenerConfig.defaults());
            return Redrive.run(g, client, opener, app, s, dryRun, Clock.systemUTC(), new PrintWriter(out));
        }
    }

    static List<String> ingest() {
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(g.topics().ingest(), 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (c.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    assertThat(new String(r.headers().lastHeader(Redrive.REDRIVEN_FROM).value(), StandardCharsets.UTF_8))
                            .startsWith(g.topics().deadLetter() + "-0@");
                    out.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    @Test
    void chosenDeadLettersReachIngestOnceAndNothingLeaksOnTheWay() {
        StringWriter dry = new StringWriter();
        Redrive.Result plan = redrive("security-auditor", new Selection(Set.of("UNKNOWN_DEPARTMENT"), Set.of(), Set.of()), true, dry);
        assertThat(plan.selected()).isEqualTo(3);
        assertThat(plan.redriven()).isZero();
        assertThat(ingest()).isEmpty();

        StringWriter out = new StringWriter();
        Redrive.Result r = redrive("security-auditor", new Selection(Set.of("UNKNOWN_DEPARTMENT"), Set.of(), Set.of()), false, out);
        assertThat(r.examined()).isEqualTo(5);
        assertThat(r.redriven()).isEqualTo(3);
        assertThat(r.positions()).containsExactly("0@0", "0@2", "0@3");
        assertThat(ingest()).extracting(v -> v.substring(v.indexOf("\"eventId\":\"") + 11, v.indexOf("\",\"data\"")))
                .containsExactly("m-0", "m-2", "m-3");
        assertThat(out.toString() + dry).doesNotContain("secret").doesNotContain("\"s0\"");

        // Again, and with an overlapping choice: only the new one goes.
        Redrive.Result again = redrive("security-auditor", new Selection(Set.of("UNKNOWN_DEPARTMENT"), Set.of("dl-1"), Set.of()),
                false, new StringWriter());
        assertThat(again.alreadyRedriven()).isEqualTo(3);
        assertThat(again.redriven()).isEqualTo(1);
        assertThat(ingest()).hasSize(4);
    }

    @Test
    void anotherApplicationCannotOpenTheDeadLetters() {
        assertThatThrownBy(() -> redrive("finance-consumer", new Selection(Set.of(), Set.of(), Set.of("0@4")), false,
                new StringWriter())).isInstanceOf(io.deptcrypt.crypto.KmsAccessDeniedException.class)
                .hasMessageContaining("is not authorized to perform: kms:Decrypt");
        assertThat(ingest()).as("nothing re-driven").noneMatch(v -> v.contains("m-4"));
    }
}
