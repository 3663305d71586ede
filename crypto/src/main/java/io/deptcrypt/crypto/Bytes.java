package io.deptcrypt.crypto;

import java.io.ByteArrayOutputStream;

/** Big-endian integers and length-prefixed byte strings, the building blocks of the AAD. */
final class Bytes {
    private Bytes() {}

    // One write per number: ByteArrayOutputStream.write is synchronized, and per-byte writes showed up in profiles.
    static void putInt(ByteArrayOutputStream out, int v) {
        out.write(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v}, 0, 4);
    }

    static void putLong(ByteArrayOutputStream out, long v) {
        out.write(new byte[] {(byte) (v >>> 56), (byte) (v >>> 48), (byte) (v >>> 40), (byte) (v >>> 32),
                (byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v}, 0, 8);
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
