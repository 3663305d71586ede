package io.deptcrypt.connectors.sqs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;

/**
 * Settles messages asynchronously: deletes (acknowledged records, or dropped ones under {@code delete}) and
 * releases (dropped records under {@code release}) are gathered per queue into batch calls of up to ten, lingering
 * 5 ms to fill a batch, and run on a pool of call threads. Failed deletes are retried with backoff from a timer of
 * their own, which only queues them again: a retry never waits behind an SQS call.
 */
final class SettleBatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SettleBatcher.class);
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** At most this many queued settles are taken per dispatch round. */
    private static final int DRAIN_MAX = SqsBatch.MAX_ENTRIES * 50;

    private enum Action { DELETE, RELEASE }

    private record Settle(InFlightMessage message, Action action) { }

    private final SqsClient client;
    private final SqsSourceTaskMetrics metrics;
    private final InFlightMessages inFlight;
    private final VisibilityChanges visibility;
    private final int deleteMaxAttempts;
    private final RetryBackoff backoff;

    private final BlockingQueue<Settle> pending = new LinkedBlockingQueue<>();
    private final ExecutorService calls;
    private final Semaphore callSlots;
    private final ScheduledExecutorService retryTimer;
    private final Thread dispatcher;
    private volatile boolean running = true;

    SettleBatcher(SqsClient client, SqsSourceTaskMetrics metrics, InFlightMessages inFlight, VisibilityChanges visibility,
                  int deleteMaxAttempts, RetryBackoff backoff, int concurrentCalls, String threadPrefix) {
        this.client = client;
        this.metrics = metrics;
        this.inFlight = inFlight;
        this.visibility = visibility;
        this.deleteMaxAttempts = deleteMaxAttempts;
        this.backoff = backoff;
        this.calls = Executors.newFixedThreadPool(concurrentCalls, daemon(threadPrefix + "-call"));
        this.callSlots = new Semaphore(concurrentCalls);
        this.retryTimer = Executors.newSingleThreadScheduledExecutor(daemon(threadPrefix + "-retry"));
        this.dispatcher = daemon(threadPrefix + "-dispatch").newThread(this::dispatch);
        dispatcher.start();
    }

    /** Deletes the message: batched, retried. */
    void delete(InFlightMessage m) {
        enqueue(new Settle(m, Action.DELETE));
    }

    /** Makes the message visible again at once: batched, not retried (a failure only means it waits for its timeout). */
    void release(InFlightMessage m) {
        enqueue(new Settle(m, Action.RELEASE));
    }

    private void enqueue(Settle s) {
        inFlight.settling(s.message());
        pending.add(s);
    }

    private void dispatch() {
        List<Settle> round = new ArrayList<>();
        while (running) {
            try {
                Settle first = pending.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                round.add(first);
                pending.drainTo(round, DRAIN_MAX);
                // When settles trickle in one by one, wait a moment to fill a batch of ten.
                long lingerUntil = System.nanoTime() + LINGER_NANOS;
                while (round.size() < SqsBatch.MAX_ENTRIES) {
                    long left = lingerUntil - System.nanoTime();
                    Settle more = left > 0 ? pending.poll(left, TimeUnit.NANOSECONDS) : null;
                    if (more == null) {
                        break;
                    }
                    round.add(more);
                }
                submit(round);
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
            } catch (RuntimeException e) {
                log.error("Unexpected error while settling SQS messages", e);
            } finally {
                round.clear();
            }
        }
    }

    private void submit(List<Settle> round) throws InterruptedException {
        Map<Action, List<InFlightMessage>> byAction = new LinkedHashMap<>();
        for (Settle s : round) {
            byAction.computeIfAbsent(s.action(), k -> new ArrayList<>()).add(s.message());
        }
        for (var entry : byAction.entrySet()) {
            Action action = entry.getKey();
            for (SqsBatch batch : SqsBatch.split(entry.getValue())) {
                callSlots.acquire();
                try {
                    calls.execute(() -> {
                        try {
                            if (action == Action.DELETE) {
                                deleteBatch(batch);
                            } else {
                                releaseBatch(batch);
                            }
                        } finally {
                            callSlots.release();
                        }
                    });
                } catch (RejectedExecutionException rejected) {
                    callSlots.release();
                    batch.messages().forEach(m -> giveUp(m, action, "task stopping"));
                }
            }
        }
    }

    private void deleteBatch(SqsBatch batch) {
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(String.valueOf(i))
                    .receiptHandle(batch.messages().get(i).receiptHandle()).build());
        }
        DeleteMessageBatchResponse response;
        try {
            response = client.deleteMessageBatch(b -> b.queueUrl(batch.queueUrl()).entries(entries));
        } catch (SdkException e) {
            if (running) {
                log.warn("DeleteMessageBatch of {} message(s) on {} failed; retrying: {}", batch.size(), batch.queueUrl(), e.toString());
            }
            batch.messages().forEach(m -> retryLater(m, e.toString()));
            return;
        }
        response.successful().forEach(ok -> {
            metrics.deleted.increment();
            inFlight.settled(batch.entry(ok.id()));
        });
        for (BatchResultErrorEntry failed : response.failed()) {
            InFlightMessage m = batch.entry(failed.id());
            String reason = failed.code() + ": " + failed.message();
            if (Boolean.TRUE.equals(failed.senderFault())) {
                // e.g. ReceiptHandleIsInvalid: the message was received again elsewhere or is gone; retrying cannot help.
                giveUp(m, Action.DELETE, reason);
            } else {
                retryLater(m, reason);
            }
        }
    }

    private void releaseBatch(SqsBatch batch) {
        visibility.release(batch, 0);
        batch.messages().forEach(inFlight::settled);
    }

    private void retryLater(InFlightMessage m, String reason) {
        int attempt = m.nextDeleteAttempt();
        if (attempt >= deleteMaxAttempts || !running) {
            giveUp(m, Action.DELETE, reason);
            return;
        }
        metrics.deleteRetries.increment();
        try {
            retryTimer.schedule(() -> pending.add(new Settle(m, Action.DELETE)), backoff.millisAfter(attempt), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException rejected) {
            giveUp(m, Action.DELETE, reason);
        }
    }

    private void giveUp(InFlightMessage m, Action action, String reason) {
        if (action == Action.DELETE) {
            metrics.deleteFailures.increment();
            log.warn("Giving up deleting {} after {}: it will be received again (a duplicate, not a loss)", m, reason);
        }
        inFlight.settled(m);
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops the dispatcher, the retry timer and the call threads (calls in progress get up to 5 s). */
    @Override
    public void close() {
        running = false;
        dispatcher.interrupt();
        retryTimer.shutdownNow();
        calls.shutdown();
        try {
            dispatcher.join(5_000);
            if (!calls.awaitTermination(5, TimeUnit.SECONDS)) {
                calls.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
