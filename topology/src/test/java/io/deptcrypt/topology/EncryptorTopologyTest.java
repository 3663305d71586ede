package io.deptcrypt.topology;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.deptcrypt.crypto.EnvelopeException;
import io.deptcrypt.crypto.EnvelopeHeaders;
import io.deptcrypt.crypto.EnvelopeSerde;
import io.deptcrypt.crypto.KeyringProvider;
import io.deptcrypt.crypto.KmsAccessDeniedException;
import io.deptcrypt.crypto.NotForReaderException;
import io.deptcrypt.crypto.OpenedRecord;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.OpenerConfig;
import io.deptcrypt.crypto.Sealer;
import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.EncryptionContext;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.runtime.DeadLetterHeaders;
import io.deptcrypt.runtime.StreamsLifecycle;
import io.deptcrypt.testkit.FlakyKeyringProvider;
import io.deptcrypt.testkit.InMemoryKeysTopic;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestGovernance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EncryptorTopologyTest {

    /** Appears in every test input's content; must never appear in any output byte. */
    static final String MARKER = "PLAINTEXT-MARKER-7f3a9c";
    static final int MAX_EVENT_BYTES = 4096;

    @TempDir
    Path stateDir;

    Governance governance;
    EncryptorConfig cfg;
    RawAesKeyringProvider keys;
    EncryptorCounters counters;
    Sealer sealer;
    InMemoryKeysTopic keysTopic;
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> ingest;
    TestOutputTopic<String, byte[]> shared;
    TestOutputTopic<String, byte[]> deadLetter;

    @BeforeEach
    void setUp() throws Exception {
        cfg = config(Map.of());
        governance = cfg.governance();
        keys = RawAesKeyringProvider.generate(governance);
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

    /** Most tests read the envelope's fields, so they seal AES_GCM_V1; the AES_GCM_V2 tests set the default back. */
    static EncryptorConfig config(Map<String, String> extra) throws Exception {
        Map<String, String> props = new HashMap<>(Map.of(
                "governance.file", TestGovernance.file().toString(),
                "bootstrap.servers", "unused:9092",
                "max.event.bytes", Integer.toString(MAX_EVENT_BYTES),
                "kms.retry.initial.ms", "1",
                "kms.retry.max.ms", "4",
                "envelope.format", "AES_GCM_V1"));
        props.putAll(extra);
        return EncryptorConfig.of(props, "test", null, null);
    }

    void start(KeyringProvider keyrings) {
        start(keyrings, cfg);
    }

    void start(KeyringProvider keyrings, EncryptorConfig config) {
        counters = new EncryptorCounters();
        keysTopic = new InMemoryKeysTopic();
        sealer = Sealer.create(governance, keyrings, config.sealer(), keysTopic);
        Properties props = EncryptorApp.streamsProperties(config);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(EncryptorApp.topology(config, sealer, counters, () -> false), props);
        ingest = driver.createInputTopic(governance.topics().ingest(), new ByteArraySerializer(), new ByteArraySerializer());
        shared = driver.createOutputTopic(governance.topics().shared(), new StringDeserializer(), new ByteArrayDeserializer());
        deadLetter = driver.createOutputTopic(governance.topics().deadLetter(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    void pipe(String json) {
        ingest.pipeInput(null, json == null ? null : json.getBytes(UTF_8));
    }

    Opener readerOf(String application) {
        return Opener.create(keys.readerFor(governance, application), OpenerConfig.defaults());
    }

    static String header(TestRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), UTF_8);
    }

    @Test
    void validEventsAreKeyedByDepartmentSealedAndOpenableByTheirReaderOnly() throws Exception {
        start(keys);
        pipe("{\"department\":\"finance\",\"data\":\"invoice 42 paid " + MARKER + "\"}");
        pipe("{\"department\":\"sales\",\"data\":{\"deal\":\"" + MARKER + "\",\"amount\":12.50,\"items\":[1,2]}}");

        List<TestRecord<String, byte[]>> out = shared.readRecordsToList();
        assertThat(out).extracting(TestRecord::key).containsExactly("finance", "sales");
        assertThat(deadLetter.isEmpty()).isTrue();
        assertThat(counters.sealed()).isEqualTo(2);

        Envelope finance = EnvelopeSerde.fromBytes(out.get(0).value());
        Envelope sales = EnvelopeSerde.fromBytes(out.get(1).value());
        assertThat(finance.getDepartment()).isEqualTo("finance");
        assertThat(finance.getFormat()).isEqualTo(EnvelopeFormatId.AES_GCM_V1);
        assertThat(finance.getContentType()).isEqualTo("text/plain");
        assertThat(sales.getContentType()).isEqualTo("application/json");
        assertThat(finance.getWrappedKeys()).extracting(k -> k.getKeyId().toString())
                .allMatch(id -> id.contains(governance.department("finance").key().toString()));
        assertThat(header(out.get(0), EnvelopeHeaders.DEPARTMENT)).isEqualTo("finance");
        assertThat(header(out.get(0), EnvelopeHeaders.EVENT_ID)).isEqualTo(finance.getEventId());
        assertThat(header(out.get(1), EnvelopeHeaders.DEPARTMENT)).isEqualTo("sales");

        String topic = governance.topics().shared();
        assertThat(new String(readerOf("finance-consumer").open(finance, topic), UTF_8)).isEqualTo("invoice 42 paid " + MARKER);
        byte[] salesPlain = readerOf("sales-consumer").open(sales, topic);
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(salesPlain)).isEqualTo(json.readTree("{\"deal\":\"" + MARKER + "\",\"amount\":12.50,\"items\":[1,2]}"));
        assertThat(new String(salesPlain, UTF_8)).contains("12.50"); // decimals kept exactly

        assertThatThrownBy(() -> readerOf("finance-consumer").open(sales, topic)).isInstanceOf(KmsAccessDeniedException.class);
        assertThatThrownBy(() -> readerOf("sales-consumer").open(finance, topic)).isInstanceOf(KmsAccessDeniedException.class);
    }

    @Test
    void byDefaultEventsAreCompactRecordsWithNoKeyOneAudienceHeaderAndAPublishedDataKey() throws Exception {
        assertThat(EncryptorConfig.ENVELOPE_FORMAT_DEFAULT).isEqualTo("AES_GCM_V2");
        start(keys, config(Map.of("envelope.format", EncryptorConfig.ENVELOPE_FORMAT_DEFAULT)));
        pipe("{\"department\":\"finance\",\"eventId\":\"evt-1\",\"data\":\"invoice " + MARKER + "\"}");
        pipe("{\"department\":\"sales\",\"data\":{\"deal\":\"" + MARKER + "\"}}");
        pipe("not json " + MARKER);

        List<TestRecord<String, byte[]>> out = shared.readRecordsToList();
        assertThat(out).extracting(TestRecord::key).containsExactly(null, null);
        for (TestRecord<String, byte[]> r : out) {
            assertThat(r.headers().toArray()).extracting(Header::key).containsExactly(EnvelopeHeaders.AUDIENCE);
            assertThat(r.value()[0]).isEqualTo((byte) 0xDC);
            assertThat(r.value()[1]).as("format version 2").isEqualTo((byte) 0x04);
            assertThat(new String(r.value(), UTF_8)).doesNotContain(MARKER);
        }
        assertThat(header(out.get(0), EnvelopeHeaders.AUDIENCE)).isEqualTo("finance");
        assertThat(header(out.get(1), EnvelopeHeaders.AUDIENCE)).isEqualTo("sales");
        // one data key per department, each published (with its audience) before the records that use it
        assertThat(keysTopic.published()).extracting(k -> k.audiences()).containsExactly(List.of("finance"), List.of("sales"));
        assertThat(keys.kmsCalls().generateDataKey()).isEqualTo(3); // finance, sales, and the quarantine (dead letter)

        String topic = governance.topics().shared();
        Opener finance = Opener.create(keys.readerFor(governance, "finance-consumer"), OpenerConfig.defaults(), keysTopic);
        OpenedRecord opened = finance.open(topic, out.get(0).value(), "finance", "finance".getBytes(UTF_8));
        assertThat(new String(opened.plaintext(), UTF_8)).isEqualTo("invoice " + MARKER);
        assertThat(opened.eventId()).isEqualTo("evt-1");
        assertThat(opened.contentType()).isEqualTo("text/plain");
        assertThatThrownBy(() -> finance.open(topic, out.get(1).value(), "finance", null))
                .isInstanceOf(NotForReaderException.class); // no KMS call for another department's record
        // a finance reader claiming to read sales is refused by KMS
        assertThatThrownBy(() -> finance.open(topic, out.get(1).value(), "sales", null))
                .isInstanceOf(KmsAccessDeniedException.class);

        // dead letters stay self-contained AES_GCM_V1, keyed by event id
        TestRecord<String, byte[]> dead = deadLetter.readRecord();
        Envelope quarantined = EnvelopeSerde.fromBytes(dead.value());
        assertThat(quarantined.getFormat()).isEqualTo(EnvelopeFormatId.AES_GCM_V1);
        assertThat(dead.key()).isEqualTo(quarantined.getEventId());
        assertThat(readerOf("security-auditor").open(quarantined, governance.topics().deadLetter()))
                .isEqualTo(("not json " + MARKER).getBytes(UTF_8));
    }

    @Test
    void aKeysTopicOutageIsRetriedLikeKmsWithoutANewDataKey() throws Exception {
        start(keys, config(Map.of("envelope.format", "AES_GCM_V2")));
        keysTopic.failNextPublications(2);
        pipe("{\"department\":\"finance\",\"data\":\"x\"}");

        assertThat(shared.readRecordsToList()).hasSize(1);
        assertThat(counters.kmsRetries()).isEqualTo(2);
        assertThat(keys.kmsCalls().generateDataKey()).isEqualTo(1);
        assertThat(keysTopic.published()).hasSize(1);
    }

    @Test
    void envelopeIsBoundToItsTopicAndEventId() {
        start(keys);
        pipe("{\"department\":\"finance\",\"data\":\"" + MARKER + "\",\"eventId\":\"evt-1\"}");
        Envelope env = EnvelopeSerde.fromBytes(shared.readValue());
        Opener finance = readerOf("finance-consumer");

        assertThatThrownBy(() -> finance.open(env, "some-other-topic")).isInstanceOf(EnvelopeException.class);
        Envelope renamed = Envelope.newBuilder(env).setEventId("evt-2").build();
        assertThatThrownBy(() -> finance.open(renamed, governance.topics().shared())).isInstanceOf(EnvelopeException.class);
        assertThat(finance.open(env, governance.topics().shared())).isEqualTo(MARKER.getBytes(UTF_8));
    }

    @Test
    void givenEventIdIsKeptAndAMissingOneIsDerivedDeterministicallyFromTheSourcePosition() {
        start(keys);
        pipe("{\"department\":\"finance\",\"data\":\"a\",\"eventId\":\"order-17\"}");
        pipe("{\"department\":\"finance\",\"data\":\"b\"}");
        pipe("{\"department\":\"finance\",\"data\":\"c\",\"eventId\":null}");
        List<TestRecord<String, byte[]>> out = shared.readRecordsToList();
        String ingestTopic = governance.topics().ingest();
        assertThat(out).extracting(r -> header(r, EnvelopeHeaders.EVENT_ID)).containsExactly(
                "order-17",
                IngestParser.derivedEventId(ingestTopic, 0, 1),
                IngestParser.derivedEventId(ingestTopic, 0, 2));
        // Same source position, same id (a replay after a crash reproduces it); another position, another id.
        assertThat(IngestParser.derivedEventId(ingestTopic, 0, 1)).isEqualTo(IngestParser.derivedEventId(ingestTopic, 0, 1))
                .isNotEqualTo(IngestParser.derivedEventId(ingestTopic, 1, 1));
    }

    @Test
    void ingestHeadersAreNotCopiedToTheSharedTopic() {
        start(keys);
        RecordHeaders headers = new RecordHeaders();
        headers.add("sqs.attribute.note", MARKER.getBytes(UTF_8));
        ingest.pipeInput(new TestRecord<>(null, "{\"department\":\"sales\",\"data\":\"x\"}".getBytes(UTF_8), headers));
        TestRecord<String, byte[]> r = shared.readRecord();
        assertThat(r.headers().lastHeader("sqs.attribute.note")).isNull();
        assertThat(r.headers().toArray()).extracting(Header::key)
                .containsExactlyInAnyOrder(EnvelopeHeaders.DEPARTMENT, EnvelopeHeaders.EVENT_ID);
    }

    @Test
    void esdkFormatIsConfigurable() throws Exception {
        EncryptorConfig esdk = config(Map.of("envelope.format", "ESDK_MESSAGE_V1"));
        start(keys, esdk);
        pipe("{\"department\":\"finance\",\"data\":\"" + MARKER + "\"}");
        Envelope env = EnvelopeSerde.fromBytes(shared.readValue());
        assertThat(env.getFormat()).isEqualTo(EnvelopeFormatId.ESDK_MESSAGE_V1);
        assertThat(readerOf("finance-consumer").open(env, governance.topics().shared())).isEqualTo(MARKER.getBytes(UTF_8));
    }

    static Stream<Arguments> invalidInputs() {
        String big = "{\"department\":\"finance\",\"data\":\"" + MARKER + "x".repeat(MAX_EVENT_BYTES) + "\"}";
        return Stream.of(
                Arguments.of("garbage", "not json " + MARKER, DeadLetterReason.NOT_JSON),
                Arguments.of("truncated", "{\"department\":\"finance\",\"data\":\"" + MARKER, DeadLetterReason.NOT_JSON),
                Arguments.of("null value", null, DeadLetterReason.NOT_JSON),
                Arguments.of("empty value", "", DeadLetterReason.NOT_JSON),
                Arguments.of("duplicate field", "{\"department\":\"finance\",\"data\":\"" + MARKER + "\",\"data\":\"y\"}", DeadLetterReason.NOT_JSON),
                Arguments.of("trailing data", "{\"department\":\"finance\",\"data\":\"a\"} \"" + MARKER + "\"", DeadLetterReason.NOT_JSON),
                Arguments.of("array", "[\"" + MARKER + "\"]", DeadLetterReason.NOT_OBJECT),
                Arguments.of("string", "\"" + MARKER + "\"", DeadLetterReason.NOT_OBJECT),
                Arguments.of("extra field", "{\"department\":\"finance\",\"data\":\"a\",\"" + MARKER + "\":1}", DeadLetterReason.UNEXPECTED_FIELD),
                Arguments.of("no department", "{\"data\":\"" + MARKER + "\"}", DeadLetterReason.MISSING_DEPARTMENT),
                Arguments.of("null department", "{\"department\":null,\"data\":\"" + MARKER + "\"}", DeadLetterReason.MISSING_DEPARTMENT),
                Arguments.of("empty department", "{\"department\":\"\",\"data\":\"" + MARKER + "\"}", DeadLetterReason.MISSING_DEPARTMENT),
                Arguments.of("numeric department", "{\"department\":7,\"data\":\"" + MARKER + "\"}", DeadLetterReason.MISSING_DEPARTMENT),
                Arguments.of("unknown department", "{\"department\":\"" + MARKER + "\",\"data\":\"" + MARKER + "\"}", DeadLetterReason.UNKNOWN_DEPARTMENT),
                Arguments.of("wrong-case department", "{\"department\":\"Finance\",\"data\":\"" + MARKER + "\"}", DeadLetterReason.UNKNOWN_DEPARTMENT),
                Arguments.of("numeric eventId", "{\"department\":\"finance\",\"data\":\"" + MARKER + "\",\"eventId\":5}", DeadLetterReason.INVALID_EVENT_ID),
                Arguments.of("empty eventId", "{\"department\":\"finance\",\"data\":\"" + MARKER + "\",\"eventId\":\"\"}", DeadLetterReason.INVALID_EVENT_ID),
                Arguments.of("control chars in eventId", "{\"department\":\"finance\",\"data\":\"" + MARKER + "\",\"eventId\":\"a\\nb\"}", DeadLetterReason.INVALID_EVENT_ID),
                Arguments.of("numeric partitionKey", "{\"department\":\"finance\",\"data\":\"" + MARKER + "\",\"partitionKey\":5}", DeadLetterReason.INVALID_PARTITION_KEY),
                Arguments.of("empty partitionKey", "{\"department\":\"finance\",\"data\":\"" + MARKER + "\",\"partitionKey\":\"\"}", DeadLetterReason.INVALID_PARTITION_KEY),
                Arguments.of("control chars in partitionKey", "{\"department\":\"finance\",\"data\":\"" + MARKER + "\",\"partitionKey\":\"a\\tb\"}", DeadLetterReason.INVALID_PARTITION_KEY),
                Arguments.of("no data", "{\"department\":\"finance\",\"eventId\":\"" + MARKER + "\"}", DeadLetterReason.EMPTY_DATA),
                Arguments.of("null data", "{\"department\":\"finance\",\"data\":null,\"eventId\":\"" + MARKER + "\"}", DeadLetterReason.EMPTY_DATA),
                Arguments.of("empty string data", "{\"department\":\"finance\",\"data\":\"\",\"eventId\":\"" + MARKER + "\"}", DeadLetterReason.EMPTY_DATA),
                Arguments.of("empty object data", "{\"department\":\"finance\",\"data\":{},\"eventId\":\"" + MARKER + "\"}", DeadLetterReason.EMPTY_DATA),
                Arguments.of("empty array data", "{\"department\":\"finance\",\"data\":[],\"eventId\":\"" + MARKER + "\"}", DeadLetterReason.EMPTY_DATA),
                Arguments.of("too large", big, DeadLetterReason.TOO_LARGE));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("invalidInputs")
    void invalidInputIsDeadLetteredSealedUnderTheQuarantineKeyWithReasonHeaders(String name, String input, DeadLetterReason reason) {
        start(keys);
        pipe("{\"department\":\"sales\",\"data\":\"before\"}");
        pipe(input);
        pipe("{\"department\":\"sales\",\"data\":\"after\"}");

        assertThat(shared.readRecordsToList()).hasSize(2); // nothing blocked, nothing dropped
        List<TestRecord<String, byte[]>> dlq = deadLetter.readRecordsToList();
        assertThat(dlq).hasSize(1);
        TestRecord<String, byte[]> r = dlq.get(0);
        assertThat(header(r, DeadLetterHeaders.REASON)).isEqualTo(reason.name());
        assertThat(header(r, DeadLetterHeaders.MESSAGE)).isNotBlank().doesNotContain(MARKER);
        assertThat(header(r, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(governance.topics().ingest());
        assertThat(header(r, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(r, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("1");
        assertThat(header(r, EnvelopeHeaders.DEPARTMENT)).isEqualTo(EncryptionContext.QUARANTINE_DEPARTMENT);
        assertThat(r.key()).isEqualTo(IngestParser.derivedEventId(governance.topics().ingest(), 0, 1));
        assertThat(counters.deadLettered(reason)).isEqualTo(1);
        assertThat(counters.deadLettered()).isEqualTo(1);

        Envelope env = EnvelopeSerde.fromBytes(r.value());
        assertThat(env.getDepartment()).isEqualTo(EncryptionContext.QUARANTINE_DEPARTMENT);
        // The security auditor (quarantine reader) recovers the exact ingest bytes; department readers cannot.
        byte[] raw = readerOf("security-auditor").open(env, governance.topics().deadLetter());
        assertThat(raw).isEqualTo(input == null ? new byte[0] : input.getBytes(UTF_8));
        assertThatThrownBy(() -> readerOf("finance-consumer").open(env, governance.topics().deadLetter()))
                .isInstanceOf(KmsAccessDeniedException.class);
    }

    @Test
    void noPlaintextInAnyOutputKeyValueOrHeader() {
        start(keys);
        List<String> inputs = new ArrayList<>();
        inputs.add("{\"department\":\"finance\",\"data\":\"" + MARKER + "\"}");
        inputs.add("{\"department\":\"sales\",\"data\":{\"k\":\"" + MARKER + "\"},\"eventId\":\"e9\"}");
        invalidInputs().map(a -> (String) a.get()[1]).forEach(inputs::add);
        inputs.forEach(this::pipe);

        List<TestRecord<String, byte[]>> all = new ArrayList<>(shared.readRecordsToList());
        all.addAll(deadLetter.readRecordsToList());
        assertThat(all).hasSize(inputs.size());
        byte[] marker = MARKER.getBytes(UTF_8);
        for (TestRecord<String, byte[]> r : all) {
            assertThat(r.key()).doesNotContain(MARKER);
            assertThat(indexOf(r.value(), marker)).as("value of %s", r.key()).isEqualTo(-1);
            for (Header h : r.headers()) {
                assertThat(h.key()).doesNotContain(MARKER);
                assertThat(indexOf(h.value(), marker)).as("header %s", h.key()).isEqualTo(-1);
            }
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; haystack != null && i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void transientKmsFailureIsRetriedUntilKmsAnswersAndTheRecordGoesThroughExactlyOnce() {
        FlakyKeyringProvider flaky = new FlakyKeyringProvider(keys, 4);
        start(flaky);
        pipe("{\"department\":\"finance\",\"data\":\"" + MARKER + "\"}");
        pipe("{\"department\":\"finance\",\"data\":\"second\"}");

        List<TestRecord<String, byte[]>> out = shared.readRecordsToList();
        assertThat(out).hasSize(2);
        assertThat(readerOf("finance-consumer").open(EnvelopeSerde.fromBytes(out.get(0).value()), governance.topics().shared()))
                .isEqualTo(MARKER.getBytes(UTF_8));
        assertThat(deadLetter.isEmpty()).isTrue();
        assertThat(counters.kmsRetries()).isEqualTo(4);
        assertThat(counters.sealed()).isEqualTo(2);
        assertThat(flaky.calls()).isEqualTo(5); // 4 failures, 1 success; the data key is then reused
    }

    @Test
    void transientKmsFailureWhileDeadLetteringIsRetriedToo() {
        start(new FlakyKeyringProvider(keys, 2));
        pipe("not json");
        assertThat(deadLetter.readRecordsToList()).hasSize(1);
        assertThat(counters.kmsRetries()).isEqualTo(2);
    }

    @Test
    void accessDeniedOnEncryptStopsTheAppWithoutOutput() throws Exception {
        // The encryptor's credentials can use only the quarantine key: a configuration error for finance.
        start(keys.restrictedTo(List.of(governance.quarantine().key())));
        assertThatThrownBy(() -> pipe("{\"department\":\"finance\",\"data\":\"" + MARKER + "\"}"))
                .isInstanceOf(StreamsException.class)
                .satisfies(e -> assertThat(EncryptorApp.isConfigurationError(e)).isTrue())
                .satisfies(e -> assertThat(EncryptorApp.describeFailure(e)).contains("configuration error")
                        .contains(governance.department("finance").key().toString()).doesNotContain(MARKER));
        assertThat(shared.isEmpty()).isTrue();
        assertThat(deadLetter.isEmpty()).isTrue();
        assertThat(counters.sealed()).isZero();
    }

    @Test
    void onlyKmsAccessDeniedIsAConfigurationErrorAndOtherFailuresAreExplainedPlainly() {
        var denied = new KmsAccessDeniedException("arn:aws:kms:us-east-1:111122223333:key/k", "not authorized", new RuntimeException("sdk"));
        assertThat(EncryptorApp.isConfigurationError(new StreamsException(new StreamsException(denied)))).isTrue();
        assertThat(EncryptorApp.isConfigurationError(new StreamsException(new EnvelopeException("tampered")))).isFalse();
        assertThat(EncryptorApp.describeFailure(new StreamsException(new EnvelopeException("tampered"))))
                .isEqualTo("EnvelopeException: tampered");
    }

    @Test
    void accessDeniedMakesTheStreamsHandlerShutDownTheWholeApplication() throws Exception {
        Properties props = EncryptorApp.streamsProperties(cfg.withBootstrapServers("127.0.0.1:1")); // never connects
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        Sealer s = Sealer.create(governance, keys, cfg.sealer());
        var closing = new java.util.concurrent.atomic.AtomicBoolean();
        try (StreamsLifecycle lifecycle = new StreamsLifecycle("encryptor",
                EncryptorApp.topology(cfg, s, new EncryptorCounters(), closing::get), props, closing,
                EncryptorApp::isConfigurationError)) {
            var denied = new StreamsException(new KmsAccessDeniedException("arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-finance",
                    "User: encryptor is not authorized to perform: kms:GenerateDataKey", null));
            assertThat(lifecycle.respond(denied, EncryptorApp::isConfigurationError))
                    .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_APPLICATION);
            assertThat(lifecycle.failure()).containsSame(denied);
            assertThat(lifecycle.respond(new StreamsException("boom"), EncryptorApp::isConfigurationError))
                    .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
            assertThat(lifecycle.failure()).containsSame(denied); // the first failure is kept
        }
    }

    @Test
    void streamsPropertiesUseExactlyOnceAndTunedBatchingAndApplyPassthrough() throws Exception {
        EncryptorConfig c = config(Map.of("streams.num.stream.threads", "2", "producer.linger.ms", "5",
                "consumer.fetch.max.bytes", "1048576"));
        Properties p = EncryptorApp.streamsProperties(c);
        assertThat(p.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(p.getProperty("batch.size")).isEqualTo("262144");
        assertThat(p.getProperty("linger.ms")).isEqualTo("20");
        assertThat(p.getProperty("producer.linger.ms")).isEqualTo("5");
        assertThat(p.getProperty("num.stream.threads")).isEqualTo("2");
        assertThat(p.getProperty("consumer.fetch.max.bytes")).isEqualTo("1048576");
        assertThat(p.getProperty(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("deptcrypt-encryptor");
        new StreamsConfig(p); // Kafka accepts it
    }
}
