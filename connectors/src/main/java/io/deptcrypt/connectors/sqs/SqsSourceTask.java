package io.deptcrypt.connectors.sqs;

import io.deptcrypt.connectors.sqs.SqsSourceConfig.DroppedRecordAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * Reads its queues with concurrent long-poll receivers into a bounded buffer, hands the messages to Connect
 * as records, and deletes a message only once Kafka acknowledged its record. Until then the message stays
 * invisible (visibility heartbeat); on stop, messages never handed to Connect are made visible again at once.
 */
public class SqsSourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(SqsSourceTask.class);
    /** How long poll() waits for a first message, so Connect can pause or stop the task in between. */
    private static final long POLL_WAIT_MS = 500;
    /** How long a stopping task lets long polls end by themselves before cutting them. */
    private static final Duration STOP_RECEIVERS_GRACE = Duration.ofSeconds(3);
    private static final Duration STOP_FLUSH_TIMEOUT = Duration.ofSeconds(10);
    private static final Set<String> FATAL_ERROR_CODES = Set.of(
            "AccessDenied", "AccessDeniedException", "InvalidClientTokenId", "SignatureDoesNotMatch",
            "UnrecognizedClientException", "InvalidSecurity", "AWS.SimpleQueueService.NonExistentQueue",
            "QueueDoesNotExist", "KMS.AccessDeniedException", "KMS.DisabledException");

    private SqsSourceConfig config;
    private List<SqsQueue> queues;
    private SqsRecordMapper mapper;
    private DroppedRecordAction droppedAction;
    private SqsClientFactory clients;
    private AbortableHttpClient receiveHttp;
    private SqsClient receiveClient;
    private SqsClient settleClient;
    private MessageSettler settler;
    private RetryBackoff backoff;
    private final SqsSourceTaskMetrics metrics = new SqsSourceTaskMetrics();
    private final LinkedBlockingQueue<InFlightMessage> buffer = new LinkedBlockingQueue<>();
    private Semaphore bufferSpace;
    private ExecutorService receivers;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    /** Receiver thread -> System.nanoTime() at which its ReceiveMessage call in progress started. */
    private final Map<Thread, Long> activePolls = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private final AtomicReference<RuntimeException> fatal = new AtomicReference<>();
    private String taskName = "sqs-source";

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = SqsSourceConfig.parse(props);
        String assigned = props.get(SqsSourceConfig.TASK_QUEUE_URLS);
        queues = assigned == null || assigned.isBlank()
                ? config.queues()
                : Arrays.stream(assigned.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(SqsQueue::of).toList();
        mapper = SqsRecordMapper.of(config);
        droppedAction = config.droppedRecordAction();
        String connector = props.getOrDefault("name", "sqs-source");
        String taskId = props.getOrDefault(SqsSourceConfig.TASK_ID, "0");
        taskName = connector + "-" + taskId;

        int receiverCount = queues.size() * config.receivers();
        int settleCalls = Math.min(16, Math.max(2, receiverCount));
        clients = new SqsClientFactory(config);
        receiveHttp = clients.newAbortableHttpClient(receiverCount + 1);
        receiveClient = clients.newReceiveClient(receiveHttp);
        settleClient = clients.newSqsClient(settleCalls + 2);
        bufferSpace = new Semaphore(config.bufferMaxMessages());
        backoff = new RetryBackoff(config.retryBackoff());
        settler = new MessageSettler(settleClient, metrics, config.visibilityTimeout(), config.deleteMaxAttempts(),
                backoff, settleCalls, "sqs-" + taskName);
        metrics.gauges(buffer::size, settler::inFlightCount);
        metrics.register(connector, taskId);

        AtomicInteger n = new AtomicInteger();
        receivers = Executors.newFixedThreadPool(receiverCount, r -> {
            Thread t = new Thread(r, "sqs-" + taskName + "-receive-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (SqsQueue queue : queues) {
            ReceiveMessageRequest request = ReceiveMessageRequest.builder()
                    .queueUrl(queue.url())
                    .maxNumberOfMessages(config.maxMessages())
                    .waitTimeSeconds(config.waitTimeSeconds())
                    .visibilityTimeout((int) config.visibilityTimeout().toSeconds())
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames(mapper.attributesToReceive())
                    .build();
            for (int i = 0; i < config.receivers(); i++) {
                receivers.execute(() -> receiveLoop(queue, request));
            }
        }
        log.info("SQS source task {} reading {} queue(s) with {} receiver(s) each into topic {}",
                taskName, queues.size(), config.receivers(), config.topic());
    }

    private void receiveLoop(SqsQueue queue, ReceiveMessageRequest request) {
        int max = request.maxNumberOfMessages();
        long visibilityNanos = config.visibilityTimeout().toNanos();
        int failures = 0;
        while (!stopping) {
            try {
                if (!bufferSpace.tryAcquire(max, 200, TimeUnit.MILLISECONDS)) {
                    continue; // buffer full: Connect is behind (or paused)
                }
            } catch (InterruptedException e) {
                return;
            }
            int unused = max;
            try {
                long sentAt = System.nanoTime();
                activePolls.put(Thread.currentThread(), sentAt);
                List<Message> messages;
                try {
                    messages = receiveClient.receiveMessage(request).messages();
                } finally {
                    activePolls.remove(Thread.currentThread());
                }
                failures = 0;
                for (Message m : messages) {
                    InFlightMessage inFlight = new InFlightMessage(queue, m, sentAt + visibilityNanos);
                    settler.track(inFlight);
                    metrics.received.increment();
                    if (receiveCount(m) > 1) {
                        metrics.redeliveries.increment();
                    }
                    buffer.add(inFlight);
                    unused--;
                }
            } catch (QueueDoesNotExistException e) {
                fail("queue " + queue.url() + " does not exist", e);
                return;
            } catch (SdkException e) {
                if (stopping) {
                    return;
                }
                if (e instanceof AwsServiceException ase && (ase.statusCode() == 403
                        || (ase.awsErrorDetails() != null && FATAL_ERROR_CODES.contains(ase.awsErrorDetails().errorCode())))) {
                    fail("receiving from " + queue.url() + " is refused: " + ase.getMessage(), e);
                    return;
                }
                failures++;
                long waitMillis = backoff.millisAfter(failures);
                log.warn("ReceiveMessage on {} failed ({} in a row); retrying in {} ms: {}", queue.url(), failures, waitMillis, e.toString());
                try {
                    if (stopSignal.await(waitMillis, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException ie) {
                    return;
                }
            } catch (RuntimeException e) {
                // A bug, not an SQS error: fail the task visibly rather than lose a receiver silently.
                fail("receiver for " + queue.url() + " crashed: " + e, e);
                return;
            } finally {
                bufferSpace.release(unused);
            }
        }
    }

    private void fail(String message, Exception cause) {
        log.error("SQS source task {} cannot continue: {}", taskName, message);
        fatal.compareAndSet(null, new ConnectException(message, cause));
    }

    private static int receiveCount(Message m) {
        String count = m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        try {
            return count == null ? 1 : Integer.parseInt(count);
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        RuntimeException failure = fatal.get();
        if (failure != null) {
            throw failure;
        }
        InFlightMessage first = buffer.poll(POLL_WAIT_MS, TimeUnit.MILLISECONDS);
        if (first == null) {
            return null;
        }
        List<InFlightMessage> batch = new ArrayList<>();
        batch.add(first);
        buffer.drainTo(batch, config.pollMaxRecords() - 1);
        bufferSpace.release(batch.size());
        List<SourceRecord> records = new ArrayList<>(batch.size());
        for (InFlightMessage m : batch) {
            m.markHandedOver();
            records.add(mapper.toRecord(m));
        }
        return records;
    }

    /**
     * Called by Connect once per record: with metadata when Kafka acknowledged it (delete the message), without
     * when the record was filtered by an SMT or dropped under errors.tolerance (settle per sqs.dropped.records).
     */
    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        if (!(record instanceof SqsSourceRecord sqsRecord)) {
            return;
        }
        InFlightMessage m = sqsRecord.origin();
        if (metadata != null) {
            metrics.produced.increment();
            settler.delete(m);
            return;
        }
        metrics.dropped.increment();
        switch (droppedAction) {
            case KEEP -> settler.forget(m);
            case RELEASE -> settler.release(m);
            case DELETE -> settler.delete(m);
        }
    }

    /**
     * Stops receiving, finishes the deletes Kafka already acknowledged, and makes every message that was never
     * handed to Connect visible again. Messages handed to Connect but not acknowledged are left to their
     * visibility timeout (they may have been written; releasing them at once would only invite a duplicate sooner).
     */
    @Override
    public void stop() {
        stopping = true;
        stopSignal.countDown();
        try {
            if (settler != null) {
                try {
                    settler.flush(STOP_FLUSH_TIMEOUT);
                } catch (TimeoutException e) {
                    log.warn("Task {} stopping: {}", taskName, e.getMessage());
                }
            }
            int releaseDelaySeconds = stopReceivers();
            if (settler != null) {
                List<InFlightMessage> unproduced = new ArrayList<>();
                buffer.drainTo(unproduced);
                settler.releaseNow(unproduced, releaseDelaySeconds);
                log.info("SQS source task {} stopped: released {} unproduced message(s){}; {} message(s) handed to Connect "
                        + "but not acknowledged become visible when their timeout runs out", taskName, unproduced.size(),
                        releaseDelaySeconds > 0 ? " (visible in " + releaseDelaySeconds + " s)" : "", settler.inFlightCount());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(receiveClient);
            closeQuietly(receiveHttp);
            closeQuietly(settler);
            closeQuietly(settleClient);
            closeQuietly(clients);
            metrics.close();
        }
    }

    /**
     * Lets the long polls in progress end by themselves for a short grace period, then cuts the rest. Returns
     * how many seconds released messages must stay hidden: a cut long poll lives on inside SQS until its wait
     * time ends and would take any message that became visible before then.
     */
    private int stopReceivers() throws InterruptedException {
        if (receivers == null) {
            return 0;
        }
        receivers.shutdown();
        long grace = Math.min(STOP_RECEIVERS_GRACE.toMillis(), TimeUnit.SECONDS.toMillis(config.waitTimeSeconds()) + 1_000);
        if (receivers.awaitTermination(grace, TimeUnit.MILLISECONDS)) {
            return 0;
        }
        long lastPollEnds = activePolls.values().stream().mapToLong(Long::longValue).max().orElse(System.nanoTime())
                + TimeUnit.SECONDS.toNanos(config.waitTimeSeconds());
        receiveHttp.abortAll();
        receivers.shutdownNow();
        if (!receivers.awaitTermination(STOP_RECEIVERS_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("SQS receivers of task {} did not stop", taskName);
        }
        return (int) Math.max(0, TimeUnit.NANOSECONDS.toSeconds(lastPollEnds - System.nanoTime()) + 1);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.debug("Error while closing {}: {}", c, e.toString());
        }
    }

    /** This task's counters (the same object that is published over JMX). */
    public SqsSourceTaskMetricsMBean metrics() {
        return metrics;
    }
}
