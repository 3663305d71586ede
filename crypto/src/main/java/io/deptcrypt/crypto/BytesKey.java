package io.deptcrypt.crypto;

import java.util.Arrays;

/** A byte array as a map key, by content: the caches' key (the array must not change after it is used). */
record BytesKey(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
        return o instanceof BytesKey other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "BytesKey[" + bytes.length + " bytes]";
    }
}
