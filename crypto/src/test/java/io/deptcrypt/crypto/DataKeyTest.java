package io.deptcrypt.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestGovernance;
import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.cryptography.materialproviders.model.EncryptionMaterials;

/** The sealer's data key on its own: its nonce scheme, its use and age limits, and its destruction once retired. */
class DataKeyTest {

    private static final long AGE = Duration.ofMinutes(15).toNanos();
    private static final RawAesKeyringProvider KEYS = RawAesKeyringProvider.generate(TestGovernance.governance());

    private static EncryptionMaterials materials() {
        return DataKeys.generate(KEYS.encryptKeyring(TestGovernance.FINANCE), EnvelopeFormatId.AES_GCM_V1, "finance",
                TestGovernance.FINANCE.toString());
    }

    private static DataKey dataKey(long maxUses, Random masks) {
        return new DataKey(materials(), EnvelopeFormatId.AES_GCM_V1, "finance", null, 0, maxUses, AGE, masks);
    }

    @Test
    void noncesAreUniqueAndTheirFirstFourBytesAreTheKeysMask() {
        DeterministicNonces nonces = new DeterministicNonces(new SecureRandom());
        Set<ByteBuffer> seen = new HashSet<>();
        byte[] first = nonces.nonce(1);
        for (long n = 1; n <= 100_000; n++) {
            byte[] nonce = nonces.nonce(n);
            assertThat(nonce).hasSize(AesGcmV1.NONCE_BYTES);
            assertThat(seen.add(ByteBuffer.wrap(nonce))).as("nonce of use %d is new", n).isTrue();
            assertThat(Arrays.copyOf(nonce, 4)).isEqualTo(Arrays.copyOf(first, 4));
        }
        // the low bytes are the use number XOR the mask: n and m differ exactly where n XOR m has bits
        byte[] two = nonces.nonce(2);
        byte[] three = nonces.nonce(3);
        assertThat((byte) (two[11] ^ three[11])).isEqualTo((byte) 1);
        assertThat(nonces.nonce(Long.MAX_VALUE)).hasSize(12);
        assertThatThrownBy(() -> nonces.nonce(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theMaskIsDrawnPerKeyFromTheGivenSource() {
        assertThat(new DeterministicNonces(new Random(7)).nonce(1))
                .isEqualTo(new DeterministicNonces(new Random(7)).nonce(1));
        Set<ByteBuffer> masks = new HashSet<>();
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 50; i++) {
            masks.add(ByteBuffer.wrap(dataKey(10, random).nonce(1)));
        }
        assertThat(masks).as("50 keys, 50 masks").hasSize(50);
    }

    @Test
    void aKeyServesExactlyItsRecordLimit() {
        DataKey k = dataKey(3, new SecureRandom());
        assertThat(k.tryUse(1)).isEqualTo(1);
        assertThat(k.tryUse(2)).isEqualTo(2);
        assertThat(k.tryUse(3)).isEqualTo(3);
        assertThat(k.tryUse(4)).isZero();
        assertThat(k.tryUse(5)).isZero();
        for (int i = 0; i < 3; i++) {
            k.release();
        }
        k.retire();
        assertThat(k.key.isDestroyed()).isTrue();
    }

    @Test
    void aKeyServesUntilItsAgeLimit() {
        DataKey k = dataKey(1_000, new SecureRandom());
        assertThat(k.tryUse(AGE - 1)).isEqualTo(1);
        k.release();
        assertThat(k.tryUse(AGE)).isZero();
        assertThat(k.tryUse(AGE + 1)).isZero();
    }

    @Test
    void aRetiredKeyIsDestroyedOnceTheLastRecordIsDoneAndServesNoOther() {
        EncryptionMaterials m = materials();
        DataKey k = new DataKey(m, EnvelopeFormatId.AES_GCM_V1, "finance", null, 0, 1_000, AGE, new SecureRandom());
        assertThat(k.key.getEncoded()).hasSize(32).isNotEqualTo(new byte[32]);
        assertThat(k.tryUse(1)).isEqualTo(1);   // a record in progress

        k.retire();
        assertThat(k.key.isDestroyed()).as("still in use").isFalse();
        assertThat(k.tryUse(2)).as("no later record").isZero();
        k.release();

        assertThat(k.key.isDestroyed()).isTrue();
        assertThat(k.tryUse(3)).isZero();
        assertThatThrownBy(k.key::getEncoded).isInstanceOf(IllegalStateException.class);
        // the keyring materials' copy of the key is zeroed too
        assertThat(WrappedKeys.bytes(m.plaintextDataKey())).isEqualTo(new byte[32]);
    }

    @Test
    void theKeyIsAJceKeyThatCannotBeSerialized() throws Exception {
        DataKey k = dataKey(10, new SecureRandom());
        assertThat(k.key.getAlgorithm()).isEqualTo("AES");
        assertThat(k.key.getFormat()).isEqualTo("RAW");
        assertThat(k.key.toString()).doesNotContain(Bytes.hex(k.key.getEncoded()));
        try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
            assertThatThrownBy(() -> out.writeObject(k.key)).isInstanceOf(NotSerializableException.class);
        }
    }
}
