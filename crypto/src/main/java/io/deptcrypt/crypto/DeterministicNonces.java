package io.deptcrypt.crypto;

import java.util.Random;

/**
 * AES-GCM nonces of one data key by the deterministic construction of NIST SP 800-38D section 8.2.1: the nonce of the
 * key's n-th use (n = 1, 2, ...) is {@code mask XOR (0x00000000 || uint64_be(n))}, the 64-bit invocation field being
 * the use number. The 12-byte mask is drawn once per key, so nonces do not show how many records a key has sealed.
 * <p>
 * Unique under the key by construction (random nonces are only unlikely to repeat), as long as one holder numbers the
 * uses, which is how the sealer works: a data key is generated in its memory and never shared. No random number is
 * drawn per record.
 */
final class DeterministicNonces {

    private final byte[] mask = new byte[AesGcmV1.NONCE_BYTES];

    /** @param random source of the mask: SecureRandom, or a seeded Random in tests of the stored serialized forms */
    DeterministicNonces(Random random) {
        random.nextBytes(mask);
    }

    /** The nonce of use {@code n}. */
    byte[] nonce(long n) {
        byte[] nonce = new byte[AesGcmV1.NONCE_BYTES];
        write(n, nonce, 0);
        return nonce;
    }

    /** Writes the nonce of use {@code n} into {@code out} at {@code offset} (the sealer's in-place header). */
    void write(long n, byte[] out, int offset) {
        if (n < 1) {
            throw new IllegalArgumentException("use numbers start at 1, was " + n);
        }
        System.arraycopy(mask, 0, out, offset, AesGcmV1.NONCE_BYTES);
        for (int i = 0; i < 8; i++) {
            out[offset + AesGcmV1.NONCE_BYTES - 1 - i] ^= (byte) (n >>> (8 * i));
        }
    }
}
