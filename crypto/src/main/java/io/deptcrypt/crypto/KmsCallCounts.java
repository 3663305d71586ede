package io.deptcrypt.crypto;

/**
 * How many KMS calls a {@link KeyringProvider} made (attempts, successful or not). For the raw AES test provider the
 * numbers count the keyring operations that would have been KMS calls.
 */
public record KmsCallCounts(long generateDataKey, long encrypt, long decrypt) {

    public static final KmsCallCounts ZERO = new KmsCallCounts(0, 0, 0);

    public long total() {
        return generateDataKey + encrypt + decrypt;
    }

    public KmsCallCounts minus(KmsCallCounts earlier) {
        return new KmsCallCounts(generateDataKey - earlier.generateDataKey, encrypt - earlier.encrypt,
                decrypt - earlier.decrypt);
    }
}
