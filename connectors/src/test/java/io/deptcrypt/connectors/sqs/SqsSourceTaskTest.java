package io.deptcrypt.connectors.sqs;

import static io.deptcrypt.connectors.sqs.ConnectorTestStack.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.embedded.EmbeddedSqs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** The task alone against a real ElasticMQ, with the test playing Connect's part (poll, commitRecord, stop). */
@Tag("integration")
class SqsSourceTaskTest {

    static EmbeddedSqs sqs;

    @BeforeAll
    static void start() {
        sqs = EmbeddedSqs.start();
    }

    @AfterAll
    static void stop() {
        sqs.close();
    }

    static Map<String, String> taskConfig(String queueUrl, String... overrides) {
        Map<String, String> c = new HashMap<>();
        c.put("name", "task-test");
        c.put("sqs.queue.urls", queueUrl);
        c.put("topic", "t");
        c.put("sqs.region", "us-east-1");
        c.put("sqs.endpoint.url", sqs.endpoint().toString());
        c.put("sqs.credentials.provider", "static");
        c.put("sqs.access.key.id", "local");
        c.put("sqs.secret.access.key", "local");
        for (int i = 0; i < overrides.length; i += 2) {
            c.put(overrides[i], overrides[i + 1]);
        }
        return c;
    }

    static void send(String queueUrl, int count) {
        for (int i = 0; i < count; i += 10) {
            int from = i;
            sqs.client().sendMessageBatch(b -> b.queueUrl(queueUrl).entries(
                    java.util.stream.IntStream.range(from, Math.min(count, from + 10))
                            .mapToObj(n -> software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry.builder()
                                    .id(String.valueOf(n)).messageBody("m" + n).build()).toList()));
        }
    }

    static RecordMetadata ack() {
        return new RecordMetadata(new TopicPartition("t", 0), 0, 0, 0, 0, 0);
    }

    static List<SourceRecord> pollAtLeast(SqsSourceTask task, int n) throws InterruptedException {
        List<SourceRecord> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (out.size() < n && System.nanoTime() < deadline) {
            List<SourceRecord> got = task.poll();
            if (got != null) {
                out.addAll(got);
            }
        }
        return out;
    }

    @Test
    void deletesOnlyAcknowledgedRecordsAndKeepsDroppedOnes() throws Exception {
        String queue = sqs.createQueue("ack");
        send(queue, 20);
        SqsSourceTask task = new SqsSourceTask();
        task.start(taskConfig(queue, "sqs.wait.time.seconds", "1"));
        try {
            List<SourceRecord> records = pollAtLeast(task, 20);
            assertThat(records).hasSize(20);
            for (int i = 0; i < records.size(); i++) {
                task.commitRecord(records.get(i), i < 15 ? ack() : null); // 5 "filtered"
            }
            await("15 deleted", Duration.ofSeconds(10), () -> task.metrics().getDeleted() == 15);
            assertThat(task.metrics().getProduced()).isEqualTo(15);
            assertThat(task.metrics().getDropped()).isEqualTo(5);
            assertThat(sqs.approximateMessageCount(queue)).isEqualTo(5); // kept, not deleted
        } finally {
            task.stop();
        }
    }

    @Test
    void stopReleasesUnproducedMessagesWithoutWaitingOutLongPolls() throws Exception {
        String queue = sqs.createQueue("release");
        send(queue, 20);
        SqsSourceTask task = new SqsSourceTask();
        // 60 s visibility timeout: without a release the messages would be gone for a minute. The 10 s long polls
        // outlast the stop grace period, so stop cuts them.
        task.start(taskConfig(queue, "sqs.wait.time.seconds", "10", "sqs.visibility.timeout.seconds", "60", "sqs.receivers", "2"));
        await("20 buffered", Duration.ofSeconds(10), () -> task.metrics().getBuffered() == 20);

        long t0 = System.nanoTime();
        task.stop();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("stop time").isLessThan(Duration.ofSeconds(5));
        assertThat(task.metrics().getReleased()).isEqualTo(20);

        // Visible again once the cut long polls have ended inside the server (at most 10 s), not after 60 s.
        List<Message> again = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (again.size() < 20 && System.nanoTime() < deadline) {
            again.addAll(sqs.client().receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages());
        }
        assertThat(again).hasSize(20);
        assertThat(again).allSatisfy(m -> assertThat(m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).isEqualTo("2"));
    }

    @Test
    void releasesDroppedRecordsWhenConfigured() throws Exception {
        String queue = sqs.createQueue("release-dropped");
        send(queue, 10);
        SqsSourceTask task = new SqsSourceTask();
        task.start(taskConfig(queue, "sqs.wait.time.seconds", "1", "sqs.dropped.records", "release",
                "sqs.visibility.timeout.seconds", "60", "sqs.receivers", "1"));
        try {
            List<SourceRecord> first = pollAtLeast(task, 10);
            first.forEach(r -> task.commitRecord(r, null));
            // Released at once, so they come straight back (well before the 60 s timeout).
            await("received again", Duration.ofSeconds(10), () -> task.metrics().getRedeliveries() >= 10);
            assertThat(task.metrics().getReleased()).isGreaterThanOrEqualTo(10);
        } finally {
            task.stop();
        }
    }

    @Test
    void aMissingQueueFailsTheTaskWithAClearMessage() throws Exception {
        SqsSourceTask task = new SqsSourceTask();
        String missing = sqs.endpoint() + "/" + EmbeddedSqs.ACCOUNT_ID + "/no-such-queue";
        task.start(taskConfig(missing, "sqs.wait.time.seconds", "1", "sqs.receivers", "1"));
        try {
            assertThatThrownBy(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (System.nanoTime() < deadline) {
                    task.poll();
                }
            }).isInstanceOf(ConnectException.class).hasMessageContaining("no-such-queue");
        } finally {
            task.stop();
        }
    }

    @Test
    void publishesMetricsOverJmx() throws Exception {
        String queue = sqs.createQueue("jmx");
        SqsSourceTask task = new SqsSourceTask();
        task.start(taskConfig(queue, "sqs.wait.time.seconds", "1", "sqs.receivers", "1", "name", "jmx-test", "sqs.task.id", "3"));
        try {
            send(queue, 3);
            await("received over JMX", Duration.ofSeconds(10), () -> ConnectorTestStack.metric("jmx-test", 3, "Received") == 3);
            for (String attribute : List.of("Produced", "Deleted", "DeleteFailures", "VisibilityExtensions", "Redeliveries")) {
                assertThat(ConnectorTestStack.metric("jmx-test", 3, attribute)).as(attribute).isZero();
            }
        } finally {
            task.stop();
        }
        assertThat(ConnectorTestStack.metric("jmx-test", 3, "Received")).as("unregistered on stop").isEqualTo(-1);
    }
}
