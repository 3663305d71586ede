package io.deptcrypt.localkms.service;

import java.util.Objects;

/**
 * An error answered in AWS's shape: {@code {"__type": code, "message": message}} with the code's HTTP status (see
 * {@link KmsErrorCode}). Carries no stack trace: these are expected answers, not bugs, and denied calls can be
 * frequent.
 */
public final class KmsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final KmsErrorCode code;

    public KmsException(KmsErrorCode code, String message) {
        super(message, null, false, false);
        this.code = Objects.requireNonNull(code, "code");
    }

    public KmsErrorCode code() {
        return code;
    }

    public int status() {
        return code.httpStatus();
    }

    public static KmsException validation(String message) {
        return new KmsException(KmsErrorCode.VALIDATION, message);
    }

    /** AWS's wording for one failed constraint, e.g. {@code Value null at 'keyId' failed to satisfy constraint: ...}. */
    public static KmsException constraint(String value, String field, String constraint) {
        return validation("1 validation error detected: Value " + value + " at '" + field + "' failed to satisfy constraint: " + constraint);
    }

    public static KmsException serialization(String message) {
        return new KmsException(KmsErrorCode.SERIALIZATION, message);
    }

    public static KmsException notFound(String message) {
        return new KmsException(KmsErrorCode.NOT_FOUND, message);
    }

    public static KmsException invalidState(String message) {
        return new KmsException(KmsErrorCode.INVALID_STATE, message);
    }

    public static KmsException accessDenied(String message) {
        return new KmsException(KmsErrorCode.ACCESS_DENIED, message);
    }

    /** A key type or feature localkms does not implement, named. */
    public static KmsException unsupported(String what) {
        return new KmsException(KmsErrorCode.UNSUPPORTED_OPERATION, "localkms supports only symmetric ENCRYPT_DECRYPT keys"
                + " in its own key store; not supported: " + what);
    }
}
