package io.deptcrypt.localkms.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The ciphertext blob localkms hands out (docs/localkms.md, "Cryptography"). Layout of format 2, written since
 * 2026-12 (big-endian):
 * <pre>
 *   u8  format (2)
 *   u8  key id length n (1..255), then n bytes of key id (ASCII)
 *   u32 key material version
 *   u8  padding length p, then p zero bytes
 *   12  bytes GCM nonce
 *   rest: AES-256-GCM ciphertext followed by the 16-byte tag
 * </pre>
 * The padding makes a blob exactly as long as AWS KMS's for the same plaintext, {@value #AWS_BLOB_OVERHEAD} bytes plus
 * the plaintext (184 bytes for a 32-byte data key), so that whatever carries blobs is measured at production size:
 * p = {@value #AWS_BLOB_OVERHEAD} - 35 - n, or 0 for a key id longer than 117 characters. Format 1, written until
 * then, is format 2 without the padding length and padding; both open.
 * <p>
 * Everything before the nonce (the header) is authenticated together with the encryption context, so a blob whose
 * key id, version or padding was edited fails to open.
 *
 * @param format          1 or 2
 * @param keyId           the id (not ARN) of the KMS key that sealed it
 * @param materialVersion which version of that key's material sealed it (0 = the original)
 * @param padding         zero bytes in the header (format 2); 0 for format 1
 * @param nonce           the GCM nonce
 * @param sealed          ciphertext and tag
 */
public record CiphertextBlob(int format, String keyId, int materialVersion, int padding, byte[] nonce, byte[] sealed) {

    /** The format localkms writes. */
    public static final int FORMAT = 2;
    /** The format written before blobs were padded to AWS's size; still opened. */
    public static final int UNPADDED_FORMAT = 1;
    public static final int NONCE_BYTES = 12;
    public static final int TAG_BYTES = 16;
    /** AWS KMS's CiphertextBlob for a symmetric key is this many bytes plus the plaintext. */
    public static final int AWS_BLOB_OVERHEAD = 152;

    /** Format 2 bytes before the key id and after it, without the padding: what the padding fills up. */
    private static final int FIXED_BYTES = 1 + 1 + 4 + 1 + NONCE_BYTES + TAG_BYTES;

    public CiphertextBlob {
        if (format != FORMAT && format != UNPADDED_FORMAT) {
            throw new IllegalArgumentException("unknown blob format " + format);
        }
        if (format == UNPADDED_FORMAT && padding != 0) {
            throw new IllegalArgumentException("format 1 blobs have no padding");
        }
        if (padding < 0 || padding > 255) {
            throw new IllegalArgumentException("padding must be 0..255, was " + padding);
        }
    }

    /** A format 2 blob padded to AWS's length. */
    public static CiphertextBlob padded(String keyId, int materialVersion, byte[] nonce, byte[] sealed) {
        return new CiphertextBlob(FORMAT, keyId, materialVersion, paddingFor(keyId), nonce, sealed);
    }

    /** Padding that makes a format 2 blob {@value #AWS_BLOB_OVERHEAD} bytes longer than its plaintext. */
    static int paddingFor(String keyId) {
        return Math.max(0, AWS_BLOB_OVERHEAD - FIXED_BYTES - keyId.length());
    }

    /** The bytes authenticated along with the context: everything before the nonce. */
    public byte[] header() {
        byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(2 + id.length + 4 + (format == FORMAT ? 1 + padding : 0));
        b.put((byte) format).put((byte) id.length).put(id).putInt(materialVersion);
        if (format == FORMAT) {
            b.put((byte) padding); // the padding bytes themselves are the buffer's zeros
        }
        return b.array();
    }

    public byte[] toBytes() {
        byte[] header = header();
        return ByteBuffer.allocate(header.length + nonce.length + sealed.length).put(header).put(nonce).put(sealed).array();
    }

    /** Empty when the bytes are not a blob this server wrote (AWS answers that with InvalidCiphertextException). */
    public static Optional<CiphertextBlob> parse(byte[] bytes) {
        if (bytes.length < 2) {
            return Optional.empty();
        }
        int format = bytes[0] & 0xff;
        if (format != FORMAT && format != UNPADDED_FORMAT) {
            return Optional.empty();
        }
        int idLength = bytes[1] & 0xff;
        int versionEnd = 2 + idLength + 4;
        if (idLength == 0 || bytes.length < versionEnd + (format == FORMAT ? 1 : 0)) {
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
        int padding = 0;
        int headerLength = versionEnd;
        if (format == FORMAT) {
            padding = bytes[versionEnd] & 0xff;
            headerLength = versionEnd + 1 + padding;
            if (bytes.length < headerLength) {
                return Optional.empty();
            }
            for (int i = versionEnd + 1; i < headerLength; i++) {
                if (bytes[i] != 0) {
                    return Optional.empty();
                }
            }
        }
        if (bytes.length < headerLength + NONCE_BYTES + TAG_BYTES) {
            return Optional.empty();
        }
        byte[] nonce = Arrays.copyOfRange(bytes, headerLength, headerLength + NONCE_BYTES);
        byte[] sealed = Arrays.copyOfRange(bytes, headerLength + NONCE_BYTES, bytes.length);
        return Optional.of(new CiphertextBlob(format, keyId, version, padding, nonce, sealed));
    }
}
