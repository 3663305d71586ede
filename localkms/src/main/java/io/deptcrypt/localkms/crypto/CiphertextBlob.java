package io.deptcrypt.localkms.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The ciphertext blob localkms hands out. Layout (big-endian):
 * <pre>
 *   u8  format (1)
 *   u8  key id length n (1..255), then n bytes of key id (ASCII)
 *   u32 key material version
 *   12  bytes GCM nonce
 *   rest: AES-256-GCM ciphertext followed by the 16-byte tag
 * </pre>
 * Everything before the nonce (the header) is authenticated together with the encryption context, so a blob whose
 * key id or version was edited fails to open.
 *
 * @param keyId           the id (not ARN) of the KMS key that sealed it
 * @param materialVersion which version of that key's material sealed it (0 = the original)
 * @param nonce           the GCM nonce
 * @param sealed          ciphertext and tag
 */
public record CiphertextBlob(String keyId, int materialVersion, byte[] nonce, byte[] sealed) {

    public static final int FORMAT = 1;
    public static final int NONCE_BYTES = 12;
    public static final int TAG_BYTES = 16;

    /** The bytes authenticated along with the context: format, key id and material version. */
    public byte[] header() {
        byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(2 + id.length + 4);
        b.put((byte) FORMAT).put((byte) id.length).put(id).putInt(materialVersion);
        return b.array();
    }

    public byte[] toBytes() {
        byte[] header = header();
        return ByteBuffer.allocate(header.length + nonce.length + sealed.length).put(header).put(nonce).put(sealed).array();
    }

    /** Empty when the bytes are not a blob this server wrote (AWS answers that with InvalidCiphertextException). */
    public static Optional<CiphertextBlob> parse(byte[] bytes) {
        if (bytes.length < 2 || (bytes[0] & 0xff) != FORMAT) {
            return Optional.empty();
        }
        int idLength = bytes[1] & 0xff;
        int headerLength = 2 + idLength + 4;
        if (idLength == 0 || bytes.length < headerLength + NONCE_BYTES + TAG_BYTES) {
            return Optional.empty();
        }
        String keyId = new String(bytes, 2, idLength, StandardCharsets.US_ASCII);
        for (int i = 0; i < keyId.length(); i++) {
            char c = keyId.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
                return Optional.empty();
            }
        }
        int version = ByteBuffer.wrap(bytes, 2 + idLength, 4).getInt();
        if (version < 0) {
            return Optional.empty();
        }
        byte[] nonce = Arrays.copyOfRange(bytes, headerLength, headerLength + NONCE_BYTES);
        byte[] sealed = Arrays.copyOfRange(bytes, headerLength + NONCE_BYTES, bytes.length);
        return Optional.of(new CiphertextBlob(keyId, version, nonce, sealed));
    }
}
