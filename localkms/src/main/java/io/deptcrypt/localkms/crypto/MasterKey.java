package io.deptcrypt.localkms.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key in {@code <state-dir>/master.key} that seals key material and access-key secrets at rest, so the state file
 * alone discloses nothing. Each sealed value is bound to a label (e.g. the key id and version) so values cannot be
 * swapped between records.
 */
public final class MasterKey {

    public static final int BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    public MasterKey(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("a master key is " + BYTES + " bytes, got " + bytes.length);
        }
        this.key = new SecretKeySpec(bytes, "AES");
    }

    public static byte[] generateBytes() {
        byte[] bytes = new byte[BYTES];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** Base64 of nonce ‖ AES-GCM(secret) with {@code label} as AAD. */
    public String seal(byte[] secret, String label) {
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(label.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret);
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
        }
    }

    /** @throws IllegalArgumentException if the value is not base64, too short, or does not open under this key and label */
    public byte[] open(String sealed, String label) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(sealed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sealed value is not base64");
        }
        if (bytes.length < 12 + 16) {
            throw new IllegalArgumentException("sealed value is too short");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, Arrays.copyOf(bytes, 12)));
            cipher.updateAAD(label.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(bytes, 12, bytes.length - 12);
        } catch (AEADBadTagException e) {
            throw new IllegalArgumentException("does not decrypt under master.key (wrong or replaced master key, or edited value)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
        }
    }
}
