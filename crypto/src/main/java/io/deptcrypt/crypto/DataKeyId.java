package io.deptcrypt.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

/**
 * The id of a data key published on the keys topic: 16 random bytes. It is the key of the data key's record on the
 * keys topic and what an AES_GCM_V2 record carries instead of its wrapped keys. Immutable.
 */
public final class DataKeyId {

    public static final int BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] bytes;
    private final int hash;

    private DataKeyId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** A fresh random id (SecureRandom). */
    public static DataKeyId random() {
        return random(RANDOM);
    }

    /** A fresh id from {@code random} (SecureRandom in production; seeded in tests of the stored forms). */
    static DataKeyId random(Random random) {
        byte[] b = new byte[BYTES];
        random.nextBytes(b);
        return new DataKeyId(b);
    }

    /** @throws IllegalArgumentException unless {@code bytes} has {@value #BYTES} bytes (copied) */
    public static DataKeyId of(byte[] bytes) {
        if (bytes == null || bytes.length != BYTES) {
            throw new IllegalArgumentException("a data key id has " + BYTES + " bytes, got "
                    + (bytes == null ? "none" : bytes.length));
        }
        return new DataKeyId(bytes.clone());
    }

    /** The id at {@code offset} of {@code value} (copied). */
    static DataKeyId at(byte[] value, int offset) {
        return new DataKeyId(Arrays.copyOfRange(value, offset, offset + BYTES));
    }

    /** A copy of the 16 bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Writes the 16 bytes at {@code offset}; returns the offset after them. */
    int writeTo(byte[] out, int offset) {
        System.arraycopy(bytes, 0, out, offset, BYTES);
        return offset + BYTES;
    }

    /** Whether the 16 bytes at {@code offset} of {@code value} are this id: the opener's per-record check, no copy. */
    boolean isAt(byte[] value, int offset) {
        return Arrays.equals(bytes, 0, BYTES, value, offset, offset + BYTES);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataKeyId other && hash == other.hash && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Lower-case hex: ids are not secret. */
    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
