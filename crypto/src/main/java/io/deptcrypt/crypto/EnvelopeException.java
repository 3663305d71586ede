package io.deptcrypt.crypto;

import io.deptcrypt.crypto.avro.Envelope;

/**
 * The envelope cannot be sealed or opened and retrying will not help: malformed bytes, an unknown format, a tampered
 * field, a record moved to another department, event id or topic, or a KMS refusal that is not an access denial
 * (for example a disabled key). Never retried.
 */
public class EnvelopeException extends DeptcryptCryptoException {
    private static final long serialVersionUID = 1L;

    public EnvelopeException(String message) {
        super(message);
    }

    public EnvelopeException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code problem}, followed by the record's cleartext routing fields (department, eventId) and topic. */
    static EnvelopeException inRecord(String problem, Envelope env, String topic) {
        return new EnvelopeException(problem + where(env, topic));
    }

    static EnvelopeException inRecord(String problem, Envelope env, String topic, Throwable cause) {
        return new EnvelopeException(problem + where(env, topic), cause);
    }

    private static String where(Envelope env, String topic) {
        return " (department " + env.getDepartment() + ", eventId " + env.getEventId() + ", topic " + topic + ")";
    }
}
