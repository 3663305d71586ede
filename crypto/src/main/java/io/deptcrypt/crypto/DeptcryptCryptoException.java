package io.deptcrypt.crypto;

/**
 * Base of every failure of sealing or opening. Unchecked; the subclass says what the caller should do.
 * Messages never contain plaintext or key material.
 */
public class DeptcryptCryptoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DeptcryptCryptoException(String message) {
        super(message);
    }

    public DeptcryptCryptoException(String message, Throwable cause) {
        super(message, cause);
    }
}
