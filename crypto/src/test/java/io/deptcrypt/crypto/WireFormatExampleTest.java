package io.deptcrypt.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.KmsArn;
import io.deptcrypt.testkit.InMemoryKeysTopic;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestGovernance;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * The worked example of docs/wire-format.md, made with the RAW AES TEST provider and a fixed, public wrapping key.
 * <ul>
 *   <li>A fresh record is opened by {@link IndependentReader}, written from the document alone.</li>
 *   <li>The example printed in the document is opened the same way, so the document cannot drift from the code.</li>
 *   <li>Today's sealer, given the example's data key, wrapped key and nonce mask, writes the example byte for byte:
 *       the bytes the encryptor writes have not changed since it was made.</li>
 *   <li>target/wire-format-example.txt holds a fresh example to paste into the document.</li>
 *   <li>The same for AES_GCM_V2 (envelope version 2): the record value and its data key's record on the keys topic,
 *       fresh in target/wire-format-example-v2.txt.</li>
 * </ul>
 */
class WireFormatExampleTest {

    static final byte[] WRAPPING_KEY = HexFormat.of().parseHex(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    static final String TOPIC = "deptcrypt.shared";
    static final byte[] PLAINTEXT = "{\"amount\": 42}".getBytes(StandardCharsets.UTF_8);
    static final Path DOC = Path.of("..", "docs", "wire-format.md");

    @Test
    void aReaderWrittenFromTheDocumentOpensAFreshRecord() throws Exception {
        Governance g = TestGovernance.governance();
        KmsArn finance = TestGovernance.FINANCE;
        RawAesKeyringProvider keys = new RawAesKeyringProvider(Map.of(finance, WRAPPING_KEY));
        Sealer sealer = Sealer.create(g, keys, SealerConfig.defaults());
        Envelope env = sealer.seal(new SealContext("finance", "7d0c9f4e-2b1a-4c53-9a51-0d6f3b8e2c11", TOPIC,
                1_767_225_600_000L, "application/json"), PLAINTEXT);
        byte[] value = EnvelopeSerde.toBytes(env);

        IndependentReader.Value v = IndependentReader.parse(value);
        assertThat(v.department()).isEqualTo("finance");
        assertThat(v.wrappedKeys()).hasSize(1);
        byte[] dataKey = IndependentReader.unwrapRawAes(v.wrappedKeys().get(0), v.department(), WRAPPING_KEY);
        assertThat(dataKey).hasSize(32);
        assertThat(IndependentReader.decrypt(v, TOPIC, dataKey)).isEqualTo(PLAINTEXT);
        assertThat(RecordAad.encode(env.getFormatVersion(), env.getFormat(), env.getDepartment(), env.getEventId(),
                TOPIC, env.getTimestamp(), env.getContentType(), WrappedKeys.canonical(env.getWrappedKeys())))
                .isEqualTo(IndependentReader.aad(v, TOPIC));

        Files.writeString(Path.of("target", "wire-format-example.txt"), describe(value, v, dataKey));
    }

    @Test
    void theExampleInTheDocumentOpens() throws Exception {
        byte[] value = documentedValue();

        IndependentReader.Value v = IndependentReader.parse(value);
        byte[] dataKey = IndependentReader.unwrapRawAes(v.wrappedKeys().get(0), v.department(), WRAPPING_KEY);
        assertThat(IndependentReader.decrypt(v, TOPIC, dataKey)).isEqualTo(PLAINTEXT);
        // The library agrees.
        RawAesKeyringProvider keys = new RawAesKeyringProvider(Map.of(TestGovernance.FINANCE, WRAPPING_KEY));
        assertThat(Opener.create(keys, OpenerConfig.defaults()).open(EnvelopeSerde.fromBytes(value), TOPIC))
                .isEqualTo(PLAINTEXT);
    }

    @Test
    void theSealerStillWritesTheDocumentedExampleByteForByte() throws Exception {
        // The example was sealed by an earlier build. Given its data key, wrapped key and nonce mask (the nonce of a
        // key's first record is the mask XOR 1), today's sealer must write exactly the same value.
        byte[] documented = documentedValue();
        Envelope env = EnvelopeSerde.fromBytes(documented);
        Opener opener = Opener.create(new RawAesKeyringProvider(Map.of(TestGovernance.FINANCE, WRAPPING_KEY)),
                OpenerConfig.defaults());
        byte[] dataKey = opener.dataKeyOf(env).getEncoded();
        byte[] mask = WrappedKeys.bytes(env.getNonce());
        mask[mask.length - 1] ^= 1;
        Random masks = new Random() {
            private static final long serialVersionUID = 1L;

            @Override
            public void nextBytes(byte[] bytes) {
                System.arraycopy(mask, 0, bytes, 0, bytes.length);
            }
        };
        KeyringProvider sameKey = new StoredSerializedFormsTest.FixedDataKey(dataKey,
                WrappedKeys.toMpl(env.getWrappedKeys()).get(0));
        Sealer sealer = Sealer.create(TestGovernance.governance(), sameKey, SealerConfig.defaults(), System::nanoTime,
                masks);
        SealContext ctx = new SealContext(env.getDepartment(), env.getEventId(), TOPIC, env.getTimestamp(),
                env.getContentType());
        byte[] resealed = EnvelopeSerde.toBytes(sealer.seal(ctx, PLAINTEXT));
        assertThat(HexFormat.of().formatHex(resealed)).isEqualTo(HexFormat.of().formatHex(documented));
    }

    private static byte[] documentedValue() throws IOException {
        return documented("example-value");
    }

    /** The hex block after {@code <!-- name -->} in docs/wire-format.md. */
    private static byte[] documented(String name) throws IOException {
        assertThat(DOC).exists();
        String doc = Files.readString(DOC);
        Matcher m = Pattern.compile("<!-- " + Pattern.quote(name) + " -->\\s*```\\s*([0-9a-f\\s]+)```").matcher(doc);
        assertThat(m.find()).as("docs/wire-format.md has a block %s", name).isTrue();
        return HexFormat.of().parseHex(m.group(1).replaceAll("\\s", ""));
    }

    // ---- AES_GCM_V2 (envelope version 2): the record value and its data key's record on the keys topic

    @Test
    void aReaderWrittenFromTheDocumentOpensAFreshV2RecordWithItsKeyRecord() throws Exception {
        InMemoryKeysTopic keysTopic = new InMemoryKeysTopic();
        // Created "at" the event's time, so that the example's key record reads well; ids and masks are random.
        Sealer sealer = Sealer.create(TestGovernance.governance(),
                new RawAesKeyringProvider(Map.of(TestGovernance.FINANCE, WRAPPING_KEY)),
                SealerConfig.defaults().withFormat(EnvelopeFormatId.AES_GCM_V2), keysTopic, System::nanoTime,
                () -> 1_767_225_600_000L, new SecureRandom());
        RecordHeaders headers = new RecordHeaders();
        byte[] value = sealer.sealRecord(new SealContext("finance", "7d0c9f4e-2b1a-4c53-9a51-0d6f3b8e2c11", TOPIC,
                1_767_225_600_000L, "application/json"), PLAINTEXT, headers);
        PublishedDataKey published = keysTopic.published().get(0);

        IndependentReader.CompactValue v = IndependentReader.parseV2(value);
        assertThat(v.eventId()).isEqualTo("7d0c9f4e-2b1a-4c53-9a51-0d6f3b8e2c11");
        assertThat(v.contentType()).isEqualTo("application/json");
        assertThat(v.timestamp()).isEqualTo(1_767_225_600_000L);
        assertThat(v.parts()).hasSize(1);
        assertThat(v.parts().get(0).dataKeyId()).as("the part names its key record's Kafka key").isEqualTo(published.key());
        assertThat(v.parts().get(0).fields()).as("the whole event").isEmpty();
        IndependentReader.KeyRecord k = IndependentReader.parseKeyRecord(published.value());
        assertThat(k.id()).isEqualTo(published.key());
        assertThat(k.audiences()).containsExactly("finance");
        assertThat(k.formatIndex()).as("AES_GCM_V2's index in EnvelopeFormatId").isEqualTo(2);
        assertThat(headers.lastHeader(EnvelopeHeaders.AUDIENCE).value()).isEqualTo("finance".getBytes(StandardCharsets.UTF_8));
        byte[] dataKey = IndependentReader.unwrapRawAes(k.wrappedKeys().get(0), WRAPPING_KEY);
        assertThat(IndependentReader.decryptV2(value, v, 0, TOPIC, published.value(), dataKey)).isEqualTo(PLAINTEXT);

        Files.writeString(Path.of("target", "wire-format-example-v2.txt"), describeV2(value, v, published, k, dataKey));
    }

    @Test
    void theV2ExampleInTheDocumentOpens() throws Exception {
        byte[] value = documented("example-v2-value");
        byte[] key = documented("example-v2-key");
        byte[] keyRecord = documented("example-v2-key-record");
        byte[] documentedDataKey = documented("example-v2-data-key");

        IndependentReader.CompactValue v = IndependentReader.parseV2(value);
        IndependentReader.KeyRecord k = IndependentReader.parseKeyRecord(keyRecord);
        assertThat(k.id()).as("the key record's id is its Kafka key").isEqualTo(key);
        assertThat(v.parts().get(0).dataKeyId()).as("the record refers to the key record").isEqualTo(key);
        assertThat(IndependentReader.unwrapRawAes(k.wrappedKeys().get(0), WRAPPING_KEY)).isEqualTo(documentedDataKey);
        assertThat(IndependentReader.decryptV2(value, v, 0, TOPIC, keyRecord, documentedDataKey)).isEqualTo(PLAINTEXT);
        // The library agrees.
        InMemoryKeysTopic keysTopic = new InMemoryKeysTopic();
        keysTopic.put(key, keyRecord);
        Opener opener = Opener.create(new RawAesKeyringProvider(Map.of(TestGovernance.FINANCE, WRAPPING_KEY)),
                OpenerConfig.defaults(), keysTopic);
        assertThat(opener.open(TOPIC, value, "finance", "finance".getBytes(StandardCharsets.UTF_8)).plaintext())
                .isEqualTo(PLAINTEXT);
    }

    @Test
    void theSealerStillWritesTheDocumentedV2ExampleAndKeyRecordByteForByte() throws Exception {
        byte[] documented = documented("example-v2-value");
        byte[] documentedKeyRecord = documented("example-v2-key-record");
        PublishedDataKey keyRecord = PublishedDataKey.decode(documented("example-v2-key"), documentedKeyRecord);
        IndependentReader.CompactValue v = IndependentReader.parseV2(documented);
        // Per new data key the sealer draws its id (16 bytes), then its nonce mask (12 bytes; the first record's
        // nonce is the mask XOR 1): hand it the example's.
        byte[] id = keyRecord.key();
        byte[] mask = v.parts().get(0).nonce().clone();
        mask[mask.length - 1] ^= 1;
        Random idThenMask = new Random() {
            private static final long serialVersionUID = 1L;

            @Override
            public void nextBytes(byte[] bytes) {
                byte[] from = bytes.length == id.length ? id : mask;
                System.arraycopy(from, 0, bytes, 0, bytes.length);
            }
        };
        KeyringProvider sameKey = new StoredSerializedFormsTest.FixedDataKey(documented("example-v2-data-key"),
                keyRecord.wrappedKeys().get(0).toMpl());
        InMemoryKeysTopic keysTopic = new InMemoryKeysTopic();
        Sealer sealer = Sealer.create(TestGovernance.governance(), sameKey,
                SealerConfig.defaults().withFormat(EnvelopeFormatId.AES_GCM_V2), keysTopic, System::nanoTime,
                keyRecord::createdAtMillis, idThenMask);
        byte[] resealed = sealer.sealRecord(new SealContext("finance", v.eventId(), TOPIC, v.timestamp(),
                v.contentType()), PLAINTEXT, new RecordHeaders());
        HexFormat hex = HexFormat.of();
        assertThat(hex.formatHex(keysTopic.published().get(0).value())).isEqualTo(hex.formatHex(documentedKeyRecord));
        assertThat(hex.formatHex(resealed)).isEqualTo(hex.formatHex(documented));
    }

    private static String describeV2(byte[] value, IndependentReader.CompactValue v, PublishedDataKey published,
            IndependentReader.KeyRecord k, byte[] dataKey) throws Exception {
        HexFormat hex = HexFormat.of();
        IndependentReader.Part p = v.parts().get(0);
        IndependentReader.AudienceKey w = k.wrappedKeys().get(0);
        StringBuilder s = new StringBuilder();
        s.append("value (").append(value.length).append(" B, header ").append(v.headerLength()).append(" B):\n")
                .append(wrap(hex.formatHex(value))).append('\n');
        s.append("data key id (Kafka key of the key record): ").append(hex.formatHex(p.dataKeyId())).append('\n');
        s.append("nonce: ").append(hex.formatHex(p.nonce())).append('\n');
        s.append("ciphertext||tag (").append(p.ciphertext().length).append(" B): ").append(hex.formatHex(p.ciphertext()))
                .append('\n');
        byte[] keyRecord = published.value();
        s.append("key record value (").append(keyRecord.length).append(" B):\n").append(wrap(hex.formatHex(keyRecord)))
                .append('\n');
        s.append("key record SHA-256: ").append(hex.formatHex(MessageDigest.getInstance("SHA-256").digest(keyRecord)))
                .append('\n');
        s.append("createdAt ").append(k.createdAt()).append(", application ").append(k.application()).append('\n');
        s.append("keyProviderInfo (").append(w.keyProviderInfo().length).append(" B): ")
                .append(hex.formatHex(w.keyProviderInfo())).append('\n');
        s.append("encryptedDataKey (").append(w.encryptedDataKey().length).append(" B): ")
                .append(hex.formatHex(w.encryptedDataKey())).append('\n');
        s.append("data key: ").append(hex.formatHex(dataKey)).append('\n');
        byte[] aad = IndependentReader.aadV2(value, v, 0, TOPIC, keyRecord);
        s.append("AAD of part 0 (").append(aad.length).append(" B):\n").append(wrap(hex.formatHex(aad))).append('\n');
        return s.toString();
    }

    private static String describe(byte[] value, IndependentReader.Value v, byte[] dataKey) {
        HexFormat hex = HexFormat.of();
        IndependentReader.WrappedKey k = v.wrappedKeys().get(0);
        StringBuilder s = new StringBuilder();
        s.append("value (").append(value.length).append(" B):\n").append(wrap(hex.formatHex(value))).append('\n');
        s.append("department ").append(v.department()).append("\neventId ").append(v.eventId())
                .append("\ntimestamp ").append(v.timestamp()).append("\ncontentType ").append(v.contentType())
                .append('\n');
        s.append("keyProvider ").append(k.keyProvider()).append('\n');
        s.append("keyId (provider info, ").append(k.keyId().length()).append(" B): ")
                .append(hex.formatHex(k.keyId().getBytes(StandardCharsets.ISO_8859_1))).append('\n');
        s.append("encryptedDataKey (").append(k.encryptedDataKey().length).append(" B): ")
                .append(hex.formatHex(k.encryptedDataKey())).append('\n');
        s.append("data key: ").append(hex.formatHex(dataKey)).append('\n');
        s.append("nonce: ").append(hex.formatHex(v.nonce())).append('\n');
        s.append("ciphertext||tag (").append(v.ciphertext().length).append(" B): ")
                .append(hex.formatHex(v.ciphertext())).append('\n');
        byte[] aad = IndependentReader.aad(v, TOPIC);
        s.append("AAD (").append(aad.length).append(" B):\n").append(wrap(hex.formatHex(aad))).append('\n');
        return s.toString();
    }

    private static String wrap(String hex) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 64) {
            s.append(hex, i, Math.min(hex.length(), i + 64)).append('\n');
        }
        return s.toString();
    }
}
