package io.deptcrypt.runtime;

/** A configuration file or value is wrong. The message names the file (or other source) and the key. */
public class InvalidConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidConfigException(String message) {
        super(message);
    }

    public InvalidConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
