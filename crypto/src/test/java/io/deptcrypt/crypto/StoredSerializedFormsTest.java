package io.deptcrypt.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.encryptionsdk.ParsedCiphertext;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.EncryptionContext;
import io.deptcrypt.governance.EventType;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.governance.KmsArn;
import io.deptcrypt.testkit.InMemoryKeysTopic;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestGovernance;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.model.AlgorithmSuiteId;
import software.amazon.cryptography.materialproviders.model.EncryptedDataKey;
import software.amazon.cryptography.materialproviders.model.EncryptionMaterials;
import software.amazon.cryptography.materialproviders.model.InitializeEncryptionMaterialsInput;
import software.amazon.cryptography.materialproviders.model.OnDecryptInput;
import software.amazon.cryptography.materialproviders.model.OnDecryptOutput;
import software.amazon.cryptography.materialproviders.model.OnEncryptInput;
import software.amazon.cryptography.materialproviders.model.OnEncryptOutput;

/**
 * One stored record value per format in {@code src/test/resources/serialization/<format>.hex}, so that a change of
 * the bytes the encryptor writes shows up as a diff of those files.
 * <p>
 * Fixed inputs: the public raw AES wrapping key of docs/wire-format.md's example, the data key {@link #DATA_KEY}, the
 * nonce masks of {@code new Random(NONCE_MASK_SEED)}, the context {@link #CTX} and {@link #PLAINTEXT}. The raw AES
 * keyring wraps under a random IV, so the wrapped key is the one input taken from the stored form; opening it with the
 * raw AES keyring must give {@link #DATA_KEY}.
 * <ul>
 *   <li>Each stored form opens, with the raw AES test keyring, to the plaintext.</li>
 *   <li>AES_GCM_V1 is deterministic given those inputs: re-sealing gives the stored bytes exactly.</li>
 *   <li>ESDK_MESSAGE_V1 is compared structurally: the ESDK draws the 32-byte message id from its own SecureRandom,
 *       with no seam, and the header tag and frame ciphertext depend on it. Everything else must match: the envelope
 *       fields, the message's version, suite, encryption context, encrypted data keys, content type, frame length and
 *       total length.</li>
 * </ul>
 * Every run writes the freshly sealed forms to {@code target/serialization/}. After an intended format change, copy
 * them over the stored ones (and commit the diff).
 */
class StoredSerializedFormsTest {

    static final byte[] WRAPPING_KEY = WireFormatExampleTest.WRAPPING_KEY;
    static final byte[] DATA_KEY = HexFormat.of().parseHex(
            "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
    static final long NONCE_MASK_SEED = 20_260_101L;
    static final String TOPIC = TestGovernance.SHARED;
    static final SealContext CTX = new SealContext("finance", "stored-form-1", TOPIC, 1_767_225_600_000L,
            "application/json");
    static final byte[] PLAINTEXT = "{\"amount\": 42, \"currency\": \"EUR\"}".getBytes(StandardCharsets.UTF_8);
    static final KmsArn FINANCE = TestGovernance.FINANCE;
    /** When the AES_GCM_V2 stored form's data key was "generated" (its key record says so). */
    static final long CREATED_AT = 1_767_225_600_000L;

    @ParameterizedTest
    @EnumSource(value = EnvelopeFormatId.class, names = {"AES_GCM_V1", "ESDK_MESSAGE_V1"}) // AES_GCM_V2: below
    void theStoredFormOpensAndResealingItsInputsGivesItBack(EnvelopeFormatId format) throws IOException {
        String name = format.name().toLowerCase(Locale.ROOT) + ".hex";
        Path stored = Path.of("src", "test", "resources", "serialization", name);
        byte[] storedValue = Files.exists(stored) ? readHex(stored) : null;
        EncryptedDataKey wrapped = storedValue != null
                ? wrappedKey(EnvelopeSerde.fromBytes(storedValue))
                : wrapDataKey(format);

        byte[] fresh = EnvelopeSerde.toBytes(sealer(format, wrapped).seal(CTX, PLAINTEXT));
        Path written = Path.of("target", "serialization", name);
        Files.createDirectories(written.getParent());
        Files.writeString(written, toHex(format, fresh));
        assertThat(storedValue).as("%s is missing: a fresh one is in %s", stored, written).isNotNull();

        // (1) the stored form opens with the raw AES test keyring, and its wrapped key holds the fixed data key
        Envelope envelope = EnvelopeSerde.fromBytes(storedValue);
        Opener opener = Opener.create(new RawAesKeyringProvider(Map.of(FINANCE, WRAPPING_KEY)), OpenerConfig.defaults());
        assertThat(opener.open(envelope, TOPIC)).isEqualTo(PLAINTEXT);
        assertThat(opener.dataKeyOf(envelope).getEncoded()).isEqualTo(DATA_KEY);
        assertThat(opener.open(EnvelopeSerde.fromBytes(fresh), TOPIC)).isEqualTo(PLAINTEXT);

        // (2) re-sealing the same inputs gives the stored form
        String change = "the bytes of " + format + " changed; if that is intended, copy " + written + " to " + stored;
        if (format == EnvelopeFormatId.AES_GCM_V1) {
            assertThat(HexFormat.of().formatHex(fresh)).as(change).isEqualTo(HexFormat.of().formatHex(storedValue));
        } else {
            assertSameEsdkRecord(EnvelopeSerde.fromBytes(fresh), envelope, change);
        }
    }

    /**
     * AES_GCM_V2: the record value and its data key's record on the keys topic, both stored. Deterministic given the
     * inputs above plus the creation time {@link #CREATED_AT} (the data key id and then the nonce mask come from the
     * seeded Random): re-sealing gives both byte for byte.
     */
    @Test
    void theStoredCompactFormAndItsKeyRecordOpenAndResealingGivesBothBack() throws IOException {
        Path storedValueFile = Path.of("src", "test", "resources", "serialization", "aes_gcm_v2.hex");
        Path storedKeyFile = Path.of("src", "test", "resources", "serialization", "aes_gcm_v2.key-record.hex");
        byte[] storedKeyRecord = Files.exists(storedKeyFile) ? readHex(storedKeyFile) : null;
        byte[] storedValue = Files.exists(storedValueFile) ? readHex(storedValueFile) : null;
        EncryptedDataKey wrapped = storedKeyRecord != null
                ? decodeKeyRecord(storedKeyRecord).wrappedKeys().get(0).toMpl()
                : wrapDataKey(EnvelopeFormatId.AES_GCM_V2);

        InMemoryKeysTopic keysTopic = new InMemoryKeysTopic();
        Sealer sealer = Sealer.create(TestGovernance.governance(), new FixedDataKey(DATA_KEY, wrapped),
                SealerConfig.defaults().withFormat(EnvelopeFormatId.AES_GCM_V2), keysTopic, System::nanoTime,
                () -> CREATED_AT, new Random(NONCE_MASK_SEED));
        RecordHeaders headers = new RecordHeaders();
        byte[] fresh = sealer.sealRecord(CTX, PLAINTEXT, headers);
        byte[] freshKeyRecord = keysTopic.published().get(0).value();
        Path written = Path.of("target", "serialization");
        Files.createDirectories(written);
        Files.writeString(written.resolve("aes_gcm_v2.hex"), toHex("record value, format AES_GCM_V2", fresh));
        Files.writeString(written.resolve("aes_gcm_v2.key-record.hex"),
                toHex("data key record of the AES_GCM_V2 form (keys-topic value)", freshKeyRecord));
        assertThat(storedValue).as("%s is missing: a fresh one is in %s", storedValueFile, written).isNotNull();
        assertThat(storedKeyRecord).as("%s is missing: a fresh one is in %s", storedKeyFile, written).isNotNull();

        // (1) the stored record opens with the raw AES test keyring and the stored key record
        PublishedDataKey keyRecord = decodeKeyRecord(storedKeyRecord);
        InMemoryKeysTopic stored = new InMemoryKeysTopic();
        stored.put(keyRecord.key(), storedKeyRecord);
        Opener opener = Opener.create(new RawAesKeyringProvider(Map.of(FINANCE, WRAPPING_KEY)), OpenerConfig.defaults(),
                stored);
        OpenedRecord opened = opener.open(TOPIC, storedValue, "finance", "finance".getBytes(StandardCharsets.UTF_8));
        assertThat(opened.plaintext()).isEqualTo(PLAINTEXT);
        assertThat(opened.eventId()).isEqualTo(CTX.eventId());
        assertThat(opened.contentType()).isEqualTo(CTX.contentType());
        assertThat(opened.timestampMillis()).isEqualTo(CTX.timestampMillis());
        assertThat(opener.dataKeyOf(storedValue, TOPIC, "finance").getEncoded()).isEqualTo(DATA_KEY);
        assertThat(keyRecord.audiences()).containsExactly("finance");
        assertThat(keyRecord.createdAtMillis()).isEqualTo(CREATED_AT);
        assertThat(keyRecord.application()).isEqualTo("encryptor");

        // (2) re-sealing the same inputs gives both stored forms, and the audience header
        String change = "the bytes of AES_GCM_V2 changed; if that is intended, copy " + written + "/aes_gcm_v2*.hex to "
                + storedValueFile.getParent();
        assertThat(HexFormat.of().formatHex(freshKeyRecord)).as(change).isEqualTo(HexFormat.of().formatHex(storedKeyRecord));
        assertThat(HexFormat.of().formatHex(fresh)).as(change).isEqualTo(HexFormat.of().formatHex(storedValue));
        assertThat(headers.toArray()).hasSize(1);
        assertThat(headers.lastHeader(EnvelopeHeaders.AUDIENCE).value()).isEqualTo("finance".getBytes(StandardCharsets.UTF_8));
    }

    /** The event type of the multi-part stored form: finance and sales read it, /iban is finance's alone. */
    static final String PARTS_GOVERNANCE = TestGovernance.yaml() + """

            eventTypes:
              - name: deal-won
                audiences: [finance, sales]
                fields:
                  - pointer: /iban
                    audiences: [finance]
            """;
    static final byte[] PARTS_EVENT = "{\"amount\":42,\"iban\":\"DE00 1234\"}".getBytes(StandardCharsets.UTF_8);

    /**
     * AES_GCM_V2 with two parts (docs/event-types.md): the rest of the event for finance and sales, and /iban for
     * finance, each under its audience set's data key; stored with both data key records, in
     * {@code aes_gcm_v2.parts.hex}. Deterministic as the one-part form (the fixed keyring hands out the same data
     * key for both sets; ids and nonce masks come from the seeded Random, rest first).
     */
    @Test
    void theStoredMultiPartFormAndItsKeyRecordsOpenAndResealingGivesThemBack() throws IOException {
        Path storedFile = Path.of("src", "test", "resources", "serialization", "aes_gcm_v2.parts.hex");
        List<byte[]> stored = Files.exists(storedFile) ? readSections(storedFile) : null;
        EncryptedDataKey wrapped = stored != null
                ? decodeKeyRecord(stored.get(0)).wrappedKeys().get(0).toMpl()
                : wrapDataKey(EnvelopeFormatId.AES_GCM_V2);
        Governance governance = GovernanceLoader.parse(PARTS_GOVERNANCE, "stored-parts.yaml");
        EventType type = governance.findEventType("deal-won").orElseThrow();

        InMemoryKeysTopic keysTopic = new InMemoryKeysTopic();
        Sealer sealer = Sealer.create(governance, new FixedDataKey(DATA_KEY, wrapped),
                SealerConfig.defaults().withFormat(EnvelopeFormatId.AES_GCM_V2), keysTopic, System::nanoTime,
                () -> CREATED_AT, new Random(NONCE_MASK_SEED));
        RecordHeaders headers = new RecordHeaders();
        byte[] fresh = sealer.sealParts(CTX.eventId(), TOPIC, CTX.timestampMillis(), CTX.contentType(),
                FieldParts.split(new ObjectMapper().readTree(PARTS_EVENT), type), headers);
        List<PublishedDataKey> keys = keysTopic.published();
        assertThat(keys).hasSize(2);
        Path written = Path.of("target", "serialization", "aes_gcm_v2.parts.hex");
        Files.createDirectories(written.getParent());
        Files.writeString(written, toHex("data key record 1 of the AES_GCM_V2 multi-part form (keys-topic value)",
                keys.get(0).value()) + toHex("data key record 2 of the AES_GCM_V2 multi-part form (keys-topic value)",
                keys.get(1).value()) + toHex("record value, format AES_GCM_V2, two parts", fresh));
        assertThat(stored).as("%s is missing: a fresh one is in %s", storedFile, written).isNotNull();

        // (1) the stored record opens for finance with the raw AES test keyring and the stored key records
        InMemoryKeysTopic storedKeys = new InMemoryKeysTopic();
        for (byte[] k : stored.subList(0, 2)) {
            storedKeys.put(idOf(k), k);
        }
        Opener opener = Opener.create(new RawAesKeyringProvider(Map.of(FINANCE, WRAPPING_KEY)), OpenerConfig.defaults(),
                storedKeys);
        OpenedRecord opened = opener.open(TOPIC, stored.get(2), "finance",
                "finance,sales".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(opened.plaintext(), StandardCharsets.UTF_8)).isEqualTo(new String(PARTS_EVENT,
                StandardCharsets.UTF_8));
        assertThat(opened.withheldFields()).isEmpty();
        assertThat(decodeKeyRecord(stored.get(0)).audiences()).containsExactly("finance", "sales");
        assertThat(decodeKeyRecord(stored.get(1)).audiences()).containsExactly("finance");
        assertThat(CleartextFields.read(stored.get(2)).dataKeys()).containsExactly(
                decodeKeyRecord(stored.get(0)).id(), decodeKeyRecord(stored.get(1)).id());

        // (2) re-sealing the same inputs gives the stored forms
        String change = "the bytes of the AES_GCM_V2 multi-part form changed; if that is intended, copy " + written
                + " to " + storedFile;
        assertThat(HexFormat.of().formatHex(keys.get(0).value())).as(change)
                .isEqualTo(HexFormat.of().formatHex(stored.get(0)));
        assertThat(HexFormat.of().formatHex(keys.get(1).value())).as(change)
                .isEqualTo(HexFormat.of().formatHex(stored.get(1)));
        assertThat(HexFormat.of().formatHex(fresh)).as(change).isEqualTo(HexFormat.of().formatHex(stored.get(2)));
        assertThat(headers.lastHeader(EnvelopeHeaders.AUDIENCE).value())
                .isEqualTo("finance,sales".getBytes(StandardCharsets.UTF_8));
    }

    /** The hex sections of a file, each after its {@code #} line. */
    private static List<byte[]> readSections(Path file) throws IOException {
        List<byte[]> out = new ArrayList<>();
        StringBuilder hex = null;
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("#")) {
                if (hex != null) {
                    out.add(HexFormat.of().parseHex(hex.toString()));
                }
                hex = new StringBuilder();
            } else if (hex != null) {
                hex.append(line.replaceAll("\\s", ""));
            }
        }
        if (hex != null) {
            out.add(HexFormat.of().parseHex(hex.toString()));
        }
        return out;
    }

    private static PublishedDataKey decodeKeyRecord(byte[] value) {
        return PublishedDataKey.decode(idOf(value), value);
    }

    /** The id inside a key record value: after the magic, recordVersion (varint 1 = 02) the 16 fixed bytes follow. */
    private static byte[] idOf(byte[] keyRecordValue) {
        return Arrays.copyOfRange(keyRecordValue, 2, 2 + DataKeyId.BYTES);
    }

    private static void assertSameEsdkRecord(Envelope fresh, Envelope stored, String change) {
        ParsedCiphertext a = new ParsedCiphertext(WrappedKeys.bytes(fresh.getCiphertext()));
        ParsedCiphertext b = new ParsedCiphertext(WrappedKeys.bytes(stored.getCiphertext()));
        assertThat(a.getVersion()).as(change).isEqualTo(b.getVersion()).isEqualTo((byte) 2);
        assertThat(a.getCryptoAlgoId()).as(change).isEqualTo(b.getCryptoAlgoId()).isEqualTo(EsdkMessageV1.SUITE);
        assertThat(a.getEncryptionContextMap()).as(change).isEqualTo(b.getEncryptionContextMap())
                .isEqualTo(EncryptionContext.of("finance"));
        assertThat(a.getContentType()).as(change).isEqualTo(b.getContentType());
        assertThat(a.getFrameLength()).as(change).isEqualTo(b.getFrameLength()).isEqualTo(4096);
        assertThat(blobs(a)).as(change).isEqualTo(blobs(b));
        assertThat(a.getMessageId()).as("the ESDK draws a new message id").isNotEqualTo(b.getMessageId());
        assertThat(fresh.getCiphertext().remaining()).as(change).isEqualTo(stored.getCiphertext().remaining());
        Envelope sameCiphertext = Envelope.newBuilder(fresh).setCiphertext(stored.getCiphertext()).build();
        assertThat(sameCiphertext).as(change).isEqualTo(stored);
    }

    private static List<String> blobs(ParsedCiphertext c) {
        return c.getEncryptedKeyBlobs().stream().map(k -> k.getProviderId() + "/"
                + HexFormat.of().formatHex(k.getProviderInformation()) + "/"
                + HexFormat.of().formatHex(k.getEncryptedDataKey())).collect(Collectors.toList());
    }

    /** A sealer whose keyring hands out the fixed data key and wrapped key, with seeded nonce masks. */
    private static Sealer sealer(EnvelopeFormatId format, EncryptedDataKey wrapped) {
        return Sealer.create(TestGovernance.governance(), new FixedDataKey(DATA_KEY, wrapped),
                SealerConfig.defaults().withFormat(format), System::nanoTime, new Random(NONCE_MASK_SEED));
    }

    /** Wraps {@link #DATA_KEY} with the raw AES test keyring: what a stored form is first made from. */
    private static EncryptedDataKey wrapDataKey(EnvelopeFormatId format) {
        AlgorithmSuiteId suite = AlgorithmSuiteId.builder().ESDK(WireFormat.Format.of(format).dataKeySuite()).build();
        EncryptionMaterials withKey = DataKeys.MPL.InitializeEncryptionMaterials(
                InitializeEncryptionMaterialsInput.builder()
                        .algorithmSuiteId(suite)
                        .encryptionContext(EncryptionContext.of("finance"))
                        .requiredEncryptionContextKeys(List.of())
                        .build())
                .toBuilder().plaintextDataKey(ByteBuffer.wrap(DATA_KEY.clone())).build();
        IKeyring raw = new RawAesKeyringProvider(Map.of(FINANCE, WRAPPING_KEY)).encryptKeyring(FINANCE);
        return raw.OnEncrypt(OnEncryptInput.builder().materials(withKey).build()).materials().encryptedDataKeys().get(0);
    }

    private static EncryptedDataKey wrappedKey(Envelope env) {
        return WrappedKeys.toMpl(env.getWrappedKeys()).get(0);
    }

    private static byte[] readHex(Path file) throws IOException {
        String hex = Files.readAllLines(file).stream().filter(l -> !l.startsWith("#")).collect(Collectors.joining());
        return HexFormat.of().parseHex(hex.replaceAll("\\s", ""));
    }

    private static String toHex(EnvelopeFormatId format, byte[] value) {
        return toHex("record value, format " + format.name(), value);
    }

    private static String toHex(String what, byte[] value) {
        StringBuilder s = new StringBuilder("# deptcrypt " + what + ", " + value.length
                + " bytes (Kafka value, hex); made and checked by crypto's StoredSerializedFormsTest\n");
        String hex = HexFormat.of().formatHex(value);
        for (int i = 0; i < hex.length(); i += 64) {
            s.append(hex, i, Math.min(hex.length(), i + 64)).append('\n');
        }
        return s.toString();
    }

    /**
     * Keyrings that hand out {@code dataKey} (a fresh buffer each time: sealers zero it when they retire the key) with
     * the given wrapped key.
     */
    record FixedDataKey(byte[] dataKey, EncryptedDataKey wrapped) implements KeyringProvider {
        @Override
        public IKeyring encryptKeyring(KmsArn key) {
            return new IKeyring() {
                @Override
                public OnEncryptOutput OnEncrypt(OnEncryptInput input) {
                    return OnEncryptOutput.builder().materials(input.materials().toBuilder()
                            .plaintextDataKey(ByteBuffer.wrap(dataKey.clone()))
                            .encryptedDataKeys(List.of(wrapped)).build()).build();
                }

                @Override
                public OnDecryptOutput OnDecrypt(OnDecryptInput input) {
                    throw new UnsupportedOperationException("sealing only");
                }
            };
        }

        @Override
        public IKeyring decryptKeyring() {
            throw new UnsupportedOperationException("sealing only");
        }

        @Override
        public KmsCallCounts kmsCalls() {
            return KmsCallCounts.ZERO;
        }
    }
}
