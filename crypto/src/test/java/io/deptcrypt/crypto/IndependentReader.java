package io.deptcrypt.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A reader written from docs/wire-format.md alone: plain JDK, no Avro, no deptcrypt classes, no MPL. It opens an
 * AES_GCM_V1 record value whose data key was wrapped by the raw AES test keyring. If the document is wrong, this
 * fails.
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
        byte[] info = k.keyId().getBytes(StandardCharsets.ISO_8859_1);
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
        return c.doFinal(k.encryptedDataKey());
    }

    /** Section "Ciphertext": AES-256-GCM, 96-bit nonce, 128-bit tag at the end. */
    static byte[] decrypt(Value v, String topic, byte[] dataKey) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(dataKey, "AES"), new GCMParameterSpec(128, v.nonce()));
        c.updateAAD(aad(v, topic));
        return c.doFinal(v.ciphertext());
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
