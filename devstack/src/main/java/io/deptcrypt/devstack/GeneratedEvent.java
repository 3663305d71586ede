package io.deptcrypt.devstack;

import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One event the generator sent to SQS.
 *
 * @param eventId    unique per event and per run; travels in clear (envelope field, header)
 * @param department the department it belongs to; for a typed event, its type's name
 * @param marker     a random token that occurs ONLY inside the event's data, so finding it in a file proves plaintext
 *                   leaked there (the event id cannot serve: it is in clear by design)
 * @param body       the SQS message body, JSON {@code {"department": ..., "eventId": ..., "data": {...}}} (a typed
 *                   event: {@code {"type": ..., ...}})
 * @param eventType  the event type (docs/event-types.md) of a typed event; empty for a department event
 * @param audiences  the departments that must receive it: its department, or its type's audiences
 * @param partitionKey the key whose events keep their order (the same shared topic partition); on a FIFO ingest
 *                     queue its message group id (the connector hands it on in a header), else the body's
 *                     {@code partitionKey} field. Empty: any partition
 */
public record GeneratedEvent(String eventId, String department, String marker, String body, Optional<String> eventType,
                             SortedSet<String> audiences, Optional<String> partitionKey) {

    public GeneratedEvent {
        audiences = Collections.unmodifiableSortedSet(new TreeSet<>(audiences));
    }

    /** An event without a partition key. */
    public GeneratedEvent(String eventId, String department, String marker, String body, Optional<String> eventType,
                          SortedSet<String> audiences) {
        this(eventId, department, marker, body, eventType, audiences, Optional.empty());
    }

    /** A department event. */
    public GeneratedEvent(String eventId, String department, String marker, String body) {
        this(eventId, department, marker, body, Optional.empty(), new TreeSet<>(Set.of(department)));
    }

    /** What the demo calls it: the department, or the type and its audiences ({@code deal-won for finance, sales}). */
    public String describe() {
        return eventType.map(t -> t + " for " + String.join(", ", audiences)).orElse(department);
    }
}
