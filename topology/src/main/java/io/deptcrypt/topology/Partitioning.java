package io.deptcrypt.topology;

/**
 * How sealed events are spread over the shared topic's partitions ({@code shared.partitioning}; the constant names
 * are the config spelling). The record key is the department either way.
 */
public enum Partitioning {
    /** Every partition used, by a hash of the event id (a replayed event lands on the same partition). */
    EVENT_ID,
    /** Kafka's default by key: one partition per department, total order per department. */
    DEPARTMENT
}
