package io.deptcrypt.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

@Tag("integration")
class EmbeddedSqsTest {

    @Test
    void sendsReceivesAndDeletesOnStandardAndFifoQueues() {
        try (EmbeddedSqs sqs = EmbeddedSqs.start()) {
            assertThat(sqs.persistent()).isFalse();
            SqsClient client = sqs.client();
            String url = sqs.createQueue("plain");
            assertThat(url).startsWith(sqs.endpoint().toString()).endsWith("/plain");

            client.sendMessage(b -> b.queueUrl(url).messageBody("hi"));
            List<Message> got = client.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5).maxNumberOfMessages(10)).messages();
            assertThat(got).extracting(Message::body).containsExactly("hi");
            client.deleteMessage(b -> b.queueUrl(url).receiptHandle(got.get(0).receiptHandle()));
            assertThat(sqs.approximateMessageCount(url)).isZero();

            String fifo = sqs.createFifoQueue("ordered.fifo", false);
            client.sendMessage(b -> b.queueUrl(fifo).messageBody("a").messageGroupId("g").messageDeduplicationId("1"));
            Message m = client.receiveMessage(b -> b.queueUrl(fifo).waitTimeSeconds(5)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages().get(0);
            assertThat(m.attributes()).containsEntry(MessageSystemAttributeName.MESSAGE_GROUP_ID, "g");

            assertThatThrownBy(() -> sqs.createFifoQueue("no-suffix", false)).hasMessageContaining(".fifo");
        }
    }

    @Test
    void aPersistentServerKeepsQueuesAndUndeletedMessagesAcrossARestart(@TempDir Path dir) {
        String deletedBody;
        try (EmbeddedSqs sqs = EmbeddedSqs.start(dir, 0)) {
            assertThat(sqs.persistent()).isTrue();
            String url = sqs.createQueue("ingest");
            send(sqs.client(), url, 25);
            // One message is received and deleted before the stop: it must not come back.
            Message first = sqs.client().receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(1).waitTimeSeconds(5)).messages().get(0);
            sqs.client().deleteMessage(b -> b.queueUrl(url).receiptHandle(first.receiptHandle()));
            deletedBody = first.body();
            assertThat(sqs.approximateMessageCount(url)).isEqualTo(24);
        }

        try (EmbeddedSqs again = EmbeddedSqs.start(dir, 0)) {
            String url = again.client().getQueueUrl(b -> b.queueName("ingest")).queueUrl();
            Map<String, Message> byBody = receiveAll(again.client(), url, 24);
            assertThat(byBody).hasSize(24).doesNotContainKey(deletedBody);
            assertIntact(byBody, IntStream.range(0, 25).mapToObj(EmbeddedSqsTest::body).filter(b -> !b.equals(deletedBody)).toList());
            assertThat(again.approximateMessageCount(url)).as("nothing beyond the 24").isEqualTo(24);
        }
    }

    /** The server's JVM is killed (no close, no shutdown hook): every message SQS had acknowledged is there. */
    @Test
    void aPersistentServerLosesNothingWhenItsJvmIsKilled(@TempDir Path dir) throws Exception {
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), PersistentSqsProcess.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            String line = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(line).as("the child's port line").startsWith(PersistentSqsProcess.READY);
            int port = Integer.parseInt(line.substring(PersistentSqsProcess.READY.length()));
            try (SqsClient client = SqsClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port))
                    .region(EmbeddedSqs.REGION).credentialsProvider(EmbeddedSqs.credentials()).build()) {
                String url = client.createQueue(b -> b.queueName("crash")).queueUrl();
                send(client, url, 30);
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child killed").isTrue();
        }

        try (EmbeddedSqs again = EmbeddedSqs.start(dir, 0)) {
            String url = again.client().getQueueUrl(b -> b.queueName("crash")).queueUrl();
            Map<String, Message> byBody = receiveAll(again.client(), url, 30);
            assertIntact(byBody, IntStream.range(0, 30).mapToObj(EmbeddedSqsTest::body).toList());
        }
    }

    /**
     * A FIFO queue restored from disk serves each message group in send order, and a message in flight at the stop
     * still holds its group until its visibility timeout ends, as SQS does. (ElasticMQ's own restore gives FIFO
     * messages back as standard ones, so a group came back ordered by next delivery time: the in-flight message
     * behind later ones and messages sent in one batch in any order.)
     */
    @Test
    void aPersistentFifoQueueKeepsEachGroupsOrderAndInFlightLockAcrossARestart(@TempDir Path dir) {
        List<String> sent = IntStream.range(0, 30).mapToObj(EmbeddedSqsTest::body).toList();
        long receivedAt;
        try (EmbeddedSqs sqs = EmbeddedSqs.start(dir, 0)) {
            String url = sqs.createQueue("ordered.fifo", Map.of("FifoQueue", "true", "VisibilityTimeout", "4"));
            for (int from = 0; from < sent.size(); from += 10) { // batches: messages sent in the same millisecond
                List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                for (String body : sent.subList(from, from + 10)) {
                    entries.add(SendMessageBatchRequestEntry.builder().id(body).messageBody(body).messageGroupId("g")
                            .messageDeduplicationId(body).build());
                }
                assertThat(sqs.client().sendMessageBatch(b -> b.queueUrl(url).entries(entries)).failed()).isEmpty();
            }
            sqs.client().sendMessage(b -> b.queueUrl(url).messageBody("other").messageGroupId("h").messageDeduplicationId("h1"));
            receivedAt = System.nanoTime();
            List<Message> inFlight = sqs.client().receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(3)).messages();
            assertThat(inFlight).extracting(Message::body).containsExactlyElementsOf(sent.subList(0, 3));
        }

        try (EmbeddedSqs again = EmbeddedSqs.start(dir, 0)) {
            SqsClient client = again.client();
            String url = client.getQueueUrl(b -> b.queueName("ordered.fifo")).queueUrl();
            List<String> received = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (received.size() < sent.size() + 1 && System.nanoTime() < deadline) {
                for (Message m : client.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                    if (m.body().startsWith("event-") && received.isEmpty()) {
                        assertThat(Duration.ofNanos(System.nanoTime() - receivedAt))
                                .as("group g is held by its in-flight messages until their visibility timeout (4 s) ends")
                                .isGreaterThan(Duration.ofMillis(3_900));
                    }
                    received.add(m.body());
                    client.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
                }
            }
            assertThat(received).as("the other group is not held by g's lock").contains("other");
            assertThat(received.stream().filter(b -> b.startsWith("event-")).toList())
                    .as("group g in send order, its in-flight messages first").containsExactlyElementsOf(sent);
        }
    }

    @Test
    void onePersistentServerPerJvmAtATime(@TempDir Path dir) {
        try (EmbeddedSqs sqs = EmbeddedSqs.start(dir.resolve("a"), 0)) {
            assertThatThrownBy(() -> EmbeddedSqs.start(dir.resolve("b"), 0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("one at a time");
            assertThat(sqs.createQueue("still-fine")).endsWith("/still-fine");
        }
        // Closed: the next one may start, on another directory too.
        try (EmbeddedSqs other = EmbeddedSqs.start(dir.resolve("b"), 0)) {
            assertThat(other.client().listQueues().queueUrls()).as("a fresh directory has no queues").isEmpty();
        }
    }

    static String body(int i) {
        return "event-" + i;
    }

    /** Sends {@code count} messages, each with a String, a Number and a Binary attribute derived from its index. */
    static void send(SqsClient client, String url, int count) {
        for (int from = 0; from < count; from += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + 10); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id("e" + i).messageBody(body(i)).messageAttributes(Map.of(
                        "department", MessageAttributeValue.builder().dataType("String").stringValue("dept-" + (i % 3)).build(),
                        "amount", MessageAttributeValue.builder().dataType("Number").stringValue(String.valueOf(i * 100)).build(),
                        "raw", MessageAttributeValue.builder().dataType("Binary")
                                .binaryValue(SdkBytes.fromByteArray(new byte[] {(byte) i, 0, (byte) 0xff})).build())).build());
            }
            assertThat(client.sendMessageBatch(b -> b.queueUrl(url).entries(entries)).failed()).isEmpty();
        }
    }

    /** Receives until {@code expected} distinct bodies arrived (or 20 s passed), then once more to see nothing is left. */
    static Map<String, Message> receiveAll(SqsClient client, String url, int expected) {
        Map<String, Message> byBody = new TreeMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (byBody.size() < expected && System.nanoTime() < deadline) {
            client.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1).messageAttributeNames("All"))
                    .messages().forEach(m -> byBody.put(m.body(), m));
        }
        client.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1))
                .messages().forEach(m -> byBody.put(m.body(), m));
        return byBody;
    }

    static void assertIntact(Map<String, Message> byBody, List<String> expectedBodies) {
        assertThat(byBody.keySet()).containsExactlyInAnyOrderElementsOf(expectedBodies);
        byBody.values().forEach(m -> {
            int i = Integer.parseInt(m.body().substring("event-".length()));
            assertThat(m.messageAttributes().get("department").stringValue()).isEqualTo("dept-" + (i % 3));
            assertThat(m.messageAttributes().get("amount").dataType()).isEqualTo("Number");
            assertThat(m.messageAttributes().get("amount").stringValue()).isEqualTo(String.valueOf(i * 100));
            assertThat(m.messageAttributes().get("raw").binaryValue().asByteArray()).containsExactly((byte) i, 0, (byte) 0xff);
        });
    }
}
