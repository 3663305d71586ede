package io.deptcrypt.topology;

/**
 * How sealed events are spread over the shared topic's partitions ({@code shared.partitioning}; the constant names
 * are the config spelling), whatever the record key (null for AES_GCM_V2, the department for version 1).
 */
public enum Partitioning {
    /** Every partition used, by a hash of the event id (a replayed event lands on the same partition). */
    EVENT_ID,
    /** By department, hashed as Kafka's default hashes a key: one partition per department, total order per department. */
    DEPARTMENT
}
