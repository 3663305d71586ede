package io.deptcrypt.devstack.soak;

/**
 * One event the soak sent and SQS acknowledged.
 *
 * @param key      its partition key
 * @param sequence its place among the events of its key, in send order (1 is the first)
 * @param ackedAt  when SQS acknowledged it, in milliseconds since the soak began
 */
public record SoakSent(String eventId, String key, int sequence, long ackedAt) {}
