package io.deptcrypt.localkms.policy;

/** A key policy document that AWS would reject with MalformedPolicyDocumentException; the message says what is wrong. */
public class MalformedPolicyException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedPolicyException(String message) {
        super(message);
    }
}
