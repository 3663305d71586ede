package io.deptcrypt.consumers;

/**
 * What a consumer does with a record of its department that it cannot open (access denied, tampered, wrong context).
 * The constant names are the spelling of {@code failure.action} (any case, {@code dead-letter} for DEAD_LETTER).
 */
public enum FailureAction {
    /** Stop with a clear error naming the record (the default: an unreadable record is a fault to look at). */
    FAIL,
    /** Count it, log it (without plaintext) and go on. */
    SKIP,
    /** Forward the still-sealed record, unchanged, to {@code failure.dead.letter.topic} with reason headers. */
    DEAD_LETTER
}
