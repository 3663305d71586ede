package io.deptcrypt.consumers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.crypto.EnvelopeHeaders;
import io.deptcrypt.crypto.EnvelopeSerde;
import io.deptcrypt.crypto.KeyringProvider;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.SealContext;
import io.deptcrypt.crypto.Sealer;
import io.deptcrypt.crypto.SealerConfig;
import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.runtime.DeadLetterHeaders;
import io.deptcrypt.testkit.FlakyKeyringProvider;
import io.deptcrypt.testkit.InMemoryKeysTopic;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestGovernance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DepartmentConsumerTopologyTest {

    static final String MARKER = "PLAINTEXT-MARKER-51d0e2";

    @TempDir
    Path stateDir;

    Governance governance;
    RawAesKeyringProvider keys;
    Sealer encryptor;
    /** The encryptor's default format, AES_GCM_V2, with its keys topic in memory. */
    Sealer compact;
    InMemoryKeysTopic keysTopic;
    String sharedTopic;
    List<OpenedEvent> received = new ArrayList<>();
    ConsumerCounters counters;
    KeyringProvider keyrings;
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> shared;

    static DepartmentConsumerConfig config(Map<String, String> extra) throws Exception {
        Map<String, String> props = new HashMap<>(Map.of(
                "governance.file", TestGovernance.file().toString(),
                "application.name", "finance-consumer",
                "department", "finance",
                "bootstrap.servers", "unused:9092",
                "sink.stdout", "false",
                "kms.retry.initial.ms", "1",
                "kms.retry.max.ms", "4"));
        props.putAll(extra);
        return DepartmentConsumerConfig.of(props, "test", null, null);
    }

    @BeforeEach
    void setUp() throws Exception {
        DepartmentConsumerConfig cfg = config(Map.of());
        governance = cfg.governance();
        sharedTopic = cfg.sharedTopic();
        keys = RawAesKeyringProvider.generate(governance);
        encryptor = Sealer.create(governance, keys, SealerConfig.defaults());
        keysTopic = new InMemoryKeysTopic();
        compact = Sealer.create(governance, keys, SealerConfig.defaults().withFormat(EnvelopeFormatId.AES_GCM_V2),
                keysTopic);
    }

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
        encryptor.close();
        compact.close();
    }

    void start(DepartmentConsumerConfig cfg, KeyringProvider keyrings) {
        this.keyrings = keyrings;
        counters = new ConsumerCounters();
        Opener opener = Opener.create(keyrings, cfg.opener(), keysTopic);
        Properties props = DepartmentConsumerApp.streamsProperties(cfg);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(DepartmentConsumerApp.topology(cfg, opener, received::add, counters, () -> false), props);
        shared = driver.createInputTopic(sharedTopic, new ByteArraySerializer(), new ByteArraySerializer());
    }

    void startFinance(Map<String, String> extra) throws Exception {
        start(config(extra), keys.readerFor(governance, "finance-consumer"));
    }

    @Test
    void aConsumerThatCannotStartClosesItsSink() throws Exception {
        AtomicBoolean sinkClosed = new AtomicBoolean();
        DepartmentSink sink = new DepartmentSink() {
            @Override
            public void accept(OpenedEvent event) {
                throw new AssertionError("nothing is opened");
            }

            @Override
            public void close() {
                sinkClosed.set(true);
            }
        };
        // A value only Kafka checks: KafkaStreams refuses it while the app is being built.
        DepartmentConsumerConfig cfg = config(Map.of("streams.processing.guarantee", "sometimes", "streams.state.dir", stateDir.toString()));
        assertThatThrownBy(() -> DepartmentConsumerApp.start(cfg, keys.readerFor(governance, "finance-consumer"), sink))
                .isInstanceOf(ConfigException.class).hasMessageContaining("processing.guarantee");
        assertThat(sinkClosed).isTrue();
    }

    /** A record as the encryptor writes it. */
    TestRecord<byte[], byte[]> sealed(String department, String eventId, String text) {
        Envelope env = encryptor.seal(new SealContext(department, eventId, sharedTopic, 1_000L, "text/plain"), text.getBytes(UTF_8));
        Headers headers = new RecordHeaders();
        EnvelopeHeaders.write(headers, env);
        return new TestRecord<>(department.getBytes(UTF_8), EnvelopeSerde.toBytes(env), headers);
    }

    /** A record as the encryptor writes it by default: AES_GCM_V2, no key, the audience header. */
    TestRecord<byte[], byte[]> compactRecord(String department, String eventId, String text) {
        Headers headers = new RecordHeaders();
        byte[] value = compact.sealRecord(new SealContext(department, eventId, sharedTopic, 1_000L, "text/plain"),
                text.getBytes(UTF_8), headers);
        return new TestRecord<>(null, value, headers);
    }

    @Test
    void compactRecordsAreKeptByTheirAudienceHeaderAndOpenedWithTheirPublishedDataKey() throws Exception {
        startFinance(Map.of());
        shared.pipeInput(compactRecord("finance", "f-1", "ledger " + MARKER));
        shared.pipeInput(compactRecord("sales", "s-1", "deal"));
        Headers salesAudience = new RecordHeaders();
        EnvelopeHeaders.writeAudience(salesAudience, "sales".getBytes(UTF_8));
        shared.pipeInput(new TestRecord<>("finance".getBytes(UTF_8), garbage(), salesAudience)); // the header decides
        shared.pipeInput(compactRecord("finance", "f-2", "second"));
        int lookups = keysTopic.lookups();

        assertThat(received).extracting(OpenedEvent::eventId).containsExactly("f-1", "f-2");
        assertThat(new String(received.get(0).plaintext(), UTF_8)).isEqualTo("ledger " + MARKER);
        assertThat(received.get(0).department()).isEqualTo("finance");
        assertThat(received.get(0).contentType()).isEqualTo("text/plain");
        assertThat(received.get(0).timestamp()).isEqualTo(1_000L);
        assertThat(counters.opened()).isEqualTo(2);
        assertThat(counters.ignored()).isEqualTo(2);
        // one unwrap and one directory lookup for both finance records: the second matched the thread's last key
        assertThat(keyrings.kmsCalls().decrypt()).isEqualTo(1);
        assertThat(lookups).isEqualTo(1);
        assertThat(PrintingSink.format(received.get(0))).contains("AES_GCM_V2").contains("audiences:    finance")
                .contains(keysTopic.published().get(0).id().toString());
    }

    @Test
    void aCompactRecordWhoseHeaderLiesOrWhoseKeyIsUnknownFails() throws Exception {
        startFinance(Map.of("failure.action.unreadable", "FAIL")); // its default is DEAD_LETTER
        TestRecord<byte[], byte[]> sales = compactRecord("sales", "s-1", MARKER);
        Headers lying = new RecordHeaders();
        EnvelopeHeaders.writeAudience(lying, "finance".getBytes(UTF_8));
        assertThatThrownBy(() -> shared.pipeInput(new TestRecord<>(null, sales.value(), lying)))
                .satisfies(e -> assertThat(DepartmentConsumerApp.describeFailure(e)).contains("DEPARTMENT_MISMATCH")
                        .contains("sealed for [sales]").contains("eventId s-1").doesNotContain(MARKER));

        startFinance(Map.of("failure.action", "SKIP"));
        TestRecord<byte[], byte[]> finance = compactRecord("finance", "f-1", MARKER);
        keysTopic.remove(keysTopic.published().get(keysTopic.published().size() - 1).id());
        shared.pipeInput(finance);
        assertThat(counters.skipped()).isEqualTo(1);
        assertThat(received).isEmpty();
    }

    static TestRecord<byte[], byte[]> raw(String key, byte[] value, String headerDepartment) {
        Headers headers = new RecordHeaders();
        if (headerDepartment != null) {
            headers.add(EnvelopeHeaders.DEPARTMENT, headerDepartment.getBytes(UTF_8));
            headers.add(EnvelopeHeaders.EVENT_ID, "raw-1".getBytes(UTF_8));
        }
        return new TestRecord<>(key == null ? null : key.getBytes(UTF_8), value, headers);
    }

    static byte[] garbage() {
        return ("this is no envelope " + MARKER).getBytes(UTF_8);
    }

    @Test
    void keepsItsOwnDepartmentByKeyOrHeaderAndNeverDecodesOtherDepartmentsValues() throws Exception {
        startFinance(Map.of());
        shared.pipeInput(sealed("finance", "f-1", "ledger closed " + MARKER));
        shared.pipeInput(sealed("sales", "s-1", "deal won"));
        shared.pipeInput(raw("sales", garbage(), "sales"));      // would fail if decoded
        shared.pipeInput(raw("sales", garbage(), null));         // key only
        shared.pipeInput(raw(null, garbage(), "sales"));         // header only
        TestRecord<byte[], byte[]> byHeader = sealed("finance", "f-2", "second");
        shared.pipeInput(new TestRecord<>(null, byHeader.value(), byHeader.headers()));

        assertThat(received).extracting(OpenedEvent::eventId).containsExactly("f-1", "f-2");
        assertThat(new String(received.get(0).plaintext(), UTF_8)).isEqualTo("ledger closed " + MARKER);
        assertThat(received.get(0).department()).isEqualTo("finance");
        assertThat(received.get(0).contentType()).isEqualTo("text/plain");
        assertThat(received.get(0).topic()).isEqualTo(sharedTopic);
        assertThat(received).extracting(OpenedEvent::offset).containsExactly(0L, 5L);
        assertThat(received.get(0).toString()).doesNotContain(MARKER);
        assertThat(counters.opened()).isEqualTo(2);
        assertThat(counters.ignored()).isEqualTo(4);
        // Both finance records share one data key: one unwrap; nothing was asked about sales.
        assertThat(keyrings.kmsCalls().decrypt()).isEqualTo(1);
    }

    @Test
    void failStopsWithAClearErrorNamingTheRecordAndTheKmsError() throws Exception {
        // finance-consumer's KMS access to the finance key was revoked: it holds only the sales key.
        start(config(Map.of()), keys.readerFor(governance, "sales-consumer"));
        assertThatThrownBy(() -> shared.pipeInput(sealed("finance", "f-9", MARKER)))
                .isInstanceOf(StreamsException.class)
                .satisfies(e -> {
                    assertThat(DepartmentConsumerApp.isConfigurationError(e)).isTrue();
                    String message = DepartmentConsumerApp.describeFailure(e);
                    assertThat(message).contains(sharedTopic + "-0@0").contains("eventId f-9").contains("ACCESS_DENIED")
                            .contains(governance.department("finance").key().toString()).contains("failure.action.access.denied=FAIL")
                            .doesNotContain(MARKER);
                });
        assertThat(received).isEmpty();
    }

    @Test
    void failOnTamperedRecordAndOnDepartmentMismatch() throws Exception {
        startFinance(Map.of("failure.action.unreadable", "FAIL"));
        TestRecord<byte[], byte[]> r = sealed("finance", "f-1", MARKER);
        byte[] tampered = r.value().clone();
        tampered[tampered.length - 1] ^= 1;
        assertThatThrownBy(() -> shared.pipeInput(new TestRecord<>(r.key(), tampered, r.headers())))
                .satisfies(e -> assertThat(DepartmentConsumerApp.describeFailure(e)).contains("INVALID_ENVELOPE").doesNotContain(MARKER));

        TestRecord<byte[], byte[]> sales = sealed("sales", "s-1", MARKER);
        assertThatThrownBy(() -> shared.pipeInput(new TestRecord<>("finance".getBytes(UTF_8), sales.value(), new RecordHeaders())))
                .satisfies(e -> assertThat(DepartmentConsumerApp.describeFailure(e)).contains("DEPARTMENT_MISMATCH")
                        .contains("sealed for [sales]"));
        assertThat(received).isEmpty();
    }

    @Test
    void skipCountsAndGoesOn() throws Exception {
        startFinance(Map.of("failure.action", "SKIP"));
        shared.pipeInput(raw("finance", garbage(), "finance"));
        shared.pipeInput(raw("finance", null, "finance"));
        TestRecord<byte[], byte[]> sales = sealed("sales", "s-1", MARKER);
        shared.pipeInput(new TestRecord<>("finance".getBytes(UTF_8), sales.value(), new RecordHeaders()));
        shared.pipeInput(sealed("finance", "f-1", "fine"));
        assertThat(counters.skipped()).isEqualTo(3);
        assertThat(received).extracting(OpenedEvent::eventId).containsExactly("f-1");
    }

    @Test
    void skipAlsoCoversAccessDenied() throws Exception {
        start(config(Map.of("failure.action", "skip")), keys.readerFor(governance, "sales-consumer"));
        shared.pipeInput(sealed("finance", "f-1", MARKER));
        assertThat(counters.skipped()).isEqualTo(1);
        assertThat(received).isEmpty();
    }

    @Test
    void byDefaultAnUnreadableRecordIsQuarantinedAndTheDepartmentGoesOnButAccessDeniedStops() throws Exception {
        start(config(Map.of()), keys.readerFor(governance, "finance-consumer"));
        TestOutputTopic<byte[], byte[]> dlq = driver.createOutputTopic("finance.unreadable", new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        shared.pipeInput(raw("finance", garbage(), "finance"));
        shared.pipeInput(sealed("finance", "f-1", "fine"));
        assertThat(dlq.readRecordsToList()).hasSize(1)
                .allSatisfy(r -> assertThat(header(r.headers(), DeadLetterHeaders.REASON)).isEqualTo("INVALID_ENVELOPE"));
        assertThat(received).extracting(OpenedEvent::eventId).containsExactly("f-1");
        assertThat(counters.deadLettered()).isEqualTo(1);
    }

    @Test
    void deadLetterForwardsTheStillSealedRecordWithReasonHeaders() throws Exception {
        startFinance(Map.of("failure.action", "DEAD_LETTER", "failure.dead.letter.topic", "finance.unreadable"));
        TestOutputTopic<byte[], byte[]> dlq = driver.createOutputTopic("finance.unreadable", new ByteArrayDeserializer(), new ByteArrayDeserializer());
        TestRecord<byte[], byte[]> good = sealed("finance", "f-1", MARKER);
        byte[] tampered = good.value().clone();
        tampered[tampered.length - 3] ^= 1;
        shared.pipeInput(new TestRecord<>(good.key(), tampered, good.headers()));
        shared.pipeInput(good);

        List<TestRecord<byte[], byte[]>> out = dlq.readRecordsToList();
        assertThat(out).hasSize(1);
        TestRecord<byte[], byte[]> r = out.get(0);
        assertThat(r.key()).isEqualTo("finance".getBytes(UTF_8));
        assertThat(r.value()).isEqualTo(tampered);
        assertThat(header(r.headers(), DeadLetterHeaders.REASON)).isEqualTo("INVALID_ENVELOPE");
        assertThat(header(r.headers(), DeadLetterHeaders.MESSAGE)).contains("eventId f-1").doesNotContain(MARKER);
        assertThat(header(r.headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(sharedTopic);
        assertThat(header(r.headers(), DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(r.headers(), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(header(r.headers(), EnvelopeHeaders.EVENT_ID)).isEqualTo("f-1"); // original headers kept
        assertThat(indexOf(r.value(), MARKER.getBytes(UTF_8))).isEqualTo(-1);
        assertThat(counters.deadLettered()).isEqualTo(1);
        assertThat(received).extracting(OpenedEvent::eventId).containsExactly("f-1");
    }

    @Test
    void transientKmsFailureIsRetriedAndTheRecordIsOpenedOnce() throws Exception {
        FlakyKeyringProvider flaky = new FlakyKeyringProvider(keys.readerFor(governance, "finance-consumer"), 3);
        start(config(Map.of()), flaky);
        shared.pipeInput(sealed("finance", "f-1", MARKER));
        shared.pipeInput(sealed("finance", "f-2", "again"));
        assertThat(received).extracting(OpenedEvent::eventId).containsExactly("f-1", "f-2");
        assertThat(counters.kmsRetries()).isEqualTo(3);
        assertThat(counters.skipped() + counters.deadLettered()).isZero();
        assertThat(flaky.calls()).isEqualTo(4); // then the cached data key opens f-2
    }

    @Test
    void plaintextTopicSinkWritesEventIdKeyedPlaintext() throws Exception {
        startFinance(Map.of("sink.topic", "finance.events"));
        TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic("finance.events", new ByteArrayDeserializer(), new ByteArrayDeserializer());
        shared.pipeInput(sealed("finance", "f-1", "hello"));
        shared.pipeInput(sealed("sales", "s-1", "not for finance"));
        List<TestRecord<byte[], byte[]>> records = out.readRecordsToList();
        assertThat(records).hasSize(1);
        assertThat(new String(records.get(0).key(), UTF_8)).isEqualTo("f-1");
        assertThat(new String(records.get(0).value(), UTF_8)).isEqualTo("hello");
        assertThat(header(records.get(0).headers(), DepartmentConsumerApp.CONTENT_TYPE_HEADER)).isEqualTo("text/plain");
        assertThat(header(records.get(0).headers(), EnvelopeHeaders.DEPARTMENT)).isEqualTo("finance");
    }

    @Test
    void printingSinkShowsTheThreeBlocks() throws Exception {
        startFinance(Map.of());
        shared.pipeInput(sealed("finance", "f-1", "ledger closed"));
        String text = PrintingSink.format(received.get(0));
        assertThat(text).contains("=== ORIGINAL MESSAGE ===", "=== DECRYPTED MESSAGE ===", "=== PARTITION ===",
                "department:   finance", "eventId:      f-1", "AES_GCM_V1",
                governance.department("finance").key().toString(), "ledger closed", "partition: 0, offset: 0");
        assertThat(text.indexOf("ORIGINAL")).isLessThan(text.indexOf("DECRYPTED")).isLessThan(text.indexOf("PARTITION"));
        assertThat(PrintingSink.shorten("A".repeat(200))).hasSize(2 * PrintingSink.SHOWN_CHARS + 3).contains("...");
        var buffer = new java.io.ByteArrayOutputStream();
        new PrintingSink(new java.io.PrintStream(buffer, true, UTF_8)).accept(received.get(0));
        assertThat(buffer.toString(UTF_8)).isEqualTo(text);
    }

    static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), UTF_8);
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
