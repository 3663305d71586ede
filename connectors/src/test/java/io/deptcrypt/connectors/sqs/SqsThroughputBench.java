package io.deptcrypt.connectors.sqs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static io.deptcrypt.connectors.sqs.ConnectorTestStack.await;
import static io.deptcrypt.connectors.sqs.ConnectorTestStack.metric;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Not run in CI (surefire excludes *Bench). ElasticMQ's own ceiling, measured with a bare SqsClient
 * receive+delete loop, against the connector with one task at the same concurrency, on the same stack:
 * <pre>mvn -pl connectors test -Dtest=SqsThroughputBench [-Dbench.messages=10000 -Dbench.concurrency=8 -Dbench.rounds=2]</pre>
 * Messages are preloaded before each timed run; the time runs from the first receive to the last delete.
 */
class SqsThroughputBench {

    final int messages = Integer.getInteger("bench.messages", 10_000);
    final int concurrency = Integer.getInteger("bench.concurrency", 8);
    final int rounds = Integer.getInteger("bench.rounds", 2);

    @Test
    void ceilingVersusConnector(@TempDir Path dir) throws Exception {
        try (ConnectorTestStack stack = new ConnectorTestStack(dir)) {
            // Warm-up (JIT, first queue and topic), not reported.
            bareLoop(stack, "warm", Math.min(messages, 2_000), concurrency);
            connector(stack, "warm", Math.min(messages, 2_000));
            List<Double> ceiling = new ArrayList<>();
            List<Double> ceilingDouble = new ArrayList<>();
            List<Double> connector = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                ceiling.add(bareLoop(stack, "r" + round, messages, concurrency));
                connector.add(connector(stack, "r" + round, messages));
                ceilingDouble.add(bareLoop(stack, "d" + round, messages, 2 * concurrency));
                System.out.printf("round %d: bare receive+delete x%d %.0f msg/s, x%d %.0f msg/s; connector %.0f msg/s%n",
                        round, concurrency, ceiling.get(round), 2 * concurrency, ceilingDouble.get(round), connector.get(round));
            }
            double bestCeiling = ceiling.stream().mapToDouble(d -> d).max().orElseThrow();
            double bestDouble = ceilingDouble.stream().mapToDouble(d -> d).max().orElseThrow();
            double bestConnector = connector.stream().mapToDouble(d -> d).max().orElseThrow();
            System.out.printf("RESULT messages=%d: ceiling (bare loop, %d threads) %.0f msg/s; bare loop with %d threads %.0f msg/s; "
                            + "connector (1 task, %d receivers) %.0f msg/s = %.0f%% of the ceiling, %.0f%% of the %d-thread loop%n",
                    messages, concurrency, bestCeiling, 2 * concurrency, bestDouble, concurrency, bestConnector,
                    100 * bestConnector / bestCeiling, 100 * bestConnector / bestDouble, 2 * concurrency);
            assertThat(bestConnector).isPositive();
        }
    }

    /** Threads that each receive 10 and delete them with one DeleteMessageBatch, until all are deleted. */
    private double bareLoop(ConnectorTestStack stack, String round, int messages, int concurrency) throws Exception {
        String queue = stack.sqs.createQueue("bare-" + round + "-" + concurrency);
        stack.sendAll(queue, ConnectorTestStack.bodies("b-", messages), 8);
        AtomicInteger deleted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try (SqsClient client = stack.sqs.newClient()) {
            long start = System.nanoTime();
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < concurrency; t++) {
                workers.add(pool.submit(() -> {
                    while (deleted.get() < messages) {
                        List<Message> got = client.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10)
                                .waitTimeSeconds(1).visibilityTimeout(30)).messages();
                        if (got.isEmpty()) {
                            continue; // the others are finishing the last messages
                        }
                        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
                        for (int i = 0; i < got.size(); i++) {
                            entries.add(DeleteMessageBatchRequestEntry.builder().id(String.valueOf(i)).receiptHandle(got.get(i).receiptHandle()).build());
                        }
                        int ok = client.deleteMessageBatch(b -> b.queueUrl(queue).entries(entries)).successful().size();
                        deleted.addAndGet(ok);
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
            return messages / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private double connector(ConnectorTestStack stack, String round, int messages) throws Exception {
        String name = "bench-" + round;
        String queue = stack.sqs.createQueue(name);
        stack.kafka.createTopic(name, 1);
        stack.sendAll(queue, ConnectorTestStack.bodies("c-", messages), 8);
        stack.connect.createConnector(name, stack.connectorConfig(queue, name, "sqs.receivers", String.valueOf(concurrency)));
        await("first receive", Duration.ofSeconds(60), () -> metric(name, 0, "Received") > 0);
        long start = System.nanoTime();
        while (metric(name, 0, "Deleted") < messages) {
            Thread.sleep(5);
        }
        double rate = messages / ((System.nanoTime() - start) / 1e9);
        stack.connect.deleteConnector(name);
        return rate;
    }
}
