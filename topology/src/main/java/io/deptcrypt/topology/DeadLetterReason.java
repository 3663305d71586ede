package io.deptcrypt.topology;

import io.deptcrypt.runtime.DeadLetterHeaders;

/**
 * Why an ingest record went to the dead-letter topic; the name is the value of the
 * {@link DeadLetterHeaders#REASON} header.
 */
public enum DeadLetterReason {
    /** Null, empty, or not parseable as JSON (including duplicate fields and trailing data). */
    NOT_JSON,
    /** Valid JSON, but not an object. */
    NOT_OBJECT,
    /** A field other than department, data, eventId and partitionKey. */
    UNEXPECTED_FIELD,
    /** No usable department: absent, null, empty or not a string. */
    MISSING_DEPARTMENT,
    /** A department governance does not declare. */
    UNKNOWN_DEPARTMENT,
    /** An eventId that is not a string of 1-256 characters without control characters. */
    INVALID_EVENT_ID,
    /** data absent, null, an empty string, or an empty object or array. */
    EMPTY_DATA,
    /** The ingest value is larger than {@code max.event.bytes}. */
    TOO_LARGE,
    /** A partitionKey that is not a string of 1-256 characters without control characters. */
    INVALID_PARTITION_KEY,
    /** An event type (governance {@code typeField}) that is not a string or that governance does not declare. */
    UNKNOWN_EVENT_TYPE,
    /** Both a department and an event type: an event names one or the other (docs/event-types.md). */
    DEPARTMENT_AND_TYPE,
    /** Data that its type's field rules cannot split: not a JSON object, or a rule's path crosses a non-object. */
    FIELD_RULE_MISMATCH,
    /** An event with a type, but the encryptor seals a version 1 format, which has one department per record. */
    EVENT_TYPES_NEED_AES_GCM_V2
}
