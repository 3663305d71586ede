package io.deptcrypt.connectors.sqs;

import static io.deptcrypt.connectors.sqs.ConnectorTestStack.await;
import static io.deptcrypt.connectors.sqs.ConnectorTestStack.metric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.embedded.EmbeddedConnect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** The connector on real parts: a KRaft broker, ElasticMQ and a distributed Connect worker, all in this JVM. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("integration")
class SqsSourceConnectorIntegrationTest {

    static final int BULK = 10_000;

    ConnectorTestStack stack;

    @BeforeAll
    void startStack(@TempDir Path dir) {
        stack = new ConnectorTestStack(dir);
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void tenThousandMessagesLandAndTheQueueEndsEmpty() throws Exception {
        String queue = stack.sqs.createQueue("bulk");
        stack.kafka.createTopic("bulk", 3);
        long t0 = System.nanoTime();
        stack.sendAll(queue, ConnectorTestStack.bodies("m-", BULK), 8);
        long sent = System.nanoTime();

        stack.connect.createConnector("bulk", stack.connectorConfig(queue, "bulk", "sqs.receivers", "8"));
        var records = stack.readTopic("bulk", Duration.ofSeconds(120), r -> r.size() >= BULK);
        long landed = System.nanoTime();

        Set<String> distinct = records.stream().map(ConsumerRecord::value).collect(Collectors.toSet());
        assertThat(distinct).hasSize(BULK);
        await("queue empty", Duration.ofSeconds(30), () -> stack.sqs.approximateMessageCount(queue) == 0);
        await("all deleted", Duration.ofSeconds(30), () -> metric("bulk", 0, "Deleted") == BULK);
        assertThat(metric("bulk", 0, "Received")).isEqualTo(BULK);
        assertThat(metric("bulk", 0, "Produced")).isEqualTo(BULK);
        assertThat(metric("bulk", 0, "DeleteFailures")).isZero();
        assertThat(metric("bulk", 0, "Redeliveries")).isZero();
        // The standard headers are on every record.
        Header id = records.get(0).headers().lastHeader(SqsRecordMapper.HEADER_MESSAGE_ID);
        assertThat(id).isNotNull();
        assertThat(records.get(0).key()).isEqualTo(new String(id.value(), StandardCharsets.UTF_8));
        System.out.printf("bulk: preload %d msgs %.1f s; connector drained them in %.1f s (%.0f msg/s), duplicates %d%n",
                BULK, (sent - t0) / 1e9, (landed - sent) / 1e9, BULK / ((landed - sent) / 1e9), records.size() - distinct.size());
        stack.connect.deleteConnector("bulk");
    }

    @Test
    void aWorkerStoppedMidStreamAndRestartedLosesNothing() throws Exception {
        int total = 3_000;
        String queue = stack.sqs.createQueue("restart");
        stack.kafka.createTopic("restart", 1);
        stack.sendAll(queue, ConnectorTestStack.bodies("r-", total), 8);
        stack.connect.createConnector("restart", stack.connectorConfig(queue, "restart",
                "sqs.visibility.timeout.seconds", "5", "sqs.receivers", "4"));
        await("a third produced", Duration.ofSeconds(60), () -> metric("restart", 0, "Produced") >= total / 3);

        stack.restartWorker(); // graceful stop mid-stream, then a new worker in the same group
        stack.connect.awaitRunning("restart", 1, Duration.ofSeconds(60));

        var records = stack.readTopic("restart", Duration.ofSeconds(90),
                r -> r.stream().map(ConsumerRecord::value).distinct().count() >= total);
        Set<String> distinct = records.stream().map(ConsumerRecord::value).collect(Collectors.toSet());
        assertThat(distinct).as("every message landed").hasSize(total);
        await("queue empty", Duration.ofSeconds(30), () -> stack.sqs.approximateMessageCount(queue) == 0);
        int duplicates = records.size() - distinct.size();
        System.out.printf("restart: %d messages, %d records, %d duplicates%n", total, records.size(), duplicates);
        assertThat(duplicates).as("duplicates after a graceful stop").isLessThan(total / 10);
        stack.connect.deleteConnector("restart");
    }

    @Test
    void inFlightMessagesPastTheVisibilityTimeoutAreHeartbeatedNotRedelivered() throws Exception {
        int count = 50;
        String queue = stack.sqs.createQueue("heartbeat");
        stack.kafka.createTopic("heartbeat", 1);
        stack.connect.createConnector("heartbeat", stack.connectorConfig(queue, "heartbeat",
                "sqs.visibility.timeout.seconds", "2", "sqs.receivers", "2"));
        stack.connect.awaitRunning("heartbeat", 1, Duration.ofSeconds(60));
        // Paused, the task receives into its buffer but Connect does not poll it: the messages stay in flight.
        stack.connect.pauseConnector("heartbeat");
        await("paused", Duration.ofSeconds(30), () -> "PAUSED".equals(stack.connect.connectorState("heartbeat")));
        stack.sendAll(queue, ConnectorTestStack.bodies("h-", count), 2);
        await("all received", Duration.ofSeconds(30), () -> metric("heartbeat", 0, "Received") >= count);
        // Three extensions each: at least 3 x half of 2 s in flight, well past the 2 s timeout.
        await("extensions", Duration.ofSeconds(30), () -> metric("heartbeat", 0, "VisibilityExtensions") >= 3L * count);
        assertThat(metric("heartbeat", 0, "Received")).as("nothing received twice").isEqualTo(count);
        assertThat(metric("heartbeat", 0, "Redeliveries")).isZero();

        stack.connect.resumeConnector("heartbeat");
        var records = stack.readTopic("heartbeat", Duration.ofSeconds(60), r -> r.size() >= count);
        assertThat(records).hasSize(count);
        assertThat(records.stream().map(ConsumerRecord::value).distinct()).hasSize(count);
        assertThat(records).allSatisfy(r -> assertThat(receiveCount(r)).isEqualTo(1));
        await("queue empty", Duration.ofSeconds(30), () -> stack.sqs.approximateMessageCount(queue) == 0);
        assertThat(metric("heartbeat", 0, "Redeliveries")).isZero();
        stack.connect.deleteConnector("heartbeat");
    }

    @Test
    void aFifoQueueKeepsPerGroupOrder() throws Exception {
        int groups = 5;
        int perGroup = 100;
        String queue = stack.sqs.createFifoQueue("ordered.fifo", false);
        stack.kafka.createTopic("ordered", 3);
        // Interleave the groups as a producer would; each group's sequence must come out in order.
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < perGroup; i++) {
            for (int g = 0; g < groups; g++) {
                entries.add(SendMessageBatchRequestEntry.builder().id(String.valueOf(entries.size() % 10))
                        .messageGroupId("g" + g).messageDeduplicationId("g" + g + "-" + i).messageBody("g" + g + ":" + i).build());
            }
        }
        stack.sendAll(queue, entries, 1); // one sender: SQS orders a group by send order
        stack.connect.createConnector("ordered", stack.connectorConfig(queue, "ordered", "sqs.receivers", "4"));
        var records = stack.readTopic("ordered", Duration.ofSeconds(90), r -> r.size() >= groups * perGroup);
        assertThat(records).hasSize(groups * perGroup);

        Map<String, List<Integer>> byGroup = new LinkedHashMap<>();
        Map<String, Set<Integer>> partitions = new HashMap<>();
        for (var r : records) {
            String[] parts = r.value().split(":");
            assertThat(r.key()).isEqualTo(parts[0]);
            byGroup.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
            partitions.computeIfAbsent(parts[0], k -> new HashSet<>()).add(r.partition());
            assertThat(r.headers().lastHeader(SqsRecordMapper.HEADER_SEQUENCE_NUMBER)).isNotNull();
        }
        List<Integer> expected = java.util.stream.IntStream.range(0, perGroup).boxed().toList();
        assertThat(byGroup).hasSize(groups).allSatisfy((g, seq) -> assertThat(seq).as(g).isEqualTo(expected));
        assertThat(partitions).allSatisfy((g, p) -> assertThat(p).as(g).hasSize(1));
        await("queue empty", Duration.ofSeconds(30), () -> stack.sqs.approximateMessageCount(queue) == 0);
        stack.connect.deleteConnector("ordered");
    }

    @Test
    void aMessageWhoseRecordAnSmtFilteredIsNotDeletedByDefault() throws Exception {
        String queue = stack.sqs.createQueue("filtered");
        stack.kafka.createTopic("filtered", 1);
        stack.sendAll(queue, halfMarkedToDrop("f-"), 1);
        stack.connect.createConnector("filtered", filteringConnector(queue, "filtered"));
        var records = stack.readTopic("filtered", Duration.ofSeconds(60), r -> r.size() >= 5);
        assertThat(records).extracting(ConsumerRecord::value).containsExactlyInAnyOrder("f-1", "f-3", "f-5", "f-7", "f-9");
        await("5 dropped, 5 deleted", Duration.ofSeconds(30),
                () -> metric("filtered", 0, "Dropped") == 5 && metric("filtered", 0, "Deleted") == 5);
        // The filtered ones are still in the queue (in flight until their timeout), not deleted.
        assertThat(stack.sqs.approximateMessageCount(queue)).isEqualTo(5);
        stack.connect.deleteConnector("filtered");

        // Opting in deletes them.
        String queue2 = stack.sqs.createQueue("filtered-delete");
        stack.sendAll(queue2, halfMarkedToDrop("d-"), 1);
        stack.connect.createConnector("filtered-delete", filteringConnector(queue2, "filtered", "sqs.dropped.records", "delete"));
        await("5 dropped", Duration.ofSeconds(60), () -> metric("filtered-delete", 0, "Dropped") == 5);
        // The approximate count leaves out messages in flight: the produced ones may still await their delete.
        await("all 10 deleted", Duration.ofSeconds(30), () -> metric("filtered-delete", 0, "Deleted") == 10);
        await("queue empty", Duration.ofSeconds(30), () -> stack.sqs.approximateMessageCount(queue2) == 0);
        assertThat(metric("filtered-delete", 0, "Deleted")).isEqualTo(10);
        stack.connect.deleteConnector("filtered-delete");
    }

    /** Ten messages; the even ones carry attribute {@code drop}. */
    private static List<SendMessageBatchRequestEntry> halfMarkedToDrop(String prefix) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            var b = SendMessageBatchRequestEntry.builder().id(String.valueOf(i)).messageBody(prefix + i);
            if (i % 2 == 0) {
                b.messageAttributes(Map.of("drop", MessageAttributeValue.builder().dataType("String").stringValue("yes").build()));
            }
            entries.add(b.build());
        }
        return entries;
    }

    /** A connector whose Filter SMT drops records that have the {@code drop} header (from the attribute). */
    private Map<String, String> filteringConnector(String queue, String topic, String... overrides) {
        Map<String, String> c = stack.connectorConfig(queue, topic,
                "sqs.message.attributes", "drop",
                "sqs.visibility.timeout.seconds", "30",
                "transforms", "dropMarked",
                "transforms.dropMarked.type", "org.apache.kafka.connect.transforms.Filter",
                "transforms.dropMarked.predicate", "marked",
                "predicates", "marked",
                "predicates.marked.type", "org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
                "predicates.marked.name", "drop");
        for (int i = 0; i < overrides.length; i += 2) {
            c.put(overrides[i], overrides[i + 1]);
        }
        return c;
    }

    @Test
    void everyBadConfigIsRefusedNamingTheField() {
        String cls = SqsSourceConnector.class.getName();
        String queue = "http://127.0.0.1:1/000000000000/q";
        Map<String, Map<String, String>> bad = new LinkedHashMap<>();
        bad.put("sqs.max.messages", Map.of("sqs.max.messages", "11"));
        bad.put("sqs.wait.time.seconds", Map.of("sqs.wait.time.seconds", "30"));
        bad.put("sqs.visibility.timeout.seconds", Map.of("sqs.visibility.timeout.seconds", "0"));
        bad.put("sqs.receivers", Map.of("sqs.receivers", "0"));
        bad.put("sqs.queue.urls", Map.of("sqs.queue.urls", "not-a-url"));
        bad.put("topic", Map.of("topic", "no spaces allowed"));
        bad.put("sqs.region", Map.of("sqs.region", "mars"));
        bad.put("sqs.credentials.provider", Map.of("sqs.credentials.provider", "guess"));
        bad.put("sqs.assume.role.arn", Map.of("sqs.credentials.provider", "assume-role"));
        bad.put("sqs.secret.access.key", Map.of("sqs.credentials.provider", "static", "sqs.access.key.id", "AKID"));
        bad.put("sqs.record.key", Map.of("sqs.record.key", "group-id"));
        bad.put("sqs.record.key.attribute", Map.of("sqs.record.key", "attribute"));
        bad.put("sqs.dropped.records", Map.of("sqs.dropped.records", "sometimes"));
        for (var e : bad.entrySet()) {
            Map<String, String> config = new HashMap<>(Map.of("sqs.queue.urls", queue, "topic", "t", "sqs.region", "us-east-1"));
            config.putAll(e.getValue());
            EmbeddedConnect.ConfigValidation v = stack.connect.validate(cls, config);
            assertThat(v.errors()).as(e.getKey()).containsKey(e.getKey());
            assertThat(v.errors().get(e.getKey())).as(e.getKey()).anySatisfy(m -> assertThat(m).contains(e.getKey()));
        }
        // Creating a connector with a bad config is refused too, and the message names the field.
        Map<String, String> config = stack.connectorConfig(queue, "t", "sqs.max.messages", "0");
        assertThatThrownBy(() -> stack.connect.createConnector("bad", config))
                .isInstanceOf(EmbeddedConnect.ConnectRestException.class)
                .hasMessageContaining("sqs.max.messages");
        assertThat(stack.connect.connectors()).doesNotContain("bad");
    }

    private static int receiveCount(ConsumerRecord<String, String> r) {
        Header h = r.headers().lastHeader(SqsRecordMapper.HEADER_RECEIVE_COUNT);
        // StringConverter-free header path: the worker's SimpleHeaderConverter writes ints as text.
        return Integer.parseInt(new String(h.value(), StandardCharsets.UTF_8));
    }
}
