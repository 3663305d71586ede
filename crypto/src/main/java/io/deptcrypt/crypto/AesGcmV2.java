package io.deptcrypt.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Envelope version 2, format AES_GCM_V2 (docs/wire-format.md, "Format version 2"): a fixed binary layout read in
 * place, the data key by reference to its record on the keys topic, and a part table so that one record can carry
 * parts sealed for different audiences: one part, the whole event, for a department's event; for an event type with
 * field rules (docs/event-types.md) the rest of the event ({@link #REST_FIELD}) and one part per field group.
 * <pre>
 * u8     0xDC                      magic (as version 1)
 * u8     0x04                      version: the Avro zig-zag varint of 2, so a version 1 reader refuses it
 * u8     content type code         01 application/json, 02 text/plain, 03 application/octet-stream;
 *                                  FF then u8 n and n bytes of UTF-8 media type for any other
 * i64    timestamp                 event time, epoch ms
 * u16    n, n bytes                event id, UTF-8 (1..65535 bytes)
 * u8     P                         parts (1..16)
 * P x    16 bytes                  data key id (Kafka key of its record on the keys topic)
 *        u8 F, F x (u8 n, n bytes) the part's fields, UTF-8 (F = 0: the whole event)
 *        12 bytes                  GCM nonce
 *        u32                       ciphertext length (at least 16)
 * then   the P ciphertexts, in part order, each GCM ciphertext followed by its 16-byte tag; nothing after them
 * </pre>
 * The AAD of part k is {@code "deptcrypt-v2-part" || u32 len || topic || u32 k || SHA-256(data key record value) ||
 * value[0 .. first ciphertext)}: every cleartext byte of the record, the topic, the part's place and its data key's
 * record (audiences and wrapped keys) are authenticated, the last without hashing per record.
 */
final class AesGcmV2 {

    static final byte VERSION_BYTE = 0x04;
    static final int NONCE_BYTES = AesGcmV1.NONCE_BYTES;
    static final int TAG_BITS = AesGcmV1.TAG_BITS;
    static final int TAG_BYTES = AesGcmV1.TAG_BYTES;
    static final int MAX_PARTS = 16;
    static final int MAX_EVENT_ID_BYTES = 0xFFFF;
    static final int OTHER_CONTENT_TYPE = 0xFF;
    static final byte[] AAD_LABEL = "deptcrypt-v2-part".getBytes(StandardCharsets.US_ASCII);
    /** The field of the part holding the event without its field groups: the empty JSON Pointer (the document). */
    static final String REST_FIELD = "";
    static final int MAX_FIELDS = 255;
    static final int MAX_FIELD_BYTES = 255;

    /** Content type codes; the index is the code, 0 is not used. */
    private static final List<String> CONTENT_TYPES = List.of("", "application/json", "text/plain",
            "application/octet-stream");

    /** Bytes of a part entry without fields: id, field count, nonce, ciphertext length. */
    static final int PART_ENTRY_BYTES = DataKeyId.BYTES + 1 + NONCE_BYTES + 4;

    private AesGcmV2() {}

    /** Whether {@code value} is a version 2 record (magic, then the version byte); nothing else is checked. */
    static boolean isVersion2(byte[] value) {
        return value != null && value.length >= 2 && value[0] == EnvelopeSerde.MAGIC && value[1] == VERSION_BYTE;
    }

    /** The code of a media type, or {@value #OTHER_CONTENT_TYPE} if it has none. */
    static int contentTypeCode(String contentType) {
        int code = CONTENT_TYPES.indexOf(contentType);
        return code > 0 ? code : OTHER_CONTENT_TYPE;
    }

    static String contentType(int code) {
        return CONTENT_TYPES.get(code);
    }

    /**
     * The bytes before the first ciphertext of a one-part, whole-event record: what {@link #writeHeader} writes.
     *
     * @param contentTypeText the UTF-8 media type for code {@value #OTHER_CONTENT_TYPE}, else null
     */
    static int headerLength(byte[] contentTypeText, int eventIdBytes) {
        return 3 + (contentTypeText == null ? 0 : 1 + contentTypeText.length) + 8 + 2 + eventIdBytes + 1
                + PART_ENTRY_BYTES;
    }

    /**
     * Writes the header of a one-part, whole-event record into {@code out} from offset 0, with the nonce; returns
     * the offset of the nonce (the header ends {@code 4} bytes after it, where the ciphertext starts).
     */
    static int writeHeader(byte[] out, int contentTypeCode, byte[] contentTypeText, long timestamp, byte[] eventId,
            DataKeyId key, int ciphertextLength) {
        int at = writeFixedFields(out, contentTypeCode, contentTypeText, timestamp, eventId);
        out[at++] = 1; // one part
        at = key.writeTo(out, at);
        out[at++] = 0; // no fields: the whole event
        Bytes.putInt(out, at + NONCE_BYTES, ciphertextLength);
        return at;
    }

    /** Writes the fields before the part table (magic to event id) from offset 0; returns where the table starts. */
    private static int writeFixedFields(byte[] out, int contentTypeCode, byte[] contentTypeText, long timestamp,
            byte[] eventId) {
        int at = 0;
        out[at++] = EnvelopeSerde.MAGIC;
        out[at++] = VERSION_BYTE;
        out[at++] = (byte) contentTypeCode;
        if (contentTypeText != null) {
            out[at++] = (byte) contentTypeText.length;
            at = Bytes.put(out, at, contentTypeText);
        }
        at = Bytes.putLong(out, at, timestamp);
        out[at++] = (byte) (eventId.length >>> 8);
        out[at++] = (byte) eventId.length;
        at = Bytes.put(out, at, eventId);
        return at;
    }

    /** The bytes of a part entry with these fields (UTF-8 each). */
    static int partEntryLength(byte[][] fields) {
        int n = PART_ENTRY_BYTES;
        for (byte[] f : fields) {
            n += 1 + f.length;
        }
        return n;
    }

    /**
     * Writes the header of a record of {@code keys.length} parts into {@code out} from offset 0, without nonces;
     * returns each part's nonce offset. The header ends where the first ciphertext starts.
     */
    static int[] writeHeader(byte[] out, int contentTypeCode, byte[] contentTypeText, long timestamp, byte[] eventId,
            DataKeyId[] keys, byte[][][] fields, int[] ciphertextLengths) {
        int at = writeFixedFields(out, contentTypeCode, contentTypeText, timestamp, eventId);
        out[at++] = (byte) keys.length;
        int[] nonces = new int[keys.length];
        for (int k = 0; k < keys.length; k++) {
            at = keys[k].writeTo(out, at);
            out[at++] = (byte) fields[k].length;
            for (byte[] f : fields[k]) {
                out[at++] = (byte) f.length;
                at = Bytes.put(out, at, f);
            }
            nonces[k] = at;
            at = Bytes.putInt(out, at + NONCE_BYTES, ciphertextLengths[k]);
        }
        return nonces;
    }

    /**
     * The part table of a record of {@code parts}: each part's fields as UTF-8, each ciphertext's length, the header's
     * length and the record's.
     */
    record PartTable(byte[][][] fields, int[] ciphertextLengths, int headerLength, int recordLength) {

        /**
         * @throws IllegalArgumentException 0 or more than {@value #MAX_PARTS} parts, a part without fields in a record
         *                                  of several, more than {@value #MAX_FIELDS} fields or a field longer than
         *                                  {@value #MAX_FIELD_BYTES} UTF-8 bytes, or a record over 2 GB
         */
        static PartTable of(List<RecordPart> parts, byte[] contentTypeText, int eventIdBytes, String eventId) {
            int p = parts.size();
            if (p < 1 || p > MAX_PARTS) {
                throw new IllegalArgumentException("a record has 1 to " + MAX_PARTS + " parts, not " + p + " (event "
                        + eventId + ")");
            }
            byte[][][] fields = new byte[p][][];
            int[] lengths = new int[p];
            long header = AesGcmV2.headerLength(contentTypeText, eventIdBytes) - PART_ENTRY_BYTES;
            long total = 0;
            for (int k = 0; k < p; k++) {
                List<String> names = parts.get(k).fields();
                if (p > 1 && names.isEmpty()) {
                    throw new IllegalArgumentException("part " + k + " of a record of " + p + " parts names no fields"
                            + " (event " + eventId + ")");
                }
                if (names.size() > MAX_FIELDS) {
                    throw new IllegalArgumentException("part " + k + " has " + names.size() + " fields; at most "
                            + MAX_FIELDS + " (event " + eventId + ")");
                }
                fields[k] = new byte[names.size()][];
                for (int f = 0; f < fields[k].length; f++) {
                    fields[k][f] = names.get(f).getBytes(StandardCharsets.UTF_8);
                    if (fields[k][f].length > MAX_FIELD_BYTES) {
                        throw new IllegalArgumentException("field " + names.get(f) + " is longer than "
                                + MAX_FIELD_BYTES + " UTF-8 bytes (event " + eventId + ")");
                    }
                }
                header += partEntryLength(fields[k]);
                lengths[k] = parts.get(k).plaintext().length + TAG_BYTES;
                total += lengths[k];
            }
            if (header + total > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("event " + eventId + " is too large for one record");
            }
            return new PartTable(fields, lengths, (int) header, (int) (header + total));
        }
    }

    /** {@code "deptcrypt-v2-part" || lp(topic) || u32 part || sha256}: the AAD before the record's header bytes. */
    static byte[] aadPrefix(String topic, int part, byte[] keyRecordSha256) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[AAD_LABEL.length + Bytes.prefixedLength(t) + 4 + keyRecordSha256.length];
        int at = Bytes.put(out, 0, AAD_LABEL);
        at = Bytes.putPrefixed(out, at, t);
        at = Bytes.putInt(out, at, part);
        Bytes.put(out, at, keyRecordSha256);
        return out;
    }

    /** Encrypts {@code plaintext} straight into {@code out} after its header, with the AAD taken from {@code out}. */
    static void encrypt(Cipher gcm, SecretKey key, byte[] out, int nonceOffset, int headerLength, byte[] aadPrefix,
            byte[] plaintext) {
        try {
            gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, out, nonceOffset, NONCE_BYTES));
            gcm.updateAAD(aadPrefix);
            gcm.updateAAD(out, 0, headerLength);
            gcm.doFinal(plaintext, 0, plaintext.length, out, headerLength);
        } catch (GeneralSecurityException e) {
            throw new DeptcryptCryptoException("AES-GCM encryption failed: " + e.getClass().getSimpleName(), e);
        }
    }

    /** Encrypts part {@code plaintext} into {@code out} at {@code ciphertextOffset}; the AAD as above. */
    static void encrypt(Cipher gcm, SecretKey key, byte[] out, int nonceOffset, int headerLength, byte[] aadPrefix,
            byte[] plaintext, int ciphertextOffset) {
        try {
            gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, out, nonceOffset, NONCE_BYTES));
            gcm.updateAAD(aadPrefix);
            gcm.updateAAD(out, 0, headerLength);
            gcm.doFinal(plaintext, 0, plaintext.length, out, ciphertextOffset);
        } catch (GeneralSecurityException e) {
            throw new DeptcryptCryptoException("AES-GCM encryption failed: " + e.getClass().getSimpleName(), e);
        }
    }

    /** Decrypts part {@code k} straight from the value array: no copies of nonce, header or ciphertext. */
    static byte[] decrypt(Cipher gcm, SecretKey key, byte[] value, Layout l, int k, byte[] aadPrefix, String topic) {
        try {
            gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, value, l.nonceOffset(k), NONCE_BYTES));
            gcm.updateAAD(aadPrefix);
            gcm.updateAAD(value, 0, l.headerLength());
            return gcm.doFinal(value, l.ciphertextOffset(k), l.ciphertextLength(k));
        } catch (AEADBadTagException e) {
            throw l.error(value, "record failed authentication: a byte of it was changed, its data key's record on the"
                    + " keys topic is not the one it was sealed with, or it was moved to another topic", topic);
        } catch (GeneralSecurityException e) {
            throw l.error(value, "AES-GCM decryption failed: " + e.getClass().getSimpleName(), topic);
        }
    }

    /**
     * Offsets of a version 2 record's fields, found by one pass over its header; the record is not copied.
     *
     * @param parts per part: {offset of its data key id, number of fields, offset of its nonce, offset of its
     *              ciphertext, length of its ciphertext}
     */
    record Layout(int contentTypeCode, int contentTypeOffset, int contentTypeLength, long timestamp, int eventIdOffset,
                  int eventIdLength, int headerLength, int[][] parts) {

        int partCount() {
            return parts.length;
        }

        int keyIdOffset(int k) {
            return parts[k][0];
        }

        int fieldCount(int k) {
            return parts[k][1];
        }

        int nonceOffset(int k) {
            return parts[k][2];
        }

        int ciphertextOffset(int k) {
            return parts[k][3];
        }

        int ciphertextLength(int k) {
            return parts[k][4];
        }

        /** The fields part {@code k} lists (JSON Pointers; empty: the whole event). */
        List<String> fields(byte[] value, int k) {
            int n = fieldCount(k);
            if (n == 0) {
                return List.of();
            }
            String[] out = new String[n];
            int at = keyIdOffset(k) + DataKeyId.BYTES + 1;
            for (int f = 0; f < n; f++) {
                int length = value[at++] & 0xff;
                out[f] = new String(value, at, length, StandardCharsets.UTF_8);
                at += length;
            }
            return List.of(out);
        }

        String eventId(byte[] value) {
            return new String(value, eventIdOffset, eventIdLength, StandardCharsets.UTF_8);
        }

        String contentType(byte[] value) {
            return contentTypeCode == OTHER_CONTENT_TYPE
                    ? new String(value, contentTypeOffset, contentTypeLength, StandardCharsets.UTF_8)
                    : AesGcmV2.contentType(contentTypeCode);
        }

        /** {@code problem}, naming the record by its event id and topic (cleartext, never secret). */
        EnvelopeException error(byte[] value, String problem, String topic) {
            return new EnvelopeException(problem + " (AES_GCM_V2 record, eventId " + eventId(value) + ", topic "
                    + topic + ")");
        }
    }

    /**
     * Reads the header of a version 2 record by offsets.
     *
     * @throws EnvelopeException if it is not a complete, well-formed version 2 record
     */
    static Layout parse(byte[] v, String topic) {
        if (!isVersion2(v)) {
            throw new EnvelopeException("not an AES_GCM_V2 record: it does not start with 0xDC 0x04");
        }
        int at = 2;
        need(v, at, 1, "content type");
        int code = v[at++] & 0xff;
        int ctOffset = 0;
        int ctLength = 0;
        if (code == OTHER_CONTENT_TYPE) {
            need(v, at, 1, "content type length");
            ctLength = v[at++] & 0xff;
            need(v, at, ctLength, "content type");
            ctOffset = at;
            at += ctLength;
        } else if (code == 0 || code >= CONTENT_TYPES.size()) {
            throw new EnvelopeException(String.format("not an AES_GCM_V2 record this reader knows: content type code"
                    + " 0x%02x (known: 01..%02x and ff), topic %s", code, CONTENT_TYPES.size() - 1, topic));
        }
        need(v, at, 8 + 2, "timestamp and event id length");
        long timestamp = Bytes.getLong(v, at);
        at += 8;
        int idLength = ((v[at] & 0xff) << 8) | (v[at + 1] & 0xff);
        at += 2;
        if (idLength == 0) {
            throw new EnvelopeException("not an AES_GCM_V2 record: empty event id, topic " + topic);
        }
        need(v, at, idLength + 1, "event id and part count");
        int idOffset = at;
        at += idLength;
        int partCount = v[at++] & 0xff;
        if (partCount < 1 || partCount > MAX_PARTS) {
            throw new EnvelopeException("not an AES_GCM_V2 record: " + partCount + " parts (1 to " + MAX_PARTS
                    + " allowed), topic " + topic);
        }
        int[][] parts = new int[partCount][5];
        for (int k = 0; k < partCount; k++) {
            need(v, at, DataKeyId.BYTES + 1, "part " + k);
            parts[k][0] = at;
            at += DataKeyId.BYTES;
            int fields = v[at++] & 0xff;
            parts[k][1] = fields;
            for (int f = 0; f < fields; f++) {
                need(v, at, 1, "part " + k + " field length");
                int n = v[at++] & 0xff;
                need(v, at, n, "part " + k + " field");
                at += n;
            }
            need(v, at, NONCE_BYTES + 4, "part " + k + " nonce and ciphertext length");
            parts[k][2] = at;
            at += NONCE_BYTES;
            int length = Bytes.getInt(v, at);
            at += 4;
            if (length < TAG_BYTES) {
                throw new EnvelopeException("not an AES_GCM_V2 record: part " + k + " ciphertext of " + length
                        + " bytes, shorter than its tag, topic " + topic);
            }
            parts[k][4] = length;
        }
        int headerLength = at;
        long end = headerLength;
        for (int[] p : parts) {
            p[3] = (int) end;
            end += p[4];
        }
        if (end != v.length) {
            throw new EnvelopeException("not an AES_GCM_V2 record: its parts end at byte " + end + " but the value has "
                    + v.length + ", topic " + topic);
        }
        return new Layout(code, ctOffset, ctLength, timestamp, idOffset, idLength, headerLength, parts);
    }

    private static void need(byte[] v, int at, int n, String what) {
        if (n < 0 || at + n > v.length) {
            throw new EnvelopeException("not an AES_GCM_V2 record: it ends inside the " + what + " (" + v.length
                    + " bytes)");
        }
    }
}
