package io.deptcrypt.connectors.sqs;

import io.deptcrypt.embedded.EmbeddedConnect;
import io.deptcrypt.embedded.EmbeddedKafka;
import io.deptcrypt.embedded.EmbeddedSqs;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import javax.management.JMException;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/** A real broker, ElasticMQ and Connect worker for the connector tests, plus the small tools the tests share. */
final class ConnectorTestStack implements AutoCloseable {

    final EmbeddedKafka kafka;
    final EmbeddedSqs sqs;
    EmbeddedConnect connect;

    ConnectorTestStack(Path dataDir) {
        this.kafka = EmbeddedKafka.start(dataDir);
        this.sqs = EmbeddedSqs.start();
        this.connect = EmbeddedConnect.start(kafka.bootstrapServers());
    }

    /** Stops the Connect worker and starts a new one in the same group: its connectors come back. */
    void restartWorker() {
        connect.stop();
        connect = EmbeddedConnect.start(kafka.bootstrapServers());
    }

    /** Connector settings that point at this stack's ElasticMQ. */
    Map<String, String> connectorConfig(String queueUrl, String topic, String... overrides) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", SqsSourceConnector.class.getName());
        c.put("tasks.max", "1");
        c.put("sqs.queue.urls", queueUrl);
        c.put("topic", topic);
        c.put("sqs.region", "us-east-1");
        c.put("sqs.endpoint.url", sqs.endpoint().toString());
        c.put("sqs.credentials.provider", "static");
        c.put("sqs.access.key.id", "local");
        c.put("sqs.secret.access.key", "local");
        c.put("sqs.wait.time.seconds", "1");
        c.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        for (int i = 0; i < overrides.length; i += 2) {
            c.put(overrides[i], overrides[i + 1]);
        }
        return c;
    }

    /** Sends the messages with SendMessageBatch from {@code senders} threads; fails on any failed entry. */
    void sendAll(String queueUrl, List<SendMessageBatchRequestEntry> entries, int senders) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try (SqsClient client = sqs.newClient()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < entries.size(); i += 10) {
                List<SendMessageBatchRequestEntry> chunk = entries.subList(i, Math.min(entries.size(), i + 10));
                futures.add(pool.submit(() -> {
                    SendMessageBatchResponse r = client.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(chunk));
                    if (!r.failed().isEmpty()) {
                        throw new IllegalStateException("send failed: " + r.failed());
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static List<SendMessageBatchRequestEntry> bodies(String prefix, int count) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            entries.add(SendMessageBatchRequestEntry.builder().id(String.valueOf(i % 10)).messageBody(prefix + i).build());
        }
        return entries;
    }

    /** Reads the topic from the start until {@code done} holds for what was read, or the timeout passes. */
    List<ConsumerRecord<String, String>> readTopic(String topic, Duration timeout,
                                                   Function<List<ConsumerRecord<String, String>>, Boolean> done) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + System.nanoTime()),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.apply(out) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** A counter of task {@code task} of the connector, read over JMX. */
    static long metric(String connector, int task, String attribute) {
        ObjectName name = SqsSourceTaskMetrics.objectName(connector, String.valueOf(task));
        try {
            return (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(name, attribute);
        } catch (JMException e) {
            return -1;
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(50); // polling a condition with a deadline
        }
    }

    @Override
    public void close() {
        if (connect != null) {
            connect.close();
        }
        sqs.close();
        kafka.close();
    }
}
