package io.deptcrypt.localkms;

/** localkms could not start: the port is taken, the state directory is corrupt or locked, governance is unusable. */
public class LocalKmsStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LocalKmsStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
