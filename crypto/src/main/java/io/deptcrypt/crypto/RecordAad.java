package io.deptcrypt.crypto;

import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import java.io.ByteArrayOutputStream;
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
 */
final class RecordAad {

    static final byte[] LABEL = "deptcrypt-aad".getBytes(StandardCharsets.US_ASCII);

    private RecordAad() {}

    static byte[] encode(int formatVersion, EnvelopeFormatId format, String department, String eventId, String topic,
            long timestamp, String contentType, byte[] canonicalWrappedKeys) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + canonicalWrappedKeys.length);
        out.write(LABEL, 0, LABEL.length);
        Bytes.putInt(out, formatVersion);
        Bytes.putPrefixed(out, format.name().getBytes(StandardCharsets.UTF_8));
        Bytes.putPrefixed(out, department.getBytes(StandardCharsets.UTF_8));
        Bytes.putPrefixed(out, eventId.getBytes(StandardCharsets.UTF_8));
        Bytes.putPrefixed(out, topic.getBytes(StandardCharsets.UTF_8));
        Bytes.putLong(out, timestamp);
        Bytes.putPrefixed(out, contentType.getBytes(StandardCharsets.UTF_8));
        out.write(canonicalWrappedKeys, 0, canonicalWrappedKeys.length);
        return out.toByteArray();
    }
}
