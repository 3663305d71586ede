package io.deptcrypt.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Big-endian integers and length-prefixed byte strings written into an array sized exactly beforehand, the building
 * blocks of the AAD and the canonical wrapped keys. Each {@code put} returns the offset after what it wrote.
 * (Not a ByteArrayOutputStream: its synchronized writes, growth and final copy showed up in per-record profiles.)
 */
final class Bytes {

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Bytes() {}

    /** Bytes taken by {@code lp(b)}: a uint32 length, then {@code b}. */
    static int prefixedLength(byte[] b) {
        return 4 + b.length;
    }

    static int putInt(byte[] out, int at, int v) {
        INT.set(out, at, v);
        return at + 4;
    }

    static int putLong(byte[] out, int at, long v) {
        LONG.set(out, at, v);
        return at + 8;
    }

    static int getInt(byte[] in, int at) {
        return (int) INT.get(in, at);
    }

    static long getLong(byte[] in, int at) {
        return (long) LONG.get(in, at);
    }

    static int put(byte[] out, int at, byte[] b) {
        System.arraycopy(b, 0, out, at, b.length);
        return at + b.length;
    }

    static int putPrefixed(byte[] out, int at, byte[] b) {
        return put(out, putInt(out, at, b.length), b);
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder(b.length * 2);
        for (byte x : b) {
            s.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return s.toString();
    }
}
