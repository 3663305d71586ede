package io.deptcrypt.devstack;

import io.deptcrypt.crypto.KmsCallCounts;

/** Sums the KMS call counts of app instances (thread-safe). */
final class KmsCallTotals {
    private long generateDataKey;
    private long encrypt;
    private long decrypt;

    synchronized void add(KmsCallCounts c) {
        generateDataKey += c.generateDataKey();
        encrypt += c.encrypt();
        decrypt += c.decrypt();
    }

    synchronized KmsCallCounts snapshot() {
        return new KmsCallCounts(generateDataKey, encrypt, decrypt);
    }
}
