package io.deptcrypt.consumers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.deptcrypt.crypto.EnvelopeHeaders;
import io.deptcrypt.crypto.FieldParts;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.OpenerConfig;
import io.deptcrypt.crypto.SealContext;
import io.deptcrypt.crypto.Sealer;
import io.deptcrypt.crypto.SealerConfig;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.runtime.KmsRetry;
import io.deptcrypt.testkit.InMemoryKeysTopic;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestEventTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A 3-audience event (docs/event-types.md) on the shared topic, read by each audience's consumer topology and by a
 * {@link DecryptingDeserializer}: each gets it exactly once with exactly its fields, the others listed as withheld.
 */
class EventTypeConsumerTest {

    static final String TOPIC = "deptcrypt.shared";
    static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES).build();
    static final String DEAL = "{\"amount\":12.50,\"customer\":\"ACME-CUSTOMER\",\"iban\":\"DE89-IBAN\","
            + "\"invoice\":{\"number\":\"INV-NUMBER\"},\"bonus\":\"BONUS-300\"}";
    /** What each audience gets of {@link #DEAL}, and what it is told was withheld. */
    static final Map<String, String> EXPECTED = Map.of(
            "finance", "{\"amount\":12.50,\"iban\":\"DE89-IBAN\",\"invoice\":{\"number\":\"INV-NUMBER\"}}",
            "sales", "{\"amount\":12.50,\"invoice\":{},\"customer\":\"ACME-CUSTOMER\",\"bonus\":\"BONUS-300\"}",
            "hr", "{\"amount\":12.50,\"invoice\":{},\"bonus\":\"BONUS-300\"}");
    static final Map<String, List<String>> WITHHELD = Map.of(
            "finance", List.of("/customer", "/bonus"),
            "sales", List.of("/iban", "/invoice/number"),
            "hr", List.of("/iban", "/invoice/number", "/customer"));
    /** The other groups' values, none of which a department outside their audience may see. */
    static final Map<String, List<String>> FORBIDDEN = Map.of(
            "finance", List.of("ACME-CUSTOMER", "BONUS-300"),
            "sales", List.of("DE89-IBAN", "INV-NUMBER"),
            "hr", List.of("DE89-IBAN", "INV-NUMBER", "ACME-CUSTOMER"));

    @TempDir
    Path dir;

    Governance governance = TestEventTypes.governance();
    RawAesKeyringProvider keys = RawAesKeyringProvider.generate(governance);
    InMemoryKeysTopic keysTopic = new InMemoryKeysTopic();
    Sealer sealer = Sealer.create(governance, keys, SealerConfig.defaults().withFormat(EnvelopeFormatId.AES_GCM_V2),
            keysTopic);
    TopologyTestDriver driver;
    List<byte[]> values = new ArrayList<>();
    List<RecordHeaders> headers = new ArrayList<>();

    @BeforeEach
    void sealTheSharedTopic() throws Exception {
        RecordHeaders h = new RecordHeaders();
        values.add(sealer.sealParts("deal-1", TOPIC, 7L, "application/json",
                FieldParts.split(JSON.readTree(DEAL), TestEventTypes.dealWon()), h));
        headers.add(h);
        for (String d : List.of("finance", "legal")) {
            RecordHeaders one = new RecordHeaders();
            values.add(sealer.sealRecord(new SealContext(d, d + "-1", TOPIC, 8L, "text/plain"),
                    (d + " only").getBytes(UTF_8), one));
            headers.add(one);
        }
    }

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
        sealer.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"finance, 2", "sales, 1", "hr, 1"})
    void eachAudienceGetsTheEventOnceWithExactlyItsFields(String department, int expectedEvents) throws Exception {
        Path file = Files.writeString(dir.resolve("governance.yaml"), TestEventTypes.YAML);
        DepartmentConsumerConfig cfg = DepartmentConsumerConfig.of(Map.of("governance.file", file.toString(),
                "application.name", department + "-consumer", "department", department,
                "bootstrap.servers", "unused:9092", "sink.stdout", "false", "sink.topic", department + ".events",
                "kms.retry.initial.ms", "1", "kms.retry.max.ms", "4"), "test", null, null);
        List<OpenedEvent> received = new ArrayList<>();
        ConsumerCounters counters = new ConsumerCounters();
        Opener opener = Opener.create(keys.readerFor(governance, department + "-consumer"), cfg.opener(), keysTopic);
        Properties props = DepartmentConsumerApp.streamsProperties(cfg);
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        driver = new TopologyTestDriver(DepartmentConsumerApp.topology(cfg, opener, received::add, counters,
                () -> false), props);
        TestInputTopic<byte[], byte[]> shared = driver.createInputTopic(TOPIC, new ByteArraySerializer(),
                new ByteArraySerializer());
        TestOutputTopic<byte[], byte[]> sink = driver.createOutputTopic(department + ".events",
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        for (int i = 0; i < values.size(); i++) {
            shared.pipeInput(new TestRecord<>(null, values.get(i), headers.get(i)));
        }

        assertThat(received).hasSize(expectedEvents);
        OpenedEvent deal = received.get(0);
        assertThat(deal.eventId()).isEqualTo("deal-1");
        assertThat(received).extracting(OpenedEvent::eventId).containsOnlyOnce("deal-1");
        assertThat(JSON.readTree(deal.plaintext())).isEqualTo(JSON.readTree(EXPECTED.get(department)));
        assertThat(deal.withheldFields()).isEqualTo(WITHHELD.get(department));
        String printed = PrintingSink.format(deal);
        assertThat(printed).contains("withheld:     " + String.join(", ", WITHHELD.get(department)))
                .contains("audiences:    finance, hr, sales").contains("12.50")
                .contains(", part 0: the rest\n").contains(", part 1: /iban, /invoice/number\n");
        for (String other : FORBIDDEN.get(department)) {
            assertThat(new String(deal.plaintext(), UTF_8)).doesNotContain(other);
            assertThat(printed).doesNotContain(other);
        }

        List<TestRecord<byte[], byte[]>> out = sink.readRecordsToList();
        assertThat(out).hasSize(expectedEvents);
        Header withheld = out.get(0).headers().lastHeader(OpenedEvent.WITHHELD_HEADER);
        assertThat(JSON.readValue(withheld.value(), List.class)).isEqualTo(WITHHELD.get(department));
        assertThat(JSON.readTree(out.get(0).value())).isEqualTo(JSON.readTree(EXPECTED.get(department)));
        if (expectedEvents == 2) {
            assertThat(out.get(1).headers().lastHeader(OpenedEvent.WITHHELD_HEADER)).as("nothing withheld").isNull();
        }
        assertThat(counters.ignored()).isEqualTo(values.size() - expectedEvents);
    }

    @Test
    void theDecryptingDeserializerGivesEachAudienceItsFieldsAndTheWithheldHeader() throws Exception {
        KmsRetry fast = new KmsRetry(Duration.ofMillis(1), Duration.ofMillis(2));
        for (String department : List.of("finance", "sales", "hr", "legal")) {
            Opener opener = Opener.create(keys.readerFor(governance, department + "-consumer"), OpenerConfig.defaults(),
                    keysTopic);
            try (DecryptingDeserializer d = new DecryptingDeserializer(opener, department, fast, FailureAction.FAIL)) {
                RecordHeaders h = new RecordHeaders(headers.get(0).toArray());
                byte[] plain = d.deserialize(TOPIC, h, values.get(0));
                if (department.equals("legal")) {
                    assertThat(plain).as("not an audience: not decoded").isNull();
                    assertThat(opener.kmsCalls().decrypt()).isZero();
                    continue;
                }
                JsonNode event = JSON.readTree(plain);
                assertThat(event).isEqualTo(JSON.readTree(EXPECTED.get(department)));
                assertThat(JSON.readValue(h.lastHeader(OpenedEvent.WITHHELD_HEADER).value(), List.class))
                        .isEqualTo(WITHHELD.get(department));
                assertThat(EnvelopeHeaders.audience(h)).isEqualTo("finance,hr,sales".getBytes(UTF_8));
            }
        }
    }
}
