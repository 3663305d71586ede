package io.deptcrypt.localkms.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * The encryption context as AES-GCM additional authenticated data, in an encoding where different contexts can never
 * produce the same bytes: pairs sorted by the key's UTF-8 bytes (unsigned), a u32 pair count, then per pair a u32
 * length and the key's UTF-8 bytes, a u32 length and the value's UTF-8 bytes. (Emulators that concatenate
 * {@code key‖value} let {@code {"ab":"c"}} and {@code {"a":"bc"}} collide.)
 */
public final class EncryptionContextEncoding {

    private EncryptionContextEncoding() {}

    public static byte[] encode(Map<String, String> context) {
        byte[][][] pairs = new byte[context.size()][][];
        int i = 0;
        for (Map.Entry<String, String> e : context.entrySet()) {
            pairs[i++] = new byte[][] {e.getKey().getBytes(StandardCharsets.UTF_8), e.getValue().getBytes(StandardCharsets.UTF_8)};
        }
        Arrays.sort(pairs, (a, b) -> Arrays.compareUnsigned(a[0], b[0]));
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + context.size() * 32);
        writeU32(out, pairs.length);
        for (byte[][] pair : pairs) {
            writeU32(out, pair[0].length);
            out.writeBytes(pair[0]);
            writeU32(out, pair[1].length);
            out.writeBytes(pair[1]);
        }
        return out.toByteArray();
    }

    private static void writeU32(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }
}
