package io.deptcrypt.localkms.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One version of a KMS key's backing material: a 256-bit AES key. A rotated key keeps every earlier version so that
 * blobs sealed before the rotation still open. {@link #toString()} never shows the key.
 */
public final class KeyMaterial {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final int version;
    private final Instant created;
    private final SecretKey key;

    public KeyMaterial(int version, Instant created, byte[] keyBytes) {
        if (keyBytes.length != 32) {
            throw new IllegalArgumentException("key material must be 32 bytes, got " + keyBytes.length);
        }
        this.version = version;
        this.created = created;
        this.key = new SecretKeySpec(keyBytes, "AES");
    }

    public static KeyMaterial generate(int version, Instant created) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return new KeyMaterial(version, created, bytes);
    }

    public int version() {
        return version;
    }

    public Instant created() {
        return created;
    }

    /** The raw key, for sealing it at rest under the master key. */
    public byte[] keyBytes() {
        return key.getEncoded();
    }

    /**
     * Seals {@code plaintext} for {@code keyId} in the current blob format (padded to AWS's size), binding the blob
     * header and the canonical context as AAD.
     */
    public CiphertextBlob seal(String keyId, byte[] plaintext, byte[] contextAad) {
        byte[] nonce = new byte[CiphertextBlob.NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        CiphertextBlob unsealed = CiphertextBlob.padded(keyId, version, nonce, new byte[0]);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(CiphertextBlob.TAG_BYTES * 8, nonce));
            cipher.updateAAD(unsealed.header());
            cipher.updateAAD(contextAad);
            return CiphertextBlob.padded(keyId, version, nonce, cipher.doFinal(plaintext));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
        }
    }

    /** Empty when the tag does not verify: the blob was altered or the context differs. */
    public Optional<byte[]> open(CiphertextBlob blob, byte[] contextAad) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(CiphertextBlob.TAG_BYTES * 8, blob.nonce()));
            cipher.updateAAD(blob.header());
            cipher.updateAAD(contextAad);
            return Optional.of(cipher.doFinal(blob.sealed()));
        } catch (AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "KeyMaterial[version=" + version + ", created=" + created + "]";
    }
}
