package io.deptcrypt.governance;

/** The governance file is unreadable or invalid. The message names the file, the field and what is wrong. */
public class GovernanceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GovernanceException(String message) {
        super(message);
    }

    public GovernanceException(String message, Throwable cause) {
        super(message, cause);
    }
}
