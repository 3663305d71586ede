package io.deptcrypt.connectors.sqs;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Settles a task's received messages, by three parts that never wait for each other: the bookkeeping
 * ({@link InFlightMessages}), the batched deletes and releases with their retries ({@link SettleBatcher}), and the
 * visibility heartbeat ({@link VisibilityHeartbeat}) on its own thread.
 */
final class MessageSettler implements AutoCloseable {

    private final InFlightMessages inFlight = new InFlightMessages();
    private final VisibilityChanges visibility;
    private final SettleBatcher batcher;
    private final VisibilityHeartbeat heartbeat;

    MessageSettler(SqsClient client, SqsSourceTaskMetrics metrics, Duration visibilityTimeout, int deleteMaxAttempts,
                   RetryBackoff backoff, int concurrentCalls, String threadPrefix) {
        this.visibility = new VisibilityChanges(client, metrics, inFlight);
        this.batcher = new SettleBatcher(client, metrics, inFlight, visibility, deleteMaxAttempts, backoff, concurrentCalls,
                threadPrefix + "-settle");
        this.heartbeat = new VisibilityHeartbeat(inFlight, visibility, visibilityTimeout, threadPrefix + "-heartbeat");
    }

    /** Starts tracking a received message: from now on it is heartbeated until settled. */
    void track(InFlightMessage m) {
        inFlight.track(m);
    }

    /** Deletes the message (asynchronously, batched, retried). */
    void delete(InFlightMessage m) {
        batcher.delete(m);
    }

    /** Makes the message visible again at once (asynchronously, batched). */
    void release(InFlightMessage m) {
        batcher.release(m);
    }

    /** Stops heartbeating the message and leaves it: it becomes visible when its current timeout runs out. */
    void forget(InFlightMessage m) {
        inFlight.untrack(m);
    }

    int inFlightCount() {
        return inFlight.trackedCount();
    }

    /** Makes the messages visible again in {@code delaySeconds} (0 = now), on the calling thread (used on stop). */
    void releaseNow(Collection<InFlightMessage> messages, int delaySeconds) {
        SqsBatch.split(messages).forEach(batch -> visibility.release(batch, delaySeconds));
    }

    /**
     * Returns as soon as every delete and release asked for so far has finished (done or given up).
     *
     * @throws TimeoutException naming how many are unfinished, when {@code timeout} passes first
     */
    void flush(Duration timeout) throws InterruptedException, TimeoutException {
        if (!inFlight.awaitSettled(timeout)) {
            throw new TimeoutException(inFlight.settlingCount() + " delete(s) or release(s) still unfinished after "
                    + timeout.toMillis() + " ms; a message not deleted is received again (a duplicate, not a loss)");
        }
    }

    /** Stops the heartbeat and the settle threads; call {@link #flush} first to let pending deletes finish. */
    @Override
    public void close() {
        heartbeat.close();
        batcher.close();
    }
}
