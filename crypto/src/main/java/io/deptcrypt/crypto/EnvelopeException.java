package io.deptcrypt.crypto;

/**
 * The envelope cannot be sealed or opened and retrying will not help: malformed bytes, an unknown format, a tampered
 * field, a record moved to another department, event id or topic, or a KMS refusal that is not an access denial
 * (for example a disabled key). Never retried.
 */
public class EnvelopeException extends DeptcryptCryptoException {
    private static final long serialVersionUID = 1L;

    public EnvelopeException(String message) {
        super(message);
    }

    public EnvelopeException(String message, Throwable cause) {
        super(message, cause);
    }
}
