package io.deptcrypt.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.crypto.avro.WrappedKey;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestGovernance;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Changing any envelope field, or moving a ciphertext to another record or topic, is refused. */
class TamperTest {

    private static final String TOPIC = TestGovernance.SHARED;
    private static final byte[] PLAINTEXT = "{\"salary\": 1000}".getBytes(StandardCharsets.UTF_8);

    private KmsFixture fx;
    private Opener financeReader;
    private Opener allReader;

    @BeforeEach
    void setUp() {
        fx = new KmsFixture();
        financeReader = Opener.create(fx.financeReader(), OpenerConfig.defaults());
        allReader = Opener.create(fx.reader("auditor", TestGovernance.FINANCE.toString(),
                TestGovernance.SALES.toString()), OpenerConfig.defaults());
    }

    private Envelope seal(EnvelopeFormatId format, String dept, String eventId) {
        Sealer sealer = Sealer.create(fx.governance, fx.encryptor, SealerConfig.defaults().withFormat(format));
        return sealer.seal(new SealContext(dept, eventId, TOPIC, 1_700_000_000_000L, "application/json"), PLAINTEXT);
    }

    /** A deep copy through the serde, so tampering never touches the original. */
    private static Envelope copy(Envelope e) {
        return EnvelopeSerde.fromBytes(EnvelopeSerde.toBytes(e));
    }

    private static ByteBuffer flipLastByte(ByteBuffer b) {
        byte[] x = WrappedKeys.bytes(b);
        x[x.length - 1] ^= 0x01;
        return ByteBuffer.wrap(x);
    }

    private static ByteBuffer flipByte(ByteBuffer b, int i) {
        byte[] x = WrappedKeys.bytes(b);
        x[i] ^= 0x01;
        return ByteBuffer.wrap(x);
    }

    private static UnaryOperator<Envelope> onKey(UnaryOperator<WrappedKey> f) {
        return e -> {
            List<WrappedKey> keys = new ArrayList<>(e.getWrappedKeys());
            keys.set(0, f.apply(WrappedKey.newBuilder(keys.get(0)).build()));
            e.setWrappedKeys(keys);
            return e;
        };
    }

    static Stream<Arguments> everyField() {
        List<Arguments> cases = new ArrayList<>();
        for (EnvelopeFormatId format : List.of(EnvelopeFormatId.AES_GCM_V1, EnvelopeFormatId.ESDK_MESSAGE_V1)) {
            boolean gcm = format == EnvelopeFormatId.AES_GCM_V1;
            cases.add(Arguments.of(format, "formatVersion", (UnaryOperator<Envelope>) e -> {
                e.setFormatVersion(2);
                return e;
            }));
            cases.add(Arguments.of(format, "format", (UnaryOperator<Envelope>) e -> {
                e.setFormat(gcm ? EnvelopeFormatId.ESDK_MESSAGE_V1 : EnvelopeFormatId.AES_GCM_V1);
                return e;
            }));
            cases.add(Arguments.of(format, "department", (UnaryOperator<Envelope>) e -> {
                e.setDepartment("sales");
                return e;
            }));
            cases.add(Arguments.of(format, "wrappedKeys.keyProvider", onKey(k -> {
                k.setKeyProvider("aws-kms-x");
                return k;
            })));
            cases.add(Arguments.of(format, "wrappedKeys.keyId", onKey(k -> {
                k.setKeyId(k.getKeyId().replace(":key/", ":key/0"));
                return k;
            })));
            cases.add(Arguments.of(format, "wrappedKeys.encryptedDataKey", onKey(k -> {
                k.setEncryptedDataKey(flipLastByte(k.getEncryptedDataKey()));
                return k;
            })));
            cases.add(Arguments.of(format, "wrappedKeys (extra key)", (UnaryOperator<Envelope>) e -> {
                List<WrappedKey> keys = new ArrayList<>(e.getWrappedKeys());
                keys.add(WrappedKey.newBuilder(keys.get(0)).build());
                e.setWrappedKeys(keys);
                return e;
            }));
            cases.add(Arguments.of(format, "wrappedKeys (empty)", (UnaryOperator<Envelope>) e -> {
                e.setWrappedKeys(List.of());
                return e;
            }));
            cases.add(Arguments.of(format, "nonce", (UnaryOperator<Envelope>) e -> {
                e.setNonce(gcm ? flipByte(e.getNonce(), 0) : ByteBuffer.wrap(new byte[12]));
                return e;
            }));
            cases.add(Arguments.of(format, "ciphertext (last byte)", (UnaryOperator<Envelope>) e -> {
                e.setCiphertext(flipLastByte(e.getCiphertext()));
                return e;
            }));
            cases.add(Arguments.of(format, "ciphertext (first byte)", (UnaryOperator<Envelope>) e -> {
                e.setCiphertext(flipByte(e.getCiphertext(), 0));
                return e;
            }));
            cases.add(Arguments.of(format, "ciphertext (truncated)", (UnaryOperator<Envelope>) e -> {
                byte[] c = WrappedKeys.bytes(e.getCiphertext());
                e.setCiphertext(ByteBuffer.wrap(java.util.Arrays.copyOf(c, c.length - 1)));
                return e;
            }));
            if (gcm) {
                // Bound only by AES_GCM_V1's AAD; ESDK_MESSAGE_V1 binds the department alone (docs/wire-format.md).
                cases.add(Arguments.of(format, "eventId", (UnaryOperator<Envelope>) e -> {
                    e.setEventId("e-2");
                    return e;
                }));
                cases.add(Arguments.of(format, "timestamp", (UnaryOperator<Envelope>) e -> {
                    e.setTimestamp(e.getTimestamp() + 1);
                    return e;
                }));
                cases.add(Arguments.of(format, "contentType", (UnaryOperator<Envelope>) e -> {
                    e.setContentType("text/plain");
                    return e;
                }));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("everyField")
    void tamperingIsDetected(EnvelopeFormatId format, String field, UnaryOperator<Envelope> tamper) {
        Envelope original = seal(format, "finance", "e-1");
        assertThat(allReader.open(copy(original), TOPIC)).isEqualTo(PLAINTEXT);

        Envelope tampered = tamper.apply(copy(original));

        assertThat(tampered).isNotEqualTo(original);
        // Whatever the reader's rights, a changed field never yields plaintext.
        assertThatThrownBy(() -> allReader.open(tampered, TOPIC)).isInstanceOf(DeptcryptCryptoException.class)
                .isNotInstanceOf(KmsUnavailableException.class);
        assertThatThrownBy(() -> financeReader.open(tampered, TOPIC)).isInstanceOf(DeptcryptCryptoException.class)
                .isNotInstanceOf(KmsUnavailableException.class);
    }

    @Test
    void aesGcmCleartextFieldsAreBoundEvenWithTheDataKeyCached() {
        Envelope original = seal(EnvelopeFormatId.AES_GCM_V1, "finance", "e-1");
        assertThat(financeReader.open(copy(original), TOPIC)).isEqualTo(PLAINTEXT); // key now cached
        long decrypts = financeReader.kmsCalls().decrypt();

        Envelope otherEvent = copy(original);
        otherEvent.setEventId("e-2");
        Envelope otherTime = copy(original);
        otherTime.setTimestamp(1L);
        Envelope otherType = copy(original);
        otherType.setContentType("text/plain");

        for (Envelope e : List.of(otherEvent, otherTime, otherType)) {
            assertThatThrownBy(() -> financeReader.open(e, TOPIC)).isInstanceOf(EnvelopeException.class)
                    .hasMessageContaining("failed authentication");
        }
        assertThat(financeReader.kmsCalls().decrypt()).isEqualTo(decrypts);
    }

    @Test
    void aesGcmRecordReadFromAnotherTopicIsRefused() {
        Envelope e = seal(EnvelopeFormatId.AES_GCM_V1, "finance", "e-1");
        assertThat(financeReader.open(e, TOPIC)).isEqualTo(PLAINTEXT);
        assertThatThrownBy(() -> financeReader.open(e, "another.topic")).isInstanceOf(EnvelopeException.class)
                .hasMessageContaining("topic another.topic");
    }

    @Test
    void aesGcmCiphertextMovedToAnotherEventOfTheSameDepartmentIsRefused() {
        Envelope a = seal(EnvelopeFormatId.AES_GCM_V1, "finance", "e-1");
        Envelope b = seal(EnvelopeFormatId.AES_GCM_V1, "finance", "e-2");
        Envelope moved = copy(b);
        moved.setNonce(a.getNonce());
        moved.setCiphertext(a.getCiphertext());

        assertThat(financeReader.open(b, TOPIC)).isEqualTo(PLAINTEXT);
        assertThatThrownBy(() -> financeReader.open(moved, TOPIC)).isInstanceOf(EnvelopeException.class);
    }

    @ParameterizedTest
    @EnumSource(value = EnvelopeFormatId.class, names = {"AES_GCM_V1", "ESDK_MESSAGE_V1"}) // the Avro envelopes
    void ciphertextMovedIntoAnotherDepartmentsRecordIsRefused(EnvelopeFormatId format) {
        Envelope finance = seal(format, "finance", "e-1");
        Envelope sales = seal(format, "sales", "e-1");

        // The sales reader's record now carries finance's wrapped key and ciphertext under department "sales".
        Envelope movedCipher = copy(sales);
        movedCipher.setNonce(finance.getNonce());
        movedCipher.setCiphertext(finance.getCiphertext());
        movedCipher.setWrappedKeys(finance.getWrappedKeys());
        // And finance's record relabelled as sales.
        Envelope relabelled = copy(finance);
        relabelled.setDepartment("sales");

        assertThat(allReader.open(copy(finance), TOPIC)).isEqualTo(PLAINTEXT);
        assertThat(allReader.open(copy(sales), TOPIC)).isEqualTo(PLAINTEXT);
        for (Envelope e : List.of(movedCipher, relabelled)) {
            if (format == EnvelopeFormatId.AES_GCM_V1) {
                // KMS is asked to unwrap finance's key with the context {"department": "sales"}: the key policy's
                // kms:EncryptionContext:department condition refuses that before the blob is checked, so even a
                // reader of both departments sees AccessDeniedException (not InvalidCiphertextException).
                assertThatThrownBy(() -> allReader.open(e, TOPIC)).isInstanceOf(KmsAccessDeniedException.class)
                        .hasMessageContaining(fx.financeKeyArn);
            } else {
                // The ESDK message names its department in its own encryption context: refused before any KMS call.
                assertThatThrownBy(() -> allReader.open(e, TOPIC)).isInstanceOf(EnvelopeException.class)
                        .hasMessageContaining("encryption context");
            }
        }
    }

    @Test
    void rawAesProviderAlsoDetectsDepartmentAndKeyTampering() {
        RawAesKeyringProvider all = RawAesKeyringProvider.generate(fx.governance);
        Sealer sealer = Sealer.create(fx.governance, all, SealerConfig.defaults());
        Opener reader = Opener.create(all.restrictedTo(List.of(TestGovernance.FINANCE, TestGovernance.SALES)),
                OpenerConfig.defaults());
        Envelope e = sealer.seal(new SealContext("finance", "e-1", TOPIC, 1L, "text/plain"), PLAINTEXT);
        assertThat(reader.open(copy(e), TOPIC)).isEqualTo(PLAINTEXT);

        Envelope relabelled = copy(e);
        relabelled.setDepartment("sales");
        Envelope badKey = onKey(k -> {
            k.setEncryptedDataKey(flipLastByte(k.getEncryptedDataKey()));
            return k;
        }).apply(copy(e));

        assertThatThrownBy(() -> reader.open(relabelled, TOPIC)).isInstanceOf(EnvelopeException.class);
        assertThatThrownBy(() -> reader.open(badKey, TOPIC)).isInstanceOf(EnvelopeException.class);
    }

    @Test
    void wrappedKeyOfAnotherAccountIsNeverSentToKms() {
        Envelope e = seal(EnvelopeFormatId.AES_GCM_V1, "finance", "e-1");
        Envelope foreign = onKey(k -> {
            k.setKeyId(k.getKeyId().replace(":111122223333:", ":999999999999:"));
            return k;
        }).apply(copy(e));

        assertThatThrownBy(() -> financeReader.open(foreign, TOPIC)).isInstanceOf(EnvelopeException.class);
        assertThat(financeReader.kmsCalls().decrypt()).isZero();
    }
}
