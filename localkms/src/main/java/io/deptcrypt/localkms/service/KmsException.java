package io.deptcrypt.localkms.service;

/**
 * An error answered in AWS's shape: {@code {"__type": code, "message": message}} with HTTP {@code status} (400 for
 * every client error, as AWS KMS answers; 500 only for internal errors, which SDKs retry). Carries no stack trace:
 * these are expected answers, not bugs, and denied calls can be frequent.
 */
public final class KmsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final int status;

    public KmsException(String code, String message) {
        this(code, message, 400);
    }

    public KmsException(String code, String message, int status) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    public static KmsException validation(String message) {
        return new KmsException("ValidationException", message);
    }

    /** AWS's wording for one failed constraint, e.g. {@code Value null at 'keyId' failed to satisfy constraint: ...}. */
    public static KmsException constraint(String value, String field, String constraint) {
        return validation("1 validation error detected: Value " + value + " at '" + field + "' failed to satisfy constraint: " + constraint);
    }

    public static KmsException serialization(String message) {
        return new KmsException("SerializationException", message);
    }

    public static KmsException notFound(String message) {
        return new KmsException("NotFoundException", message);
    }

    public static KmsException invalidState(String message) {
        return new KmsException("KMSInvalidStateException", message);
    }

    public static KmsException accessDenied(String message) {
        return new KmsException("AccessDeniedException", message);
    }
}
