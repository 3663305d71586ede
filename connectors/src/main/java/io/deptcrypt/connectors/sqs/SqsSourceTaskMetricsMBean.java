package io.deptcrypt.connectors.sqs;

/**
 * Counters of one SQS source task, published over JMX as
 * {@code io.deptcrypt.connectors.sqs:type=sqs-source-task,connector=<name>,task=<id>}. All counts are since the task started.
 */
public interface SqsSourceTaskMetricsMBean {

    /** Messages received from SQS (each receipt counts, redeliveries included). */
    long getReceived();

    /** Records Kafka acknowledged. */
    long getProduced();

    /** Messages deleted from SQS. */
    long getDeleted();

    /** Messages whose delete was given up (they will be received again: duplicates, not losses). */
    long getDeleteFailures();

    /** Delete entries retried after a failed attempt. */
    long getDeleteRetries();

    /** Messages whose visibility timeout was extended (one count per message per extension). */
    long getVisibilityExtensions();

    /** Received messages with ApproximateReceiveCount above 1. */
    long getRedeliveries();

    /** Records Connect did not write (SMT-filtered or dropped by errors.tolerance). */
    long getDropped();

    /** Messages made visible again at once (on stop, or dropped with sqs.dropped.records=release). */
    long getReleased();

    /** Messages received and not yet handed to Connect. */
    long getBuffered();

    /** Messages received and not yet settled (deleted, released or given up). */
    long getInFlight();
}
