package io.deptcrypt.crypto;

/**
 * KMS could not answer now (throttling, timeout, 5xx, connection refused). Transient: the caller retries the same
 * record with backoff and makes no progress past it.
 */
public class KmsUnavailableException extends TemporarilyUnavailableException {
    private static final long serialVersionUID = 1L;

    public KmsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
