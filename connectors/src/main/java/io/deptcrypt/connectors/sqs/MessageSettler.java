package io.deptcrypt.connectors.sqs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Settles received messages: deletes them in {@code DeleteMessageBatch} calls once Kafka has their records
 * (retrying failed entries), makes messages visible again at once when asked, and keeps every message it
 * tracks invisible by extending its visibility timeout once half of it has passed (the heartbeat).
 */
final class MessageSettler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MessageSettler.class);
    private static final int BATCH = 10; // SQS limit for batch calls
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private enum Action { DELETE, RELEASE }

    private record Settle(InFlightMessage message, Action action) { }

    private final SqsClient client;
    private final SqsSourceTaskMetrics metrics;
    private final int visibilitySeconds;
    private final int deleteMaxAttempts;
    private final long backoffMillis;

    private final Set<InFlightMessage> inFlight = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<Settle> pending = new LinkedBlockingQueue<>();
    /** Deletes and releases asked for and not yet finished (queued, running or waiting for a retry). */
    private final AtomicInteger outstanding = new AtomicInteger();
    private final ScheduledExecutorService scheduler;
    private final ExecutorService calls;
    private final Semaphore callSlots;
    private final Thread dispatcher;
    private volatile boolean running = true;

    MessageSettler(SqsClient client, SqsSourceTaskMetrics metrics, Duration visibilityTimeout, int deleteMaxAttempts,
                   Duration retryBackoff, int concurrentCalls, String threadPrefix) {
        this.client = client;
        this.metrics = metrics;
        this.visibilitySeconds = (int) visibilityTimeout.toSeconds();
        this.deleteMaxAttempts = deleteMaxAttempts;
        this.backoffMillis = retryBackoff.toMillis();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon(threadPrefix + "-heartbeat"));
        this.calls = Executors.newFixedThreadPool(concurrentCalls, daemon(threadPrefix + "-settle"));
        this.callSlots = new Semaphore(concurrentCalls);
        // Check often enough that no message gets past half its timeout by more than a tenth of it.
        long tickMillis = Math.max(100, visibilityTimeout.toMillis() / 10);
        scheduler.scheduleWithFixedDelay(this::heartbeat, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
        this.dispatcher = daemon(threadPrefix + "-dispatch").newThread(this::dispatch);
        dispatcher.start();
    }

    /** Starts tracking a received message: from now on it is heartbeated until settled. */
    void track(InFlightMessage m) {
        inFlight.add(m);
    }

    /** Deletes the message (asynchronously, batched, retried). */
    void delete(InFlightMessage m) {
        enqueue(new Settle(m, Action.DELETE));
    }

    /** Makes the message visible again at once (asynchronously, batched). */
    void release(InFlightMessage m) {
        enqueue(new Settle(m, Action.RELEASE));
    }

    /** Stops heartbeating the message and leaves it: it becomes visible when its current timeout runs out. */
    void forget(InFlightMessage m) {
        inFlight.remove(m);
    }

    int inFlightCount() {
        return inFlight.size();
    }

    private void enqueue(Settle s) {
        outstanding.incrementAndGet();
        pending.add(s);
    }

    /** Makes the messages visible again in {@code delaySeconds} (0 = now), on the calling thread (used on stop). */
    void releaseNow(Collection<InFlightMessage> messages, int delaySeconds) {
        for (var byQueue : groupByQueue(messages).entrySet()) {
            for (List<InFlightMessage> chunk : chunks(byQueue.getValue())) {
                changeVisibility(byQueue.getKey(), chunk, delaySeconds, true);
            }
        }
    }

    /** Waits until every delete and release asked for so far has finished, or the timeout passes. */
    boolean flush(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (outstanding.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10); // the settle threads do the work; this only waits for them
        }
        return true;
    }

    int outstanding() {
        return outstanding.get();
    }

    // ------------------------------------------------------------------ deletes and releases

    private void dispatch() {
        List<Settle> batch = new ArrayList<>();
        while (running) {
            try {
                Settle first = pending.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                pending.drainTo(batch, BATCH * 50);
                // When deletes trickle in one by one, wait a moment to fill a batch of ten.
                long lingerUntil = System.nanoTime() + LINGER_NANOS;
                while (batch.size() < BATCH) {
                    long left = lingerUntil - System.nanoTime();
                    Settle more = left > 0 ? pending.poll(left, TimeUnit.NANOSECONDS) : null;
                    if (more == null) {
                        break;
                    }
                    batch.add(more);
                }
                submit(batch);
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
            } catch (RuntimeException e) {
                log.error("Unexpected error while settling SQS messages", e);
            } finally {
                batch.clear();
            }
        }
    }

    private void submit(List<Settle> batch) throws InterruptedException {
        Map<String, List<Settle>> groups = new LinkedHashMap<>();
        for (Settle s : batch) {
            groups.computeIfAbsent(s.action() + " " + s.message().queue().url(), k -> new ArrayList<>()).add(s);
        }
        for (List<Settle> group : groups.values()) {
            for (int i = 0; i < group.size(); i += BATCH) {
                List<Settle> chunk = List.copyOf(group.subList(i, Math.min(group.size(), i + BATCH)));
                callSlots.acquire();
                try {
                    calls.execute(() -> {
                        try {
                            if (chunk.get(0).action() == Action.DELETE) {
                                deleteChunk(chunk);
                            } else {
                                releaseChunk(chunk);
                            }
                        } finally {
                            callSlots.release();
                        }
                    });
                } catch (RejectedExecutionException rejected) {
                    callSlots.release();
                    chunk.forEach(st -> giveUp(st, "task stopping"));
                }
            }
        }
    }

    private void deleteChunk(List<Settle> chunk) {
        String queueUrl = chunk.get(0).message().queue().url();
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(String.valueOf(i))
                    .receiptHandle(chunk.get(i).message().receiptHandle()).build());
        }
        DeleteMessageBatchResponse response;
        try {
            response = client.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
        } catch (SdkException e) {
            if (running) {
                log.warn("DeleteMessageBatch of {} message(s) on {} failed; retrying: {}", chunk.size(), queueUrl, e.toString());
            }
            chunk.forEach(s -> retryLater(s, e.toString()));
            return;
        }
        response.successful().forEach(ok -> {
            Settle s = chunk.get(Integer.parseInt(ok.id()));
            metrics.deleted.increment();
            done(s);
        });
        for (BatchResultErrorEntry failed : response.failed()) {
            Settle s = chunk.get(Integer.parseInt(failed.id()));
            String reason = failed.code() + ": " + failed.message();
            if (Boolean.TRUE.equals(failed.senderFault())) {
                // e.g. ReceiptHandleIsInvalid: the message was received again elsewhere or is gone; retrying cannot help.
                giveUp(s, reason);
            } else {
                retryLater(s, reason);
            }
        }
    }

    private void releaseChunk(List<Settle> chunk) {
        List<InFlightMessage> messages = chunk.stream().map(Settle::message).toList();
        changeVisibility(messages.get(0).queue().url(), messages, 0, true);
        chunk.forEach(this::done);
    }

    private void retryLater(Settle s, String reason) {
        if (s.action() == Action.RELEASE) {
            done(s); // a failed release only means the message shows up when its timeout runs out
            return;
        }
        int attempt = s.message().nextDeleteAttempt();
        if (attempt >= deleteMaxAttempts || !running) {
            giveUp(s, reason);
            return;
        }
        metrics.deleteRetries.increment();
        long delay = Math.min(backoffMillis << Math.min(attempt - 1, 20), backoffMillis * 20);
        try {
            scheduler.schedule(() -> pending.add(s), delay, TimeUnit.MILLISECONDS);
        } catch (RuntimeException rejected) {
            giveUp(s, reason);
        }
    }

    private void giveUp(Settle s, String reason) {
        if (s.action() == Action.RELEASE) {
            done(s);
            return;
        }
        metrics.deleteFailures.increment();
        log.warn("Giving up deleting {} after {}: it will be received again (a duplicate, not a loss)", s.message(), reason);
        done(s);
    }

    private void done(Settle s) {
        inFlight.remove(s.message());
        outstanding.decrementAndGet();
    }

    // ------------------------------------------------------------------ visibility

    private void heartbeat() {
        try {
            long now = System.nanoTime();
            long half = TimeUnit.SECONDS.toNanos(visibilitySeconds) / 2;
            List<InFlightMessage> due = new ArrayList<>();
            for (InFlightMessage m : inFlight) {
                if (m.visibleAgainAtNanos() - now < half) {
                    due.add(m);
                }
            }
            for (var byQueue : groupByQueue(due).entrySet()) {
                for (List<InFlightMessage> chunk : chunks(byQueue.getValue())) {
                    if (!running) {
                        return;
                    }
                    changeVisibility(byQueue.getKey(), chunk, visibilitySeconds, false);
                }
            }
        } catch (RuntimeException e) {
            log.warn("Visibility heartbeat failed; retrying at the next tick: {}", e.toString());
        }
    }

    /** ChangeMessageVisibilityBatch: a release (the message is settled) or a heartbeat extension. */
    private void changeVisibility(String queueUrl, List<InFlightMessage> chunk, int seconds, boolean release) {
        long sentAt = System.nanoTime();
        List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
            entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(String.valueOf(i))
                    .receiptHandle(chunk.get(i).receiptHandle()).visibilityTimeout(seconds).build());
        }
        ChangeMessageVisibilityBatchResponse response;
        try {
            response = client.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(entries));
        } catch (SdkException e) {
            log.warn("ChangeMessageVisibilityBatch({} s) of {} message(s) on {} failed: {}", seconds, chunk.size(), queueUrl, e.toString());
            return;
        }
        response.successful().forEach(ok -> {
            InFlightMessage m = chunk.get(Integer.parseInt(ok.id()));
            if (release) {
                inFlight.remove(m);
                metrics.released.increment();
            } else {
                m.visibleAgainAtNanos(sentAt + TimeUnit.SECONDS.toNanos(seconds));
                metrics.visibilityExtensions.increment();
            }
        });
        // Failures here are messages deleted meanwhile or received again elsewhere; the next tick or the
        // timeout itself takes care of the rest.
        response.failed().forEach(f -> log.debug("Visibility change of {} failed: {} {}",
                chunk.get(Integer.parseInt(f.id())), f.code(), f.message()));
    }

    private static Map<String, List<InFlightMessage>> groupByQueue(Collection<InFlightMessage> messages) {
        Map<String, List<InFlightMessage>> groups = new LinkedHashMap<>();
        for (InFlightMessage m : messages) {
            groups.computeIfAbsent(m.queue().url(), k -> new ArrayList<>()).add(m);
        }
        return groups;
    }

    private static List<List<InFlightMessage>> chunks(List<InFlightMessage> list) {
        List<List<InFlightMessage>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i += BATCH) {
            out.add(list.subList(i, Math.min(list.size(), i + BATCH)));
        }
        return out;
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops the heartbeat and the settle threads; call {@link #flush} first to let pending deletes finish. */
    @Override
    public void close() {
        running = false;
        dispatcher.interrupt();
        scheduler.shutdownNow();
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
