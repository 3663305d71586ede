package io.deptcrypt.devstack;

/**
 * One event the generator sent to SQS.
 *
 * @param eventId    unique per event and per run; travels in clear (envelope field, header)
 * @param department the department it belongs to
 * @param marker     a random token that occurs ONLY inside the event's data, so finding it in a file proves plaintext
 *                   leaked there (the event id cannot serve: it is in clear by design)
 * @param body       the SQS message body, JSON {@code {"department": ..., "eventId": ..., "data": {...}}}
 */
public record GeneratedEvent(String eventId, String department, String marker, String body) {}
