package io.deptcrypt.crypto;

import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import java.nio.charset.StandardCharsets;

/**
 * The additional authenticated data of an AES_GCM_V1 record: every cleartext envelope field plus the topic, in an
 * unambiguous length-prefixed encoding (docs/wire-format.md, "AAD"):
 * <pre>
 * "deptcrypt-aad" (13 ASCII bytes, no length)
 * uint32 formatVersion
 * lp(format name)  lp(department)  lp(eventId)  lp(topic)
 * int64  timestamp
 * lp(contentType)
 * canonical wrapped keys (uint32 count, then lp(keyProvider) lp(keyId) lp(encryptedDataKey) per key)
 * </pre>
 * {@code lp(x)} is a big-endian uint32 byte length followed by the UTF-8 bytes.
 * <p>
 * The first four fields and the wrapped keys are the same for every record of one data key, so sealer and opener
 * encode that {@link #head} once per data key and only the per-record middle each time.
 */
final class RecordAad {

    static final byte[] LABEL = "deptcrypt-aad".getBytes(StandardCharsets.US_ASCII);

    private RecordAad() {}

    /** {@code "deptcrypt-aad" || uint32 formatVersion || lp(format name) || lp(department)}. */
    static byte[] head(int formatVersion, EnvelopeFormatId format, String department) {
        byte[] f = format.name().getBytes(StandardCharsets.UTF_8);
        byte[] d = department.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[LABEL.length + 4 + Bytes.prefixedLength(f) + Bytes.prefixedLength(d)];
        int at = Bytes.put(out, 0, LABEL);
        at = Bytes.putInt(out, at, formatVersion);
        at = Bytes.putPrefixed(out, at, f);
        Bytes.putPrefixed(out, at, d);
        return out;
    }

    /** The whole AAD, from a {@link #head} and the canonical wrapped keys. */
    static byte[] encode(byte[] head, String eventId, String topic, long timestamp, String contentType,
                         byte[] canonicalWrappedKeys) {
        byte[] e = eventId.getBytes(StandardCharsets.UTF_8);
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        byte[] c = contentType.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + Bytes.prefixedLength(e) + Bytes.prefixedLength(t) + 8
                + Bytes.prefixedLength(c) + canonicalWrappedKeys.length];
        int at = Bytes.put(out, 0, head);
        at = Bytes.putPrefixed(out, at, e);
        at = Bytes.putPrefixed(out, at, t);
        at = Bytes.putLong(out, at, timestamp);
        at = Bytes.putPrefixed(out, at, c);
        Bytes.put(out, at, canonicalWrappedKeys);
        return out;
    }

    static byte[] encode(int formatVersion, EnvelopeFormatId format, String department, String eventId, String topic,
            long timestamp, String contentType, byte[] canonicalWrappedKeys) {
        return encode(head(formatVersion, format, department), eventId, topic, timestamp, contentType,
                canonicalWrappedKeys);
    }
}
