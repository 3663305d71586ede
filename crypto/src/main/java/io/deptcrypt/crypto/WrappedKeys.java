package io.deptcrypt.crypto;

import io.deptcrypt.crypto.avro.WrappedKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.cryptography.materialproviders.model.EncryptedDataKey;

/**
 * Between the MPL's encrypted data keys and the envelope's {@link WrappedKey}s, and their canonical byte encoding
 * (part of the AAD and of the opener's cache key; see docs/wire-format.md).
 * <p>
 * The ESDK key provider info is bytes, {@code WrappedKey.keyId} a string: byte {@code b} becomes the character
 * U+00bb (ISO-8859-1), so the mapping is lossless. For {@code aws-kms} the info is the ASCII key ARN, unchanged.
 */
final class WrappedKeys {

    /** More than this many wrapped keys in one record is refused (denial-of-service guard). */
    static final int MAX_WRAPPED_KEYS = 16;

    private WrappedKeys() {}

    static List<WrappedKey> fromMpl(List<EncryptedDataKey> edks) {
        List<WrappedKey> out = new ArrayList<>(edks.size());
        for (EncryptedDataKey edk : edks) {
            out.add(WrappedKey.newBuilder()
                    .setKeyProvider(edk.keyProviderId())
                    .setKeyId(new String(bytes(edk.keyProviderInfo()), StandardCharsets.ISO_8859_1))
                    .setEncryptedDataKey(ByteBuffer.wrap(bytes(edk.ciphertext())))
                    .build());
        }
        return out;
    }

    static List<EncryptedDataKey> toMpl(List<WrappedKey> keys) {
        List<EncryptedDataKey> out = new ArrayList<>(keys.size());
        for (WrappedKey k : keys) {
            out.add(EncryptedDataKey.builder()
                    .keyProviderId(k.getKeyProvider())
                    .keyProviderInfo(ByteBuffer.wrap(k.getKeyId().getBytes(StandardCharsets.ISO_8859_1)))
                    .ciphertext(ByteBuffer.wrap(bytes(k.getEncryptedDataKey())))
                    .build());
        }
        return out;
    }

    /** Fresh envelope objects over the same immutable bytes, so one envelope's buffers never move another's. */
    static List<WrappedKey> copy(List<WrappedKey> keys) {
        List<WrappedKey> out = new ArrayList<>(keys.size());
        for (WrappedKey k : keys) {
            out.add(new WrappedKey(k.getKeyProvider(), k.getKeyId(), k.getEncryptedDataKey().duplicate()));
        }
        return out;
    }

    /** Copies holding their own bytes, safe from later changes to the buffers of {@code keys}. */
    static List<WrappedKey> copyBytes(List<WrappedKey> keys) {
        List<WrappedKey> out = new ArrayList<>(keys.size());
        for (WrappedKey k : keys) {
            out.add(new WrappedKey(k.getKeyProvider(), k.getKeyId(), ByteBuffer.wrap(bytes(k.getEncryptedDataKey()))));
        }
        return List.copyOf(out);
    }

    /**
     * {@code uint32 count} then per key {@code lp(keyProvider) lp(keyId) lp(encryptedDataKey)} where
     * {@code lp(x) = uint32 length || x}, strings as UTF-8, integers big-endian.
     *
     * @throws EnvelopeException if a field is missing or there are too many keys
     */
    static byte[] canonical(List<WrappedKey> keys) {
        if (keys == null || keys.isEmpty()) {
            throw new EnvelopeException("envelope has no wrapped keys");
        }
        if (keys.size() > MAX_WRAPPED_KEYS) {
            throw new EnvelopeException("envelope has " + keys.size() + " wrapped keys, at most " + MAX_WRAPPED_KEYS
                    + " are accepted");
        }
        byte[][] fields = new byte[keys.size() * 3][];
        int length = 4;
        int i = 0;
        for (WrappedKey k : keys) {
            if (k == null || k.getKeyProvider() == null || k.getKeyId() == null || k.getEncryptedDataKey() == null) {
                throw new EnvelopeException("envelope has an incomplete wrapped key");
            }
            fields[i++] = k.getKeyProvider().getBytes(StandardCharsets.UTF_8);
            fields[i++] = k.getKeyId().getBytes(StandardCharsets.UTF_8);
            fields[i++] = bytes(k.getEncryptedDataKey());
            length += Bytes.prefixedLength(fields[i - 3]) + Bytes.prefixedLength(fields[i - 2])
                    + Bytes.prefixedLength(fields[i - 1]);
        }
        byte[] out = new byte[length];
        int at = Bytes.putInt(out, 0, keys.size());
        for (byte[] f : fields) {
            at = Bytes.putPrefixed(out, at, f);
        }
        return out;
    }

    /**
     * Whether two wrapped-key lists hold the same keys, field by field (what {@link #canonical} encodes), without
     * encoding them: the opener's check that a record carries the data key of the record before it.
     */
    static boolean same(List<WrappedKey> a, List<WrappedKey> b) {
        if (a == null || b == null || a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            WrappedKey x = a.get(i);
            WrappedKey y = b.get(i);
            if (x == null || y == null || !Objects.equals(x.getKeyProvider(), y.getKeyProvider())
                    || !Objects.equals(x.getKeyId(), y.getKeyId())
                    || !Objects.equals(x.getEncryptedDataKey(), y.getEncryptedDataKey())) {
                return false;
            }
        }
        return true;
    }

    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
