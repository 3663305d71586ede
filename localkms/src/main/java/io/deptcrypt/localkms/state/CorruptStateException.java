package io.deptcrypt.localkms.state;

/**
 * The state directory cannot be used as it is: a file is corrupt, unreadable, from another account, or its master
 * key is missing. localkms refuses to start rather than silently starting empty (which would destroy every key).
 */
public class CorruptStateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CorruptStateException(String message) {
        super(message);
    }

    public CorruptStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
