package io.deptcrypt.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.testkit.TestGovernance;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The AES_GCM_V1 nonce construction (a per-key mask XOR the key's use number) and the opener's reuse of the data
 * key of the record before: both are per-record shortcuts, so both get checked for what they must never do.
 */
class NonceAndKeyReuseTest {

    private static final String TOPIC = TestGovernance.SHARED;

    private static SealContext ctx(String dept, int i) {
        return new SealContext(dept, "event-" + i, TOPIC, 1_700_000_000_000L + i, "application/json");
    }

    private static byte[] plaintext(int i) {
        return ("{\"n\": " + i + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] nonce(Envelope e) {
        return WrappedKeys.bytes(e.getNonce());
    }

    @Test
    void noncesAreUniquePerDataKeyAndDoNotCountRecordsInClear() {
        KmsFixture fx = new KmsFixture();
        Sealer sealer = Sealer.create(fx.governance, fx.encryptor,
                new SealerConfig(EnvelopeFormatId.AES_GCM_V1, 5_000, Duration.ofHours(1)));
        Set<ByteBuffer> nonces = new HashSet<>();
        Set<ByteBuffer> masks = new HashSet<>();
        Set<ByteBuffer> dataKeys = new HashSet<>();
        byte[] first = null;
        for (int i = 0; i < 10_000; i++) {
            Envelope e = sealer.seal(ctx("finance", i), plaintext(i));
            byte[] n = nonce(e);
            assertThat(n).hasSize(12);
            assertThat(nonces.add(ByteBuffer.wrap(n))).as("nonce of record %d is new", i).isTrue();
            // the first 4 bytes are the key's mask alone: the same for all records of one key
            masks.add(ByteBuffer.wrap(Arrays.copyOf(n, 4)));
            dataKeys.add(ByteBuffer.wrap(WrappedKeys.canonical(e.getWrappedKeys())));
            if (i == 0) {
                first = n;
            }
        }
        assertThat(dataKeys).hasSize(2);  // 5,000 records per data key
        assertThat(masks).as("one mask per data key (a clash has odds 2^-32)").hasSize(2);
        // use number 1 is not written as 00..01: the mask hides how many records a key has sealed
        assertThat(first).isNotEqualTo(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        // and they open
        Opener reader = Opener.create(fx.financeReader(), OpenerConfig.defaults());
        assertThat(reader.open(sealer.seal(ctx("finance", 1), plaintext(1)), TOPIC)).isEqualTo(plaintext(1));
    }

    @Test
    void departmentsInterleavedOnOneThreadOpenRightWithOneDecryptPerDataKey() {
        KmsFixture fx = new KmsFixture();
        Sealer sealer = Sealer.create(fx.governance, fx.encryptor, SealerConfig.defaults());
        Opener auditor = Opener.create(fx.reader("auditor", TestGovernance.FINANCE.toString(),
                TestGovernance.SALES.toString()), OpenerConfig.defaults());
        for (int i = 0; i < 1_000; i++) {
            String dept = i % 3 == 0 ? "sales" : "finance";
            assertThat(auditor.open(sealer.seal(ctx(dept, i), plaintext(i)), TOPIC)).isEqualTo(plaintext(i));
        }
        assertThat(auditor.kmsCalls().decrypt()).isEqualTo(2);
    }

    @Test
    void aRecordOnlyReusesTheLastDataKeyIfItCarriesExactlyThatKey() {
        KmsFixture fx = new KmsFixture();
        Sealer sealer = Sealer.create(fx.governance, fx.encryptor, SealerConfig.defaults());
        Opener reader = Opener.create(fx.financeReader(), OpenerConfig.defaults());
        // decoded, as a consumer gets them: each envelope owns its bytes (sealed ones share the sealer's)
        Envelope a = EnvelopeSerde.fromBytes(EnvelopeSerde.toBytes(sealer.seal(ctx("finance", 1), plaintext(1))));
        Envelope b = EnvelopeSerde.fromBytes(EnvelopeSerde.toBytes(sealer.seal(ctx("finance", 2), plaintext(2))));
        assertThat(reader.open(a, TOPIC)).isEqualTo(plaintext(1));

        // Changing a's wrapped key in place after it was opened: the opener kept its own copy, so b still matches it
        ByteBuffer edk = a.getWrappedKeys().get(0).getEncryptedDataKey();
        edk.array()[edk.arrayOffset() + edk.position()] ^= 0x01;
        assertThat(reader.open(b, TOPIC)).isEqualTo(plaintext(2));
        // ...and the changed record no longer matches it: it goes to KMS, which refuses the altered blob
        assertThatThrownBy(() -> reader.open(a, TOPIC)).isInstanceOf(DeptcryptCryptoException.class)
                .isNotInstanceOf(KmsUnavailableException.class);
        assertThat(reader.open(b, TOPIC)).isEqualTo(plaintext(2));
        assertThat(reader.kmsCalls().decrypt()).isEqualTo(2);  // the first unwrap and the refused one
    }

    @Test
    void openingReadsTheDecodedBuffersInPlace() {
        KmsFixture fx = new KmsFixture();
        Sealer sealer = Sealer.create(fx.governance, fx.encryptor, SealerConfig.defaults());
        Opener reader = Opener.create(fx.financeReader(), OpenerConfig.defaults());
        Envelope e = sealer.seal(ctx("finance", 7), plaintext(7));
        // nonce and ciphertext inside larger arrays, at an offset, as a decoder may hand them over
        byte[] n = nonce(e);
        byte[] c = WrappedKeys.bytes(e.getCiphertext());
        byte[] nBig = new byte[n.length + 10];
        System.arraycopy(n, 0, nBig, 5, n.length);
        byte[] cBig = new byte[c.length + 10];
        System.arraycopy(c, 0, cBig, 3, c.length);
        e.setNonce(ByteBuffer.wrap(nBig, 5, n.length).slice());
        e.setCiphertext(ByteBuffer.wrap(cBig, 3, c.length));
        assertThat(reader.open(e, TOPIC)).isEqualTo(plaintext(7));
        // read-only buffers have no accessible array: copied, same result
        e.setNonce(ByteBuffer.wrap(n).asReadOnlyBuffer());
        e.setCiphertext(ByteBuffer.wrap(c).asReadOnlyBuffer());
        assertThat(reader.open(e, TOPIC)).isEqualTo(plaintext(7));
    }
}
