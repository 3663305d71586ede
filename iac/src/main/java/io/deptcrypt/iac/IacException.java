package io.deptcrypt.iac;

/** The governance file cannot be rendered for AWS as it stands; the message says what to change. */
public class IacException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IacException(String message) {
        super(message);
    }
}
