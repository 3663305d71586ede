package io.deptcrypt.crypto;

/**
 * KMS refused the call (AccessDeniedException): the caller's principal may not use the key. For a reader this is a
 * record of a department it was not granted; for the encryptor it is a configuration error. Never retried.
 */
public class KmsAccessDeniedException extends DeptcryptCryptoException {
    private static final long serialVersionUID = 1L;

    private final String keyArn;
    private final String kmsMessage;

    /**
     * @param keyArn     the KMS key (or alias) ARN the call was about, as far as it is known
     * @param kmsMessage KMS's own message (names the principal and the key; never secret)
     */
    public KmsAccessDeniedException(String keyArn, String kmsMessage, Throwable cause) {
        super("KMS denied access to " + keyArn + ": " + kmsMessage, cause);
        this.keyArn = keyArn;
        this.kmsMessage = kmsMessage;
    }

    /** The key (or alias) ARN the denied call was about. */
    public String keyArn() {
        return keyArn;
    }

    /** The message KMS returned, e.g. "User: arn:aws:iam::…:role/x is not authorized to perform: kms:Decrypt on resource: …". */
    public String kmsMessage() {
        return kmsMessage;
    }
}
