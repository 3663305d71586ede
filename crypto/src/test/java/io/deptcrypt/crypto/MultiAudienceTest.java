package io.deptcrypt.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.EncryptionContext;
import io.deptcrypt.governance.EventType;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.governance.KmsArn;
import io.deptcrypt.testkit.InMemoryKeysTopic;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestEventTypes;
import io.deptcrypt.testkit.TestGovernance;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One event for several audiences (docs/event-types.md), sealed into one AES_GCM_V2 record and opened by each
 * audience with the KMS credentials its key policy gives it ({@link FakeKms}: a key accepts only its own
 * department's encryption context, as the generated key policies do).
 */
class MultiAudienceTest {

    static final String TOPIC = TestGovernance.SHARED;
    /** As the encryptor parses events: decimals keep their written form. */
    static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES).build();
    static final String EVENT = """
            {"amount": 12.50, "customer": "ACME GmbH", "iban": "DE89370400440532013000",
             "invoice": {"number": "INV-7", "due": "2027-01-31"}, "bonus": 300, "note": "Q4"}""";

    final Governance governance = TestEventTypes.governance();
    final EventType dealWon = TestEventTypes.dealWon();
    final FakeKms kms = new FakeKms();
    final String financeKey = kms.createKey(TestGovernance.FINANCE.toString(), "finance");
    final String salesKey = kms.createKey(TestGovernance.SALES.toString(), "sales");
    final String hrKey = kms.createKey(TestEventTypes.HR.toString(), "hr");
    final String legalKey = kms.createKey(TestEventTypes.LEGAL.toString(), "legal");
    final String quarantineKey = kms.createKey(TestGovernance.QUARANTINE.toString(),
            EncryptionContext.QUARANTINE_DEPARTMENT);
    final KmsKeyringProvider encryptor = new KmsKeyringProvider(kms.client("deptcrypt-encryptor", Set.of(
            TestGovernance.FINANCE.toString(), TestGovernance.SALES.toString(), TestEventTypes.HR.toString(),
            TestEventTypes.LEGAL.toString(), TestGovernance.QUARANTINE.toString())), governance);
    final InMemoryKeysTopic keysTopic = new InMemoryKeysTopic();
    Sealer sealer;

    @BeforeEach
    void setUp() {
        sealer = Sealer.create(governance, encryptor, SealerConfig.defaults().withFormat(EnvelopeFormatId.AES_GCM_V2),
                keysTopic);
    }

    Opener reader(String department) {
        String key = switch (department) {
            case "finance" -> TestGovernance.FINANCE.toString();
            case "sales" -> TestGovernance.SALES.toString();
            case "hr" -> TestEventTypes.HR.toString();
            default -> TestEventTypes.LEGAL.toString();
        };
        return Opener.create(new KmsKeyringProvider(kms.client(department + "-consumer", Set.of(key)), governance),
                OpenerConfig.defaults(), keysTopic);
    }

    byte[] seal(String eventId, String event, RecordHeaders headers) throws Exception {
        List<RecordPart> parts = FieldParts.split(JSON.readTree(event), dealWon);
        return sealer.sealParts(eventId, TOPIC, 1_767_225_600_000L, "application/json", parts, headers);
    }

    static JsonNode json(byte[] b) throws Exception {
        return JSON.readTree(b);
    }

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void oneRecordEachAudienceOpensExactlyItsFields() throws Exception {
        RecordHeaders headers = new RecordHeaders();
        byte[] value = seal("deal-1", EVENT, headers);
        byte[] header = EnvelopeHeaders.audience(headers);
        assertThat(new String(header, StandardCharsets.UTF_8)).isEqualTo("finance,hr,sales");
        assertThat(CleartextFields.read(value).dataKeys()).hasSize(4); // rest, finance, sales, hr+sales

        OpenedRecord finance = reader("finance").open(TOPIC, value, "finance", header);
        assertThat(json(finance.plaintext())).isEqualTo(json("""
                {"amount": 12.50, "invoice": {"due": "2027-01-31", "number": "INV-7"}, "note": "Q4",
                 "iban": "DE89370400440532013000"}"""));
        assertThat(finance.withheldFields()).containsExactly("/customer", "/bonus");
        assertThat(finance.audiences()).containsExactly("finance", "hr", "sales");

        OpenedRecord sales = reader("sales").open(TOPIC, value, "sales", header);
        assertThat(json(sales.plaintext())).isEqualTo(json("""
                {"amount": 12.50, "invoice": {"due": "2027-01-31"}, "note": "Q4", "customer": "ACME GmbH",
                 "bonus": 300}"""));
        assertThat(sales.withheldFields()).containsExactly("/iban", "/invoice/number");

        OpenedRecord hr = reader("hr").open(TOPIC, value, "hr", header);
        assertThat(json(hr.plaintext())).isEqualTo(json("""
                {"amount": 12.50, "invoice": {"due": "2027-01-31"}, "note": "Q4", "bonus": 300}"""));
        assertThat(hr.withheldFields()).containsExactly("/iban", "/invoice/number", "/customer");

        // the shared amount keeps its written form; no reader's output holds another group's bytes
        assertThat(new String(sales.plaintext(), StandardCharsets.UTF_8)).contains("12.50")
                .doesNotContain("DE89").doesNotContain("INV-7");
        assertThat(new String(hr.plaintext(), StandardCharsets.UTF_8)).doesNotContain("ACME");
    }

    @Test
    void aNonAudienceIsNotForItAndAnAudienceWithoutTheKeyIsRefusedByKms() throws Exception {
        RecordHeaders headers = new RecordHeaders();
        byte[] value = seal("deal-2", EVENT, headers);
        Opener legal = reader("legal");
        assertThatThrownBy(() -> legal.open(TOPIC, value, "legal", EnvelopeHeaders.audience(headers)))
                .isInstanceOf(NotForReaderException.class).hasMessageContaining("[finance, hr, sales]");
        assertThat(legal.kmsCalls().decrypt()).isZero();

        // sales' credentials asking for finance's parts: KMS refuses (finance's key policy, FakeKms here)
        Opener salesCredentials = reader("sales");
        assertThatThrownBy(() -> salesCredentials.open(TOPIC, value, "finance", null))
                .isInstanceOf(KmsAccessDeniedException.class);
        // and finance's credentials on sales' field group: refused too
        Opener financeCredentials = reader("finance");
        assertThatThrownBy(() -> financeCredentials.open(TOPIC, value, "sales", null))
                .isInstanceOf(KmsAccessDeniedException.class);
    }

    @Test
    void withTheRawAesTestKeyringsEachAudienceIsRefusedTheOthersFieldGroup() throws Exception {
        RawAesKeyringProvider all = RawAesKeyringProvider.generate(governance);
        InMemoryKeysTopic keys = new InMemoryKeysTopic();
        Sealer raw = Sealer.create(governance, all, SealerConfig.defaults().withFormat(EnvelopeFormatId.AES_GCM_V2),
                keys);
        byte[] value = raw.sealParts("deal-raw", TOPIC, 1L, "application/json",
                FieldParts.split(JSON.readTree(EVENT), dealWon), new RecordHeaders());
        Opener sales = Opener.create(all.readerFor(governance, "sales-consumer"), OpenerConfig.defaults(), keys);
        Opener finance = Opener.create(all.readerFor(governance, "finance-consumer"), OpenerConfig.defaults(), keys);
        assertThat(json(sales.open(TOPIC, value, "sales", null).plaintext()).has("customer")).isTrue();
        assertThat(json(finance.open(TOPIC, value, "finance", null).plaintext()).has("iban")).isTrue();
        assertThatThrownBy(() -> sales.open(TOPIC, value, "finance", null))
                .isInstanceOf(KmsAccessDeniedException.class);
        assertThatThrownBy(() -> finance.open(TOPIC, value, "sales", null))
                .isInstanceOf(KmsAccessDeniedException.class);
    }

    @Test
    void kmsCallsAreOnePerAudienceSetPerDataKeyLifetime() throws Exception {
        for (int i = 0; i < 20; i++) {
            seal("deal-" + i, EVENT, new RecordHeaders());
        }
        // audience sets {finance,hr,sales}, {finance}, {sales}, {hr,sales}: one GenerateDataKey each, one Encrypt
        // per further audience (2 + 1)
        assertThat(sealer.kmsCalls()).isEqualTo(new KmsCallCounts(4, 3, 0));
        assertThat(keysTopic.published()).extracting(PublishedDataKey::audiences).containsExactlyInAnyOrder(
                List.of("finance", "hr", "sales"), List.of("finance"), List.of("sales"), List.of("hr", "sales"));
        for (PublishedDataKey k : keysTopic.published()) {
            assertThat(k.wrappedKeys()).extracting(AudienceWrappedKey::audience)
                    .containsExactlyElementsOf(k.audiences());
        }
        // a finance-only record shares the {finance} data key: no new KMS call
        sealer.sealRecord(new SealContext("finance", "single-1", TOPIC, 1L, "application/json"), "{}".getBytes(),
                new RecordHeaders());
        assertThat(sealer.kmsCalls()).isEqualTo(new KmsCallCounts(4, 3, 0));

        Opener finance = reader("finance");
        for (int i = 0; i < 20; i++) {
            finance.open(TOPIC, seal("again-" + i, EVENT, new RecordHeaders()), "finance", null);
        }
        assertThat(finance.kmsCalls().decrypt()).as("one Decrypt per data key it reads: rest and finance's").isEqualTo(2);
    }

    @Test
    void aNewKeyForOneAudienceRetiresTheDataKeysOfEverySetItIsIn() throws Exception {
        KmsArn hr2 = KmsArn.parse("arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-hr-2");
        Governance next = GovernanceLoader.parse(TestEventTypes.YAML.replace("alias/deptcrypt-hr\n",
                "alias/deptcrypt-hr-2\n"), "next.yaml");
        assertThat(next.department("hr").key()).isEqualTo(hr2);
        Map<KmsArn, byte[]> wrapping = new HashMap<>();
        Random random = new Random(1);
        for (KmsArn k : List.of(TestGovernance.FINANCE, TestGovernance.SALES, TestEventTypes.HR, hr2,
                TestEventTypes.LEGAL, TestGovernance.QUARANTINE)) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            wrapping.put(k, key);
        }
        RawAesKeyringProvider raw = new RawAesKeyringProvider(wrapping);
        InMemoryKeysTopic keys = new InMemoryKeysTopic();
        Sealer s = Sealer.create(governance, raw, SealerConfig.defaults().withFormat(EnvelopeFormatId.AES_GCM_V2), keys);
        List<RecordPart> parts = FieldParts.split(JSON.readTree(EVENT), dealWon);
        s.sealParts("before", TOPIC, 1L, "application/json", parts, new RecordHeaders());
        assertThat(raw.kmsCalls()).isEqualTo(new KmsCallCounts(4, 3, 0));
        s.update(next);
        byte[] after = s.sealParts("after", TOPIC, 1L, "application/json", parts, new RecordHeaders());
        // {finance,hr,sales} and {hr,sales} get new keys (GenerateDataKey + 2, + 1 Encrypt); {finance}, {sales} keep theirs
        assertThat(raw.kmsCalls()).isEqualTo(new KmsCallCounts(6, 6, 0));
        PublishedDataKey rest = keys.published().get(keys.published().size() - 2);
        assertThat(rest.audiences()).containsExactly("finance", "hr", "sales");
        assertThat(rest.wrappedKeysFor("hr").get(0).keyText()).contains("alias/deptcrypt-hr-2");
        Opener hr = Opener.create(raw.restrictedTo(List.of(hr2)), OpenerConfig.defaults(), keys);
        assertThat(json(hr.open(TOPIC, after, "hr", null).plaintext()).get("bonus").asInt()).isEqualTo(300);
        s.close();
    }

    @Test
    void aTypeWithoutFieldRulesOrAnEventWithoutGroupedFieldsIsOneWholeEventPart() throws Exception {
        List<RecordPart> hire = FieldParts.split(json("{\"name\": \"Ada\", \"salary\": 1}"), TestEventTypes.hire());
        assertThat(hire).hasSize(1);
        assertThat(hire.get(0).fields()).isEmpty();
        RecordHeaders headers = new RecordHeaders();
        byte[] value = sealer.sealParts("hire-1", TOPIC, 1L, "application/json", hire, headers);
        assertThat(new String(EnvelopeHeaders.audience(headers), StandardCharsets.UTF_8)).isEqualTo("finance,hr");
        for (String d : List.of("finance", "hr")) {
            OpenedRecord o = reader(d).open(TOPIC, value, d, EnvelopeHeaders.audience(headers));
            assertThat(json(o.plaintext())).isEqualTo(json("{\"name\": \"Ada\", \"salary\": 1}"));
            assertThat(o.withheldFields()).isEmpty();
        }
        assertThat(FieldParts.split(json("{\"amount\": 1}"), dealWon)).singleElement()
                .satisfies(p -> assertThat(p.audiences()).containsExactly("finance", "hr", "sales"));
    }

    @Test
    void dataThatDoesNotFitTheFieldRulesIsRefusedWithoutQuotingIt() throws Exception {
        assertThatThrownBy(() -> FieldParts.split(json("[1, 2]"), dealWon))
                .isInstanceOf(FieldParts.MismatchException.class).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> FieldParts.split(json("{\"invoice\": [\"INV-9\"]}"), dealWon))
                .isInstanceOf(FieldParts.MismatchException.class)
                .hasMessageContaining("/invoice/number goes through a JSON array").hasMessageNotContaining("INV-9");
    }

    // ---- tampering: every change to the part table or the parts fails authentication

    /** A record taken apart: the bytes before the part table's entries, each entry, each ciphertext. */
    record Parts(byte[] head, List<byte[]> entries, List<byte[]> ciphertexts) {
        static Parts of(byte[] value) {
            AesGcmV2.Layout l = AesGcmV2.parse(value, TOPIC);
            int first = l.keyIdOffset(0);
            List<byte[]> entries = new ArrayList<>();
            List<byte[]> cts = new ArrayList<>();
            for (int k = 0; k < l.partCount(); k++) {
                int end = k + 1 < l.partCount() ? l.keyIdOffset(k + 1) : l.headerLength();
                entries.add(Arrays.copyOfRange(value, l.keyIdOffset(k), end));
                cts.add(Arrays.copyOfRange(value, l.ciphertextOffset(k), l.ciphertextOffset(k) + l.ciphertextLength(k)));
            }
            return new Parts(Arrays.copyOf(value, first), entries, cts);
        }

        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(Arrays.copyOf(head, head.length - 1));
            out.write(entries.size());
            entries.forEach(out::writeBytes);
            ciphertexts.forEach(out::writeBytes);
            return out.toByteArray();
        }

        Parts swap(int a, int b) {
            List<byte[]> e = new ArrayList<>(entries);
            List<byte[]> c = new ArrayList<>(ciphertexts);
            e.set(a, entries.get(b));
            e.set(b, entries.get(a));
            c.set(a, ciphertexts.get(b));
            c.set(b, ciphertexts.get(a));
            return new Parts(head, e, c);
        }

        Parts drop(int k) {
            List<byte[]> e = new ArrayList<>(entries);
            List<byte[]> c = new ArrayList<>(ciphertexts);
            e.remove(k);
            c.remove(k);
            return new Parts(head, e, c);
        }

        Parts withPart(int k, Parts from, int j) {
            List<byte[]> e = new ArrayList<>(entries);
            List<byte[]> c = new ArrayList<>(ciphertexts);
            e.set(k, from.entries.get(j));
            c.set(k, from.ciphertexts.get(j));
            return new Parts(head, e, c);
        }
    }

    static byte[] replaceOnce(byte[] value, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        assertThat(t).hasSameSizeAs(f);
        for (int i = 0; i + f.length <= value.length; i++) {
            if (Arrays.equals(value, i, i + f.length, f, 0, f.length)) {
                byte[] out = value.clone();
                System.arraycopy(t, 0, out, i, t.length);
                return out;
            }
        }
        throw new AssertionError(from + " not in the record");
    }

    @Test
    void everyTamperingOfTheFieldGroupsIsRefused() throws Exception {
        byte[] value = seal("deal-t", EVENT, new RecordHeaders());
        byte[] other = seal("deal-u", EVENT, new RecordHeaders()); // another event, same data keys
        Parts p = Parts.of(value);
        assertThat(p.entries()).hasSize(4);
        Opener finance = reader("finance");
        Opener sales = reader("sales");
        assertThat(finance.open(TOPIC, p.bytes(), "finance", null).withheldFields()).as("the harness rebuilds the"
                + " record as it was").containsExactly("/customer", "/bonus");

        List<byte[]> tampered = List.of(
                p.swap(1, 2).bytes(),                            // finance's and sales' groups swap places
                p.drop(2).bytes(),                               // sales' group dropped
                p.drop(3).bytes(),                               // hr+sales' group dropped
                replaceOnce(value, "/iban", "/iBan"),            // a group's field renamed
                replaceOnce(value, "/customer", "/customex"),     // another group's field renamed
                p.withPart(1, Parts.of(other), 1).bytes(),       // finance's group taken from another event
                p.withPart(2, Parts.of(other), 2).bytes());      // sales' group taken from another event
        for (byte[] t : tampered) {
            assertThatThrownBy(() -> finance.open(TOPIC, t, "finance", null)).isInstanceOf(EnvelopeException.class)
                    .hasMessageContaining("failed authentication");
            assertThatThrownBy(() -> sales.open(TOPIC, t, "sales", null)).isInstanceOf(EnvelopeException.class)
                    .hasMessageContaining("failed authentication");
        }
        // a group in the rest's place: refused before any KMS call
        assertThatThrownBy(() -> finance.open(TOPIC, p.swap(0, 1).bytes(), "finance", null))
                .isInstanceOf(EnvelopeException.class).hasMessageContaining("must be part 0");
        // a group's ciphertext changed: its readers refuse it
        byte[] flipped = value.clone();
        AesGcmV2.Layout l = AesGcmV2.parse(value, TOPIC);
        flipped[l.ciphertextOffset(1) + 3] ^= 1;
        assertThatThrownBy(() -> finance.open(TOPIC, flipped, "finance", null))
                .hasMessageContaining("failed authentication");
        // the record moved to another topic
        assertThatThrownBy(() -> finance.open(TOPIC + ".copy", value, "finance", null))
                .hasMessageContaining("failed authentication");
        // a field of one group listed again in another: refused before any KMS call
        byte[] twice = replaceOnce(value, "/customer", "/iban\0\0\0\0");
        assertThatThrownBy(() -> reader("hr").open(TOPIC, twice, "hr", null))
                .isInstanceOf(EnvelopeException.class);
    }

    @Test
    void partsThatBreakTheFormatsRulesAreRefusedNamingTheRule() {
        RecordPart whole = new RecordPart(new TreeSet<>(Set.of("finance")), List.of(), new byte[1]);
        RecordPart iban = new RecordPart(new TreeSet<>(Set.of("finance")), List.of("/iban"), new byte[1]);
        assertThatThrownBy(() -> sealer.sealParts("e", TOPIC, 1L, "application/json", List.of(), new RecordHeaders()))
                .hasMessageContaining("a record has 1 to 16 parts, not 0");
        List<RecordPart> seventeen = Collections.nCopies(17, iban);
        assertThatThrownBy(() -> sealer.sealParts("e", TOPIC, 1L, "application/json", seventeen, new RecordHeaders()))
                .hasMessageContaining("not 17");
        assertThatThrownBy(() -> sealer.sealParts("e", TOPIC, 1L, "application/json", List.of(iban, whole),
                new RecordHeaders())).hasMessageContaining("part 1 of a record of 2 parts names no fields");
        RecordPart longName = new RecordPart(new TreeSet<>(Set.of("finance")), List.of("/" + "x".repeat(255)),
                new byte[1]);
        assertThatThrownBy(() -> sealer.sealParts("e", TOPIC, 1L, "application/json", List.of(longName),
                new RecordHeaders())).hasMessageContaining("longer than 255 UTF-8 bytes");
        RecordPart unknown = new RecordPart(new TreeSet<>(Set.of("marketing")), List.of(), new byte[1]);
        assertThatThrownBy(() -> sealer.sealParts("e", TOPIC, 1L, "application/json", List.of(unknown),
                new RecordHeaders())).isInstanceOf(EnvelopeException.class).hasMessageContaining("'marketing'");
        Sealer v1 = Sealer.create(governance, encryptor, SealerConfig.defaults());
        assertThatThrownBy(() -> v1.sealParts("e", TOPIC, 1L, "application/json", List.of(whole), new RecordHeaders()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("need AES_GCM_V2");
    }

    @Test
    void aLyingAudienceHeaderIsRefused() throws Exception {
        byte[] value = seal("deal-h", EVENT, new RecordHeaders());
        assertThatThrownBy(() -> reader("finance").open(TOPIC, value, "finance", "finance".getBytes()))
                .hasMessageContaining("deptcrypt.audience header says 'finance'");
    }

    @Test
    void theOpenerOfSingleAudienceRecordsStillTakesItsFastPath() throws Exception {
        Opener finance = reader("finance");
        RecordHeaders h = new RecordHeaders();
        SealContext ctx = new SealContext("finance", "s-1", TOPIC, 1L, "application/json");
        byte[] one = sealer.sealRecord(ctx, "{\"a\": 1}".getBytes(), h);
        finance.open(TOPIC, one, "finance", EnvelopeHeaders.audience(h));
        int lookups = keysTopic.lookups();
        for (int i = 0; i < 10; i++) {
            assertThat(finance.open(TOPIC, one, "finance", EnvelopeHeaders.audience(h)).withheldFields()).isEmpty();
        }
        assertThat(keysTopic.lookups()).as("no directory lookup per record").isEqualTo(lookups);
    }
}
