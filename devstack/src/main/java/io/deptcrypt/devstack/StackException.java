package io.deptcrypt.devstack;

/** The stack could not start, stop or complete a step; the message names the component and the cause. */
public class StackException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StackException(String message) {
        super(message);
    }

    public StackException(String message, Throwable cause) {
        super(message, cause);
    }
}
