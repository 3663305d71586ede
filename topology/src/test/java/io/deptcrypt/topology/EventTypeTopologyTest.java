package io.deptcrypt.topology;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.deptcrypt.crypto.EnvelopeHeaders;
import io.deptcrypt.crypto.KmsAccessDeniedException;
import io.deptcrypt.crypto.KmsCallCounts;
import io.deptcrypt.crypto.NotForReaderException;
import io.deptcrypt.crypto.OpenedRecord;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.OpenerConfig;
import io.deptcrypt.crypto.Sealer;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.runtime.DeadLetterHeaders;
import io.deptcrypt.testkit.InMemoryKeysTopic;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestEventTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Typed events (docs/event-types.md) through the encryptor: one record per event, sealed per governance. */
class EventTypeTopologyTest {

    static final String MARKER = "PLAINTEXT-MARKER-ev71";
    static final String DEAL = "{\"type\":\"deal-won\",\"eventId\":\"deal-1\",\"data\":{\"amount\":12.50,"
            + "\"customer\":\"ACME " + MARKER + "\",\"iban\":\"DE89" + MARKER + "\",\"invoice\":{\"number\":\"INV-"
            + MARKER + "\"},\"bonus\":300}}";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    Governance governance;
    RawAesKeyringProvider keys;
    InMemoryKeysTopic keysTopic;
    Sealer sealer;
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> ingest;
    TestOutputTopic<byte[], byte[]> shared;
    TestOutputTopic<byte[], byte[]> deadLetter;

    void start(String format) throws Exception {
        Path file = Files.writeString(dir.resolve("governance.yaml"), TestEventTypes.YAML);
        EncryptorConfig cfg = EncryptorConfig.of(Map.of("governance.file", file.toString(),
                "bootstrap.servers", "unused:9092", "kms.retry.initial.ms", "1", "kms.retry.max.ms", "4",
                "envelope.format", format), "test", null, null);
        governance = cfg.governance();
        keys = RawAesKeyringProvider.generate(governance);
        keysTopic = new InMemoryKeysTopic();
        sealer = Sealer.create(governance, keys, cfg.sealer(), keysTopic);
        Properties props = EncryptorApp.streamsProperties(cfg);
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        driver = new TopologyTestDriver(EncryptorApp.topology(cfg, sealer, new EncryptorCounters(), () -> false), props);
        ingest = driver.createInputTopic(governance.topics().ingest(), new ByteArraySerializer(), new ByteArraySerializer());
        shared = driver.createOutputTopic(governance.topics().shared(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        deadLetter = driver.createOutputTopic(governance.topics().deadLetter(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
        if (sealer != null) {
            sealer.close();
        }
    }

    Opener reader(String application) {
        return Opener.create(keys.readerFor(governance, application), OpenerConfig.defaults(), keysTopic);
    }

    static String header(TestRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), UTF_8);
    }

    @Test
    void aThreeAudienceEventIsOneRecordEachAudienceOpensExactlyItsFields() throws Exception {
        start("AES_GCM_V2");
        ingest.pipeInput(null, DEAL.getBytes(UTF_8));
        ingest.pipeInput(null, "{\"department\":\"finance\",\"data\":\"plain finance event\"}".getBytes(UTF_8));

        List<TestRecord<byte[], byte[]>> out = shared.readRecordsToList();
        assertThat(out).hasSize(2);
        assertThat(deadLetter.isEmpty()).isTrue();
        TestRecord<byte[], byte[]> deal = out.get(0);
        assertThat(deal.key()).isNull();
        assertThat(deal.headers().toArray()).extracting(Header::key).containsExactly(EnvelopeHeaders.AUDIENCE);
        assertThat(header(deal, EnvelopeHeaders.AUDIENCE)).isEqualTo("finance,hr,sales");
        assertThat(new String(deal.value(), UTF_8)).doesNotContain(MARKER);
        assertThat(header(out.get(1), EnvelopeHeaders.AUDIENCE)).isEqualTo("finance");

        String topic = governance.topics().shared();
        byte[] audience = EnvelopeHeaders.audience(deal.headers());
        OpenedRecord finance = reader("finance-consumer").open(topic, deal.value(), "finance", audience);
        assertThat(JSON.readTree(finance.plaintext())).isEqualTo(JSON.readTree(
                "{\"amount\":12.50,\"iban\":\"DE89" + MARKER + "\",\"invoice\":{\"number\":\"INV-" + MARKER + "\"}}"));
        assertThat(new String(finance.plaintext(), UTF_8)).contains("12.50");
        assertThat(finance.withheldFields()).containsExactly("/customer", "/bonus");
        OpenedRecord sales = reader("sales-consumer").open(topic, deal.value(), "sales", audience);
        assertThat(JSON.readTree(sales.plaintext())).isEqualTo(JSON.readTree(
                "{\"amount\":12.50,\"invoice\":{},\"customer\":\"ACME " + MARKER + "\",\"bonus\":300}"));
        assertThat(sales.withheldFields()).containsExactly("/iban", "/invoice/number");
        OpenedRecord hr = reader("hr-consumer").open(topic, deal.value(), "hr", audience);
        assertThat(JSON.readTree(hr.plaintext())).isEqualTo(JSON.readTree(
                "{\"amount\":12.50,\"invoice\":{},\"bonus\":300}"));
        assertThat(hr.withheldFields()).containsExactly("/iban", "/invoice/number", "/customer");

        assertThatThrownBy(() -> reader("legal-consumer").open(topic, deal.value(), "legal", audience))
                .isInstanceOf(NotForReaderException.class);
        assertThatThrownBy(() -> reader("legal-consumer").open(topic, deal.value(), "finance", null))
                .isInstanceOf(KmsAccessDeniedException.class);
        // 4 audience sets ({finance} shared with the plain finance event): 4 GenerateDataKey, 3 Encrypt
        assertThat(keys.kmsCalls()).isEqualTo(new KmsCallCounts(4, 3, 0));
    }

    @Test
    void typedEventsThatCannotBeSealedAreDeadLetteredWithTheirReason() throws Exception {
        start("AES_GCM_V2");
        ingest.pipeInput(null, "{\"type\":\"deal-lost\",\"data\":{\"a\":1}}".getBytes(UTF_8));
        ingest.pipeInput(null, "{\"type\":7,\"data\":{\"a\":1}}".getBytes(UTF_8));
        ingest.pipeInput(null, "{\"type\":\"hire\",\"department\":\"hr\",\"data\":{\"a\":1}}".getBytes(UTF_8));
        ingest.pipeInput(null, ("{\"type\":\"deal-won\",\"data\":{\"invoice\":[\"" + MARKER + "\"]}}").getBytes(UTF_8));
        ingest.pipeInput(null, ("{\"type\":\"deal-won\",\"data\":\"" + MARKER + "\"}").getBytes(UTF_8));
        assertThat(shared.isEmpty()).isTrue();
        List<TestRecord<byte[], byte[]>> dead = deadLetter.readRecordsToList();
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON)).containsExactly(
                "UNKNOWN_EVENT_TYPE", "UNKNOWN_EVENT_TYPE", "DEPARTMENT_AND_TYPE", "FIELD_RULE_MISMATCH",
                "FIELD_RULE_MISMATCH");
        assertThat(header(dead.get(0), DeadLetterHeaders.MESSAGE)).contains("declared: [deal-won, hire]")
                .doesNotContain("deal-lost");
        assertThat(header(dead.get(3), DeadLetterHeaders.MESSAGE)).contains("/invoice/number");
        for (TestRecord<byte[], byte[]> r : dead) {
            assertThat(new String(r.value(), UTF_8)).doesNotContain(MARKER);
            r.headers().forEach(h -> assertThat(new String(h.value(), UTF_8)).doesNotContain(MARKER));
        }
    }

    @Test
    void aTypeWithoutFieldRulesIsOneWholeEventPartForItsAudiences() throws Exception {
        start("AES_GCM_V2");
        ingest.pipeInput(null, "{\"type\":\"hire\",\"data\":\"Ada starts Monday\"}".getBytes(UTF_8));
        TestRecord<byte[], byte[]> r = shared.readRecord();
        assertThat(header(r, EnvelopeHeaders.AUDIENCE)).isEqualTo("finance,hr");
        String topic = governance.topics().shared();
        for (String[] reader : new String[][] {{"finance-consumer", "finance"}, {"hr-consumer", "hr"}}) {
            OpenedRecord o = reader(reader[0]).open(topic, r.value(), reader[1], EnvelopeHeaders.audience(r.headers()));
            assertThat(new String(o.plaintext(), UTF_8)).isEqualTo("Ada starts Monday");
            assertThat(o.contentType()).isEqualTo("text/plain");
        }
    }

    @Test
    void aVersion1EncryptorDeadLettersTypedEvents() throws Exception {
        start("AES_GCM_V1");
        ingest.pipeInput(null, DEAL.getBytes(UTF_8));
        assertThat(shared.isEmpty()).isTrue();
        assertThat(header(deadLetter.readRecord(), DeadLetterHeaders.REASON)).isEqualTo("EVENT_TYPES_NEED_AES_GCM_V2");
    }
}
