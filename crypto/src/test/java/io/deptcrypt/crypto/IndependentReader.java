package io.deptcrypt.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A reader written from docs/wire-format.md alone: plain JDK, no Avro, no deptcrypt classes, no MPL. It opens an
 * AES_GCM_V1 record value, and an AES_GCM_V2 record value with its data key's record from the keys topic, whose data
 * keys were wrapped by the raw AES test keyring. If the document is wrong, this fails.
 */
final class IndependentReader {

    record WrappedKey(String keyProvider, String keyId, byte[] encryptedDataKey) {}

    record Value(int formatVersion, int formatIndex, String department, String eventId, long timestamp,
            String contentType, List<WrappedKey> wrappedKeys, byte[] nonce, byte[] ciphertext) {}

    private final ByteBuffer in;

    private IndependentReader(byte[] value) {
        this.in = ByteBuffer.wrap(value);
    }

    /** Section "Record value": magic byte 0xDC, then the Avro binary encoding of Envelope. */
    static Value parse(byte[] value) {
        IndependentReader r = new IndependentReader(value);
        if ((r.in.get() & 0xff) != 0xDC) {
            throw new IllegalArgumentException("bad magic");
        }
        int formatVersion = (int) r.varlong();
        int format = (int) r.varlong();
        String department = r.string();
        String eventId = r.string();
        long timestamp = r.varlong();
        String contentType = r.string();
        List<WrappedKey> keys = new ArrayList<>();
        for (long count = r.varlong(); count != 0; count = r.varlong()) {
            if (count < 0) {
                count = -count;
                r.varlong(); // block size in bytes
            }
            for (long i = 0; i < count; i++) {
                keys.add(new WrappedKey(r.string(), r.string(), r.bytes()));
            }
        }
        byte[] nonce = r.bytes();
        byte[] ciphertext = r.bytes();
        if (r.in.hasRemaining()) {
            throw new IllegalArgumentException("trailing bytes");
        }
        return new Value(formatVersion, format, department, eventId, timestamp, contentType, keys, nonce, ciphertext);
    }

    /** Section "AAD". */
    static byte[] aad(Value v, String topic) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("deptcrypt-aad".getBytes(StandardCharsets.US_ASCII));
        u32(out, v.formatVersion());
        lp(out, (v.formatIndex() == 0 ? "AES_GCM_V1" : "ESDK_MESSAGE_V1").getBytes(StandardCharsets.UTF_8));
        lp(out, v.department().getBytes(StandardCharsets.UTF_8));
        lp(out, v.eventId().getBytes(StandardCharsets.UTF_8));
        lp(out, topic.getBytes(StandardCharsets.UTF_8));
        u32(out, (int) (v.timestamp() >>> 32));
        u32(out, (int) v.timestamp());
        lp(out, v.contentType().getBytes(StandardCharsets.UTF_8));
        u32(out, v.wrappedKeys().size());
        for (WrappedKey k : v.wrappedKeys()) {
            lp(out, k.keyProvider().getBytes(StandardCharsets.UTF_8));
            lp(out, k.keyId().getBytes(StandardCharsets.UTF_8));
            lp(out, k.encryptedDataKey());
        }
        return out.toByteArray();
    }

    /** Section "Wrapped key, raw AES test keyring": unwrap with the 32-byte wrapping key. */
    static byte[] unwrapRawAes(WrappedKey k, String department, byte[] wrappingKey) throws GeneralSecurityException {
        return unwrapRawAes(k.keyId().getBytes(StandardCharsets.ISO_8859_1), k.encryptedDataKey(), department,
                wrappingKey);
    }

    /** The same for a version 2 data key record's wrapped key: its key provider info is bytes there. */
    static byte[] unwrapRawAes(AudienceKey k, byte[] wrappingKey) throws GeneralSecurityException {
        return unwrapRawAes(k.keyProviderInfo(), k.encryptedDataKey(), k.audience(), wrappingKey);
    }

    private static byte[] unwrapRawAes(byte[] info, byte[] encryptedDataKey, String department, byte[] wrappingKey)
            throws GeneralSecurityException {
        ByteBuffer b = ByteBuffer.wrap(info, info.length - 20, 20);
        int tagBits = b.getInt();
        int ivLength = b.getInt();
        byte[] iv = new byte[ivLength];
        b.get(iv);
        // The serialized encryption context {"department": d}: uint16 pair count, then uint16-length key and value.
        ByteArrayOutputStream ec = new ByteArrayOutputStream();
        u16(ec, 1);
        byte[] key = "department".getBytes(StandardCharsets.UTF_8);
        byte[] value = department.getBytes(StandardCharsets.UTF_8);
        u16(ec, key.length);
        ec.writeBytes(key);
        u16(ec, value.length);
        ec.writeBytes(value);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(wrappingKey, "AES"), new GCMParameterSpec(tagBits, iv));
        c.updateAAD(ec.toByteArray());
        return c.doFinal(encryptedDataKey);
    }

    /** Section "Ciphertext": AES-256-GCM, 96-bit nonce, 128-bit tag at the end. */
    static byte[] decrypt(Value v, String topic, byte[] dataKey) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(dataKey, "AES"), new GCMParameterSpec(128, v.nonce()));
        c.updateAAD(aad(v, topic));
        return c.doFinal(v.ciphertext());
    }

    // ---- Format version 2: section "Format AES_GCM_V2 (envelope version 2)"

    /** One entry of the part table, with its ciphertext (GCM ciphertext followed by the tag). */
    record Part(byte[] dataKeyId, List<byte[]> fields, byte[] nonce, byte[] ciphertext) {}

    /** A version 2 value; {@code headerLength} is where the first ciphertext starts (the AAD covers all before it). */
    record CompactValue(String contentType, long timestamp, String eventId, List<Part> parts, int headerLength) {}

    record AudienceKey(String audience, String keyProvider, byte[] keyProviderInfo, byte[] encryptedDataKey) {}

    /** A keys-topic value: magic 0xDD, then the Avro binary encoding of DataKeyRecord. */
    record KeyRecord(int recordVersion, byte[] id, int formatIndex, List<String> audiences,
            List<AudienceKey> wrappedKeys, long createdAt, String application) {}

    /** Section "Value, byte by byte": fixed-width big-endian fields, read in place. */
    static CompactValue parseV2(byte[] value) {
        ByteBuffer in = ByteBuffer.wrap(value); // big-endian
        if ((in.get() & 0xff) != 0xDC || (in.get() & 0xff) != 0x04) {
            throw new IllegalArgumentException("not a version 2 value");
        }
        int code = in.get() & 0xff;
        String contentType = switch (code) {
            case 0x01 -> "application/json";
            case 0x02 -> "text/plain";
            case 0x03 -> "application/octet-stream";
            case 0xFF -> new String(take(in, in.get() & 0xff), StandardCharsets.UTF_8);
            default -> throw new IllegalArgumentException("unknown content type code " + code);
        };
        long timestamp = in.getLong();
        String eventId = new String(take(in, in.getShort() & 0xffff), StandardCharsets.UTF_8);
        int partCount = in.get() & 0xff;
        List<byte[]> ids = new ArrayList<>();
        List<List<byte[]>> fields = new ArrayList<>();
        List<byte[]> nonces = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        for (int k = 0; k < partCount; k++) {
            ids.add(take(in, 16));
            List<byte[]> f = new ArrayList<>();
            for (int n = in.get() & 0xff; n > 0; n--) {
                f.add(take(in, in.get() & 0xff));
            }
            fields.add(f);
            nonces.add(take(in, 12));
            lengths.add(in.getInt());
        }
        int headerLength = in.position();
        List<Part> parts = new ArrayList<>();
        for (int k = 0; k < partCount; k++) {
            parts.add(new Part(ids.get(k), fields.get(k), nonces.get(k), take(in, lengths.get(k))));
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("trailing bytes");
        }
        return new CompactValue(contentType, timestamp, eventId, parts, headerLength);
    }

    /** Section "Data key record": Avro binary, read with the rules of "Record value". */
    static KeyRecord parseKeyRecord(byte[] value) {
        IndependentReader r = new IndependentReader(value);
        if ((r.in.get() & 0xff) != 0xDD) {
            throw new IllegalArgumentException("bad magic");
        }
        int recordVersion = (int) r.varlong();
        byte[] id = take(r.in, 16); // Avro fixed: the bytes, no length
        int format = (int) r.varlong();
        List<String> audiences = new ArrayList<>();
        r.array(() -> audiences.add(r.string()));
        List<AudienceKey> keys = new ArrayList<>();
        r.array(() -> keys.add(new AudienceKey(r.string(), r.string(), r.bytes(), r.bytes())));
        long createdAt = r.varlong();
        String application = r.string();
        if (r.in.hasRemaining()) {
            throw new IllegalArgumentException("trailing bytes");
        }
        return new KeyRecord(recordVersion, id, format, audiences, keys, createdAt, application);
    }

    /** Section "AAD of a part". */
    static byte[] aadV2(byte[] value, CompactValue v, int part, String topic, byte[] keyRecordValue)
            throws GeneralSecurityException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("deptcrypt-v2-part".getBytes(StandardCharsets.US_ASCII));
        lp(out, topic.getBytes(StandardCharsets.UTF_8));
        u32(out, part);
        out.writeBytes(MessageDigest.getInstance("SHA-256").digest(keyRecordValue));
        out.write(value, 0, v.headerLength());
        return out.toByteArray();
    }

    /** AES-256-GCM of part {@code part}: IV = its nonce, AAD as above, the tag at the end of its ciphertext. */
    static byte[] decryptV2(byte[] value, CompactValue v, int part, String topic, byte[] keyRecordValue, byte[] dataKey)
            throws GeneralSecurityException {
        Part p = v.parts().get(part);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(dataKey, "AES"), new GCMParameterSpec(128, p.nonce()));
        c.updateAAD(aadV2(value, v, part, topic, keyRecordValue));
        return c.doFinal(p.ciphertext());
    }

    private static byte[] take(ByteBuffer in, int n) {
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    /** An Avro array: blocks of items, a negative count followed by the block's byte size, 0 at the end. */
    private void array(Runnable readItem) {
        for (long count = varlong(); count != 0; count = varlong()) {
            if (count < 0) {
                count = -count;
                varlong(); // block size in bytes
            }
            for (long i = 0; i < count; i++) {
                readItem.run();
            }
        }
    }

    private long varlong() {
        long raw = 0;
        int shift = 0;
        int b;
        do {
            b = in.get() & 0xff;
            raw |= (long) (b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return (raw >>> 1) ^ -(raw & 1);
    }

    private byte[] bytes() {
        byte[] b = new byte[(int) varlong()];
        in.get(b);
        return b;
    }

    private String string() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    private static void u32(ByteArrayOutputStream out, int v) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(v).array());
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.writeBytes(ByteBuffer.allocate(2).putShort((short) v).array());
    }

    private static void lp(ByteArrayOutputStream out, byte[] b) {
        u32(out, b.length);
        out.writeBytes(b);
    }
}
