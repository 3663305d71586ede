package io.deptcrypt.crypto;

import io.deptcrypt.crypto.avro.Envelope;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The AES_GCM_V1 ciphertext (docs/wire-format.md): AES-256-GCM under the data key itself, the 12-byte nonce in
 * {@code nonce}, {@code ciphertext} = GCM ciphertext followed by the 16-byte tag, AAD = {@link RecordAad}. Nonces are
 * made by {@link DeterministicNonces}; readers accept any 12 bytes.
 */
final class AesGcmV1 {

    static final int NONCE_BYTES = 12;
    static final int TAG_BITS = 128;
    static final int TAG_BYTES = TAG_BITS / 8;

    private AesGcmV1() {}

    static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no AES/GCM/NoPadding", e);
        }
    }

    static byte[] encrypt(Cipher gcm, SecretKey key, byte[] nonce, byte[] aad, byte[] plaintext) {
        try {
            gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            gcm.updateAAD(aad);
            return gcm.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new DeptcryptCryptoException("AES-GCM encryption failed: " + e.getClass().getSimpleName(), e);
        }
    }

    /** Refuses a record whose nonce or ciphertext cannot be AES_GCM_V1, before any KMS call. */
    static void checkShape(Envelope env, String topic) {
        if (env.getNonce().remaining() != NONCE_BYTES) {
            throw EnvelopeException.inRecord("AES_GCM_V1 nonce must be " + NONCE_BYTES + " bytes, is "
                    + env.getNonce().remaining(), env, topic);
        }
        if (env.getCiphertext().remaining() < TAG_BYTES) {
            throw EnvelopeException.inRecord("AES_GCM_V1 ciphertext shorter than its " + TAG_BYTES + "-byte tag", env,
                    topic);
        }
    }

    /** Decrypts straight from the decoded buffers: no copies of nonce and ciphertext. */
    static byte[] decrypt(Cipher gcm, SecretKey key, byte[] aad, Envelope env, String topic) {
        ByteBuffer nonce = env.getNonce();
        ByteBuffer ciphertext = env.getCiphertext();
        try {
            GCMParameterSpec iv = nonce.hasArray()
                    ? new GCMParameterSpec(TAG_BITS, nonce.array(), nonce.arrayOffset() + nonce.position(), NONCE_BYTES)
                    : new GCMParameterSpec(TAG_BITS, WrappedKeys.bytes(nonce));
            gcm.init(Cipher.DECRYPT_MODE, key, iv);
            gcm.updateAAD(aad);
            return ciphertext.hasArray()
                    ? gcm.doFinal(ciphertext.array(), ciphertext.arrayOffset() + ciphertext.position(),
                            ciphertext.remaining())
                    : gcm.doFinal(WrappedKeys.bytes(ciphertext));
        } catch (AEADBadTagException e) {
            throw EnvelopeException.inRecord("record failed authentication: its ciphertext, nonce or a cleartext field"
                    + " (department, eventId, timestamp, contentType, wrappedKeys) was changed, or it was moved to"
                    + " another record or topic", env, topic);
        } catch (GeneralSecurityException e) {
            throw EnvelopeException.inRecord("AES-GCM decryption failed: " + e.getClass().getSimpleName(), env, topic, e);
        }
    }
}
