package io.deptcrypt.crypto;

/**
 * Something sealing or opening depends on cannot answer now: KMS ({@link KmsUnavailableException}) or the keys topic
 * ({@link KeysTopicUnavailableException}). Transient: the caller retries the same record with backoff and makes no
 * progress past it (runtime's {@code KmsRetry} does).
 */
public class TemporarilyUnavailableException extends DeptcryptCryptoException {
    private static final long serialVersionUID = 1L;

    public TemporarilyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
