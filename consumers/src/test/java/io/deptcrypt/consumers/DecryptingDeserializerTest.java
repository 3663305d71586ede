package io.deptcrypt.consumers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.crypto.EnvelopeHeaders;
import io.deptcrypt.crypto.EnvelopeSerde;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.OpenerConfig;
import io.deptcrypt.crypto.SealContext;
import io.deptcrypt.crypto.Sealer;
import io.deptcrypt.crypto.SealerConfig;
import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.runtime.InvalidConfigException;
import io.deptcrypt.runtime.KmsRetry;
import io.deptcrypt.testkit.FlakyKeyringProvider;
import io.deptcrypt.testkit.InMemoryKeysTopic;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestGovernance;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DecryptingDeserializerTest {

    static final String TOPIC = "deptcrypt.shared";
    static final KmsRetry FAST = new KmsRetry(Duration.ofMillis(1), Duration.ofMillis(2));

    Governance governance;
    RawAesKeyringProvider keys;
    Sealer sealer;
    Opener finance;

    @BeforeEach
    void setUp() throws Exception {
        governance = GovernanceLoader.load(TestGovernance.file());
        keys = RawAesKeyringProvider.generate(governance);
        sealer = Sealer.create(governance, keys, SealerConfig.defaults());
        finance = Opener.create(keys.readerFor(governance, "finance-consumer"), OpenerConfig.defaults());
    }

    @AfterEach
    void tearDown() {
        sealer.close();
    }

    Envelope seal(String department, String text) {
        return sealer.seal(new SealContext(department, department + "-1", TOPIC, 5L, "text/plain"), text.getBytes(UTF_8));
    }

    static Headers headersOf(Envelope env) {
        Headers h = new RecordHeaders();
        EnvelopeHeaders.write(h, env);
        return h;
    }

    @Test
    void opensCompactRecordsByAudienceHeaderAndPassesOverOthers() {
        InMemoryKeysTopic keysTopic = new InMemoryKeysTopic();
        RawAesKeyringProvider financeKeys = keys.readerFor(governance, "finance-consumer");
        try (Sealer compact = Sealer.create(governance, keys,
                SealerConfig.defaults().withFormat(EnvelopeFormatId.AES_GCM_V2), keysTopic);
             Opener reader = Opener.create(financeKeys, OpenerConfig.defaults(), keysTopic);
             DecryptingDeserializer d = new DecryptingDeserializer(reader, "finance", FAST, FailureAction.FAIL)) {
            Headers fh = new RecordHeaders();
            byte[] f = compact.sealRecord(new SealContext("finance", "f-1", TOPIC, 5L, "text/plain"),
                    "ledger".getBytes(UTF_8), fh);
            Headers sh = new RecordHeaders();
            byte[] s = compact.sealRecord(new SealContext("sales", "s-1", TOPIC, 5L, "text/plain"),
                    "deal".getBytes(UTF_8), sh);
            assertThat(d.deserialize(TOPIC, fh, f)).isEqualTo("ledger".getBytes(UTF_8));
            assertThat(d.deserialize(TOPIC, f)).isEqualTo("ledger".getBytes(UTF_8)); // no headers
            int lookups = keysTopic.lookups();
            assertThat(d.deserialize(TOPIC, sh, new byte[] {1, 2, 3})).isNull(); // by header: not decoded
            assertThat(keysTopic.lookups()).isEqualTo(lookups);
            assertThat(d.deserialize(TOPIC, s)).isNull(); // no header: read to learn it is not ours; no KMS call
            assertThat(financeKeys.kmsCalls().decrypt()).isEqualTo(1); // the finance data key, once
            assertThatThrownBy(() -> d.deserialize(TOPIC, fh, s)).isInstanceOf(SerializationException.class)
                    .hasMessageContaining("DEPARTMENT_MISMATCH").hasMessageNotContaining("deal");
        }
    }

    @Test
    void opensItsDepartmentAndReturnsNullForOthersWithoutDecodingThem() {
        try (DecryptingDeserializer d = new DecryptingDeserializer(finance, "finance", FAST, FailureAction.FAIL)) {
            Envelope f = seal("finance", "ledger");
            assertThat(d.deserialize(TOPIC, headersOf(f), EnvelopeSerde.toBytes(f))).isEqualTo("ledger".getBytes(UTF_8));
            assertThat(d.deserialize(TOPIC, EnvelopeSerde.toBytes(f))).isEqualTo("ledger".getBytes(UTF_8)); // no headers

            Headers salesHeaders = new RecordHeaders();
            salesHeaders.add(EnvelopeHeaders.DEPARTMENT, "sales".getBytes(UTF_8));
            assertThat(d.deserialize(TOPIC, salesHeaders, "garbage, never decoded".getBytes(UTF_8))).isNull();
            Envelope s = seal("sales", "deal");
            assertThat(d.deserialize(TOPIC, EnvelopeSerde.toBytes(s))).isNull(); // decoded to learn it is not ours; no KMS call
            assertThat(d.deserialize(TOPIC, headersOf(f), (byte[]) null)).isNull();
        }
    }

    @Test
    void failThrowsSerializationExceptionAndSkipReturnsNull() {
        Envelope f = seal("finance", "ledger");
        byte[] tampered = EnvelopeSerde.toBytes(f);
        tampered[tampered.length - 1] ^= 1;
        try (DecryptingDeserializer fail = new DecryptingDeserializer(finance, "finance", FAST, FailureAction.FAIL)) {
            assertThatThrownBy(() -> fail.deserialize(TOPIC, headersOf(f), tampered))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("INVALID_ENVELOPE").hasMessageContaining("finance-1");
            Envelope s = seal("sales", "deal");
            Headers lying = new RecordHeaders();
            lying.add(EnvelopeHeaders.DEPARTMENT, "finance".getBytes(UTF_8));
            assertThatThrownBy(() -> fail.deserialize(TOPIC, lying, EnvelopeSerde.toBytes(s)))
                    .hasMessageContaining("DEPARTMENT_MISMATCH");
        }
        Opener revoked = Opener.create(keys.readerFor(governance, "sales-consumer"), OpenerConfig.defaults());
        try (DecryptingDeserializer skip = new DecryptingDeserializer(revoked, "finance", FAST, FailureAction.SKIP)) {
            assertThat(skip.deserialize(TOPIC, headersOf(f), EnvelopeSerde.toBytes(f))).isNull(); // access denied
            assertThat(skip.deserialize(TOPIC, headersOf(f), tampered)).isNull();
            assertThat(skip.skipped()).isEqualTo(2);
        }
    }

    @Test
    void transientKmsFailureIsRetried() {
        Opener flaky = Opener.create(new FlakyKeyringProvider(keys.readerFor(governance, "finance-consumer"), 2), OpenerConfig.defaults());
        Envelope f = seal("finance", "ledger");
        try (DecryptingDeserializer d = new DecryptingDeserializer(flaky, "finance", FAST, FailureAction.FAIL)) {
            assertThat(d.deserialize(TOPIC, headersOf(f), EnvelopeSerde.toBytes(f))).isEqualTo("ledger".getBytes(UTF_8));
            assertThat(d.kmsRetries()).isEqualTo(2);
        }
    }

    @Test
    void configuresFromConsumerPropertiesAndRejectsBadOnes() throws Exception {
        Map<String, Object> props = new HashMap<>(Map.of(
                "bootstrap.servers", "127.0.0.1:1", // the keys-topic reader never gets there: no record needs it
                DecryptingDeserializer.DEPARTMENT, "finance",
                DecryptingDeserializer.GOVERNANCE_FILE, TestGovernance.file().toString(),
                DecryptingDeserializer.APPLICATION_NAME, "finance-consumer",
                "deptcrypt.kms.endpoint", "http://127.0.0.1:1",
                "deptcrypt.aws.access.key.id", "AKID",
                "deptcrypt.aws.secret.access.key", "secret"));
        try (DecryptingDeserializer d = new DecryptingDeserializer()) {
            d.configure(props, false);
            Headers sales = new RecordHeaders();
            sales.add(EnvelopeHeaders.DEPARTMENT, "sales".getBytes(UTF_8));
            assertThat(d.deserialize(TOPIC, sales, new byte[] {1, 2, 3})).isNull();
        }

        props.put(DecryptingDeserializer.APPLICATION_NAME, "sales-consumer");
        assertThatThrownBy(() -> new DecryptingDeserializer().configure(props, false))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("does not let application 'sales-consumer' read department 'finance'");
        props.remove(DecryptingDeserializer.APPLICATION_NAME);
        props.put("deptcrypt.colour", "blue");
        assertThatThrownBy(() -> new DecryptingDeserializer().configure(props, false)).hasMessageContaining("colour: unknown key");
        props.remove("deptcrypt.colour");
        props.remove(DecryptingDeserializer.DEPARTMENT);
        assertThatThrownBy(() -> new DecryptingDeserializer().configure(props, false)).hasMessageContaining("department: is missing");
        assertThatThrownBy(() -> new DecryptingDeserializer().deserialize(TOPIC, new byte[1]))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not configured");
    }
}
