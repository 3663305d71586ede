package io.deptcrypt.crypto;

/**
 * The keys topic could not be written or read in time: a data key's record was not acknowledged by the brokers
 * (sealing), or a reader could not read the topic to its end to look a data key up (opening). Transient, like KMS
 * unavailability: the caller retries the same record with backoff.
 */
public class KeysTopicUnavailableException extends TemporarilyUnavailableException {
    private static final long serialVersionUID = 1L;

    public KeysTopicUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
