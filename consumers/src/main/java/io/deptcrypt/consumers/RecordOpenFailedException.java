package io.deptcrypt.consumers;

/**
 * A consumer with {@code failure.action=FAIL} met a record of its department it cannot open. The message names the
 * topic, partition, offset, event id and the reason (including KMS's error); never plaintext.
 */
public class RecordOpenFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final OpenFailureReason reason;

    public RecordOpenFailedException(OpenFailureReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public OpenFailureReason reason() {
        return reason;
    }
}
