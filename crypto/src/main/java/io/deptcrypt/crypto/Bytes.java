package io.deptcrypt.crypto;

import java.io.ByteArrayOutputStream;

/** Big-endian integers and length-prefixed byte strings, the building blocks of the AAD. */
final class Bytes {
    private Bytes() {}

    static void putInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    static void putLong(ByteArrayOutputStream out, long v) {
        putInt(out, (int) (v >>> 32));
        putInt(out, (int) v);
    }

    static void putPrefixed(ByteArrayOutputStream out, byte[] b) {
        putInt(out, b.length);
        out.write(b, 0, b.length);
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder(b.length * 2);
        for (byte x : b) {
            s.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return s.toString();
    }
}
