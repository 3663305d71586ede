package io.deptcrypt.connectors.sqs;

import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A received message that is not settled yet (not deleted, released or given up). While it is tracked its
 * visibility is extended, so no other consumer receives it.
 */
final class InFlightMessage {

    private final SqsQueue queue;
    private final Message message;
    /** {@link System#nanoTime()} at which SQS will make the message visible again unless extended. */
    private volatile long visibleAgainAtNanos;
    private final AtomicInteger deleteAttempts = new AtomicInteger();
    /** Set once it has been handed to Connect in a poll() result. */
    private volatile boolean handedOver;

    InFlightMessage(SqsQueue queue, Message message, long visibleAgainAtNanos) {
        this.queue = queue;
        this.message = message;
        this.visibleAgainAtNanos = visibleAgainAtNanos;
    }

    SqsQueue queue() {
        return queue;
    }

    Message message() {
        return message;
    }

    String receiptHandle() {
        return message.receiptHandle();
    }

    long visibleAgainAtNanos() {
        return visibleAgainAtNanos;
    }

    void visibleAgainAtNanos(long nanos) {
        this.visibleAgainAtNanos = nanos;
    }

    int nextDeleteAttempt() {
        return deleteAttempts.incrementAndGet();
    }

    boolean handedOver() {
        return handedOver;
    }

    void markHandedOver() {
        this.handedOver = true;
    }

    @Override
    public String toString() {
        // Never the body: it may be sensitive.
        return "message " + message.messageId() + " of " + queue.name();
    }
}
