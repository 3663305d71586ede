package io.deptcrypt.bench;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Deterministic, incompressible-enough event bodies, so every run and every variant sees the same bytes. */
public final class Payloads {

    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,:;-_".toCharArray();

    private Payloads() {}

    /** {@code size} printable ASCII bytes (safe inside a JSON string without escaping). */
    public static byte[] event(int size) {
        return text(size, 42L).getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code length} printable ASCII characters drawn from a generator seeded with {@code seed}. */
    public static String text(int length, long seed) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, was " + length);
        }
        SplittableRandom r = new SplittableRandom(seed);
        char[] c = new char[length];
        for (int i = 0; i < length; i++) {
            c[i] = ALPHABET[r.nextInt(ALPHABET.length)];
        }
        return new String(c);
    }
}
