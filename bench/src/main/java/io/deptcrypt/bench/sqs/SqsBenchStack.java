package io.deptcrypt.bench.sqs;

import io.deptcrypt.connectors.sqs.SqsSourceConnector;
import io.deptcrypt.connectors.sqs.SqsSourceTaskMetrics;
import io.deptcrypt.embedded.EmbeddedConnect;
import io.deptcrypt.embedded.EmbeddedKafka;
import io.deptcrypt.embedded.EmbeddedSqs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.management.JMException;
import javax.management.ObjectName;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/** A KRaft broker, an in-memory ElasticMQ and a Connect worker in this JVM, with the few tools the benchmark needs. */
final class SqsBenchStack implements AutoCloseable {

    private static final int SENDERS = 8;

    final EmbeddedKafka kafka;
    final EmbeddedSqs sqs;
    final EmbeddedConnect connect;
    private final Path dir;

    private SqsBenchStack(Path dir, EmbeddedKafka kafka, EmbeddedSqs sqs, EmbeddedConnect connect) {
        this.dir = dir;
        this.kafka = kafka;
        this.sqs = sqs;
        this.connect = connect;
    }

    /** Starts the three servers; the broker's data lives in a temporary directory deleted by {@link #close}. */
    static SqsBenchStack start() throws IOException {
        Path dir = Files.createTempDirectory("deptcrypt-sqs-bench");
        EmbeddedKafka kafka = EmbeddedKafka.start(dir);
        EmbeddedSqs sqs = EmbeddedSqs.start();
        EmbeddedConnect connect = EmbeddedConnect.start(kafka.bootstrapServers());
        return new SqsBenchStack(dir, kafka, sqs, connect);
    }

    /** The connector's settings against this stack's ElasticMQ: one task, {@code receivers} long-poll loops. */
    Map<String, String> connectorConfig(String queueUrl, String topic, int receivers) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", SqsSourceConnector.class.getName());
        c.put("tasks.max", "1");
        c.put("sqs.queue.urls", queueUrl);
        c.put("topic", topic);
        c.put("sqs.region", EmbeddedSqs.REGION.id());
        c.put("sqs.endpoint.url", sqs.endpoint().toString());
        c.put("sqs.credentials.provider", "static");
        c.put("sqs.access.key.id", "local");
        c.put("sqs.secret.access.key", "local");
        c.put("sqs.wait.time.seconds", "1");
        c.put("sqs.receivers", String.valueOf(receivers));
        c.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        return c;
    }

    /** Sends {@code count} small messages with SendMessageBatch from several threads; fails on any failed entry. */
    void preload(String queueUrl, String prefix, int count) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        try (SqsClient client = sqs.newClient()) {
            List<Future<?>> sends = new ArrayList<>();
            for (int from = 0; from < count; from += 10) {
                List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
                for (int i = from; i < Math.min(count, from + 10); i++) {
                    batch.add(SendMessageBatchRequestEntry.builder().id(String.valueOf(i - from)).messageBody(prefix + i).build());
                }
                sends.add(pool.submit(() -> {
                    SendMessageBatchResponse r = client.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(batch));
                    if (!r.failed().isEmpty()) {
                        throw new IllegalStateException("preloading " + queueUrl + " failed: " + r.failed());
                    }
                }));
            }
            for (Future<?> f : sends) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("preloading " + queueUrl + " failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** A counter of the connector's task 0, read over JMX; -1 while the task has not registered it. */
    static long taskMetric(String connector, String attribute) {
        ObjectName name = SqsSourceTaskMetrics.objectName(connector, "0");
        try {
            return (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(name, attribute);
        } catch (JMException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        connect.close();
        sqs.close();
        kafka.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the benchmark's broker data in " + dir, e);
        }
    }
}
