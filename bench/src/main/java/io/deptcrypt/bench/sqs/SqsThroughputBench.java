package io.deptcrypt.bench.sqs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * ElasticMQ's own ceiling, measured with bare {@link SqsClient} threads that each receive 10 messages and delete
 * them with one DeleteMessageBatch, against the connector with one task and as many receivers, on the same stack.
 * Messages are preloaded before each timed run; the clock runs from the first receive to the last delete.
 * Started by {@link SqsBenchCommand} in a JVM that has Connect and ElasticMQ on its class path.
 */
public final class SqsThroughputBench {

    /** A timed run that takes longer than this is reported as failed rather than left hanging. */
    private static final Duration RUN_LIMIT = Duration.ofMinutes(10);
    private static final int WARM_UP_MESSAGES = 2_000;

    private final SqsBenchStack stack;
    private final SqsBenchSettings settings;

    private SqsThroughputBench(SqsBenchStack stack, SqsBenchSettings settings) {
        this.stack = stack;
        this.settings = settings;
    }

    /** Arguments: {@code <messages> <concurrency> <rounds>} (see {@link SqsBenchSettings#toArgs}). */
    public static void main(String[] args) {
        int exit = 0;
        try {
            SqsBenchSettings settings = SqsBenchSettings.fromArgs(args);
            try (SqsBenchStack stack = SqsBenchStack.start()) {
                new SqsThroughputBench(stack, settings).run();
            }
        } catch (Exception e) {
            System.err.println("SQS benchmark failed: " + e);
            e.printStackTrace();
            exit = 1;
        }
        System.exit(exit); // the Connect worker and the broker leave non-daemon threads behind
    }

    private void run() throws Exception {
        int n = settings.messages();
        int threads = settings.concurrency();
        System.out.printf("SQS benchmark: %d messages per run, %d round(s), bare loops of %d and %d threads, connector with "
                + "1 task and %d receivers%n", n, settings.rounds(), threads, 2 * threads, threads);
        // Warm-up (JIT, first queue and topic), not reported.
        bareLoop("warm", Math.min(n, WARM_UP_MESSAGES), threads);
        connector("warm", Math.min(n, WARM_UP_MESSAGES));
        List<Double> ceiling = new ArrayList<>();
        List<Double> ceilingDouble = new ArrayList<>();
        List<Double> connector = new ArrayList<>();
        for (int round = 0; round < settings.rounds(); round++) {
            ceiling.add(bareLoop("r" + round, n, threads));
            connector.add(connector("r" + round, n));
            ceilingDouble.add(bareLoop("d" + round, n, 2 * threads));
            System.out.printf("round %d: bare receive+delete x%d %.0f msg/s, x%d %.0f msg/s; connector %.0f msg/s%n",
                    round, threads, ceiling.get(round), 2 * threads, ceilingDouble.get(round), connector.get(round));
        }
        double bestCeiling = best(ceiling);
        double bestDouble = best(ceilingDouble);
        double bestConnector = best(connector);
        System.out.printf("RESULT messages=%d: ceiling (bare loop, %d threads) %.0f msg/s; bare loop with %d threads %.0f msg/s; "
                        + "connector (1 task, %d receivers) %.0f msg/s = %.0f%% of the ceiling, %.0f%% of the %d-thread loop%n",
                n, threads, bestCeiling, 2 * threads, bestDouble, threads, bestConnector,
                100 * bestConnector / bestCeiling, 100 * bestConnector / bestDouble, 2 * threads);
    }

    private static double best(List<Double> rates) {
        return rates.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    /** Threads that each receive 10 and delete them with one DeleteMessageBatch, until all are deleted. */
    private double bareLoop(String round, int messages, int threads) throws Exception {
        String queue = stack.sqs.createQueue("bare-" + round + "-" + threads);
        stack.preload(queue, "b-", messages);
        AtomicInteger deleted = new AtomicInteger();
        long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (SqsClient client = stack.sqs.newClient()) {
            long start = System.nanoTime();
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    while (deleted.get() < messages) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("bare loop " + round + " not done within " + RUN_LIMIT);
                        }
                        List<Message> got = client.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10)
                                .waitTimeSeconds(1).visibilityTimeout(30)).messages();
                        if (got.isEmpty()) {
                            continue; // the others are finishing the last messages
                        }
                        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
                        for (int i = 0; i < got.size(); i++) {
                            entries.add(DeleteMessageBatchRequestEntry.builder().id(String.valueOf(i))
                                    .receiptHandle(got.get(i).receiptHandle()).build());
                        }
                        deleted.addAndGet(client.deleteMessageBatch(b -> b.queueUrl(queue).entries(entries)).successful().size());
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
            return messages / ((System.nanoTime() - start) / 1e9);
        } catch (ExecutionException e) {
            throw new IllegalStateException("bare loop " + round + " failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** The connector with one task reads the preloaded queue into a topic; timed until its task deleted them all. */
    private double connector(String round, int messages) throws Exception {
        String name = "bench-" + round;
        String queue = stack.sqs.createQueue(name);
        stack.kafka.createTopic(name, 1);
        stack.preload(queue, "c-", messages);
        stack.connect.createConnector(name, stack.connectorConfig(queue, name, settings.concurrency()));
        long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
        // Read the task's counters every 5 ms: the clock of this measurement, not a wait for a result.
        while (SqsBenchStack.taskMetric(name, "Received") <= 0) {
            checkDeadline(deadline, name + ": no message received");
            Thread.sleep(5);
        }
        long start = System.nanoTime();
        while (SqsBenchStack.taskMetric(name, "Deleted") < messages) {
            checkDeadline(deadline, name + ": not all " + messages + " messages deleted");
            Thread.sleep(5);
        }
        double rate = messages / ((System.nanoTime() - start) / 1e9);
        stack.connect.deleteConnector(name);
        return rate;
    }

    private static void checkDeadline(long deadline, String what) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException(what + " within " + RUN_LIMIT);
        }
    }
}
