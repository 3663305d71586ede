package io.deptcrypt.consumers;

/** Why a consumer could not open a record of its department; the value of the dead-letter reason header. */
public enum OpenFailureReason {
    /** KMS refused to unwrap the data key for this consumer's credentials. */
    ACCESS_DENIED,
    /** Not a deptcrypt envelope, tampered, moved to another event id or topic, unknown format, or a KMS refusal other than access denied. */
    INVALID_ENVELOPE,
    /** The record key or header says this department, the envelope says another. */
    DEPARTMENT_MISMATCH
}
