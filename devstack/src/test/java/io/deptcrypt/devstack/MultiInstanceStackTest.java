package io.deptcrypt.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.embedded.EmbeddedConnect;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stack of two encryptors, two consumers per department and two Connect workers reading a FIFO ingest queue: every
 * event is opened exactly once by exactly its department and is exactly once on the department's sink topic, also
 * when encryptor 1 and the Connect worker running the connector's task stop mid-stream; each partition key's events share one shared topic partition
 * (the FIFO message group travels as the connector's header to the encryptor). A worker built only from
 * {@link Stack#connectWorkerProperties()} joins the stack's Connect group.
 */
@Tag("integration")
class MultiInstanceStackTest {

    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(60);
    private static final int EVENTS_PER_HALF = 100;
    private static final int PARTITION_KEYS = 8;

    @Test
    void everyEventOnceAtItsDepartmentAndOnItsSinkTopicWhileAnEncryptorAndAWorkerStop(@TempDir Path state) throws Exception {
        StackConfig cfg = StackConfig.defaults(state, REPO.resolve("config/governance.yaml")).withQueue("deptcrypt-ingest.fifo")
                .withEncryptors(2).withConsumersPerDepartment(2).withConnectWorkers(2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Stack stack = Stack.start(cfg, new Console(new PrintStream(out, true, StandardCharsets.UTF_8), false))) {
            String console = out.toString(StandardCharsets.UTF_8);
            assertThat(console).contains("ready    encryptor 0", "ready    encryptor 1", "ready    finance consumer 0",
                    "ready    finance consumer 1", "ready    sales consumer 1", "ready    kafka connect 0", "ready    kafka connect 1");
            assertThat(stack.queueUrl()).endsWith("/deptcrypt-ingest.fifo");
            assertThat(stack.encryptorCount()).isEqualTo(2);
            assertThat(stack.encryptors()).hasSize(2);
            assertThat(stack.consumerInstances()).hasSize(4);
            assertThat(stack.connectWorkers()).hasSize(2);

            List<GeneratedEvent> first = stack.generator().generate(EVENTS_PER_HALF, PARTITION_KEYS);
            stack.generator().send(first, n -> { });
            // Mid-stream: some of the first half arrived, the rest is on its way through the instances to be stopped.
            assertThat(stack.deliveries().awaitDelivered(ids(first).subList(0, 10), DELIVERY_TIMEOUT, n -> { })).isTrue();
            stack.stopEncryptor(1);
            // The worker running the connector's one task (a FIFO queue is read by one task), so the task must move.
            int worker = workerRunningTheTask(stack);
            stack.stopConnectWorker(worker);
            assertThat(stack.encryptors()).hasSize(1);
            assertThat(stack.connectWorkers()).hasSize(1);
            List<GeneratedEvent> second = stack.generator().generate(EVENTS_PER_HALF, PARTITION_KEYS);
            stack.generator().send(second, n -> { });

            List<GeneratedEvent> all = new ArrayList<>(first);
            all.addAll(second);
            assertThat(stack.deliveries().awaitDelivered(ids(all), DELIVERY_TIMEOUT, n -> { }))
                    .as("all %d events delivered; stack failure: %s", all.size(), stack.failure()).isTrue();
            assertThat(stack.failure()).isEmpty();

            Map<String, GeneratedEvent> byId = all.stream().collect(Collectors.toMap(GeneratedEvent::eventId, Function.identity()));
            Map<String, List<DeliveryLog.Delivery>> delivered = stack.deliveries().byConsumer(stack.governance().departmentNames(),
                    byId.keySet());
            Map<String, Integer> partitionOfKey = new HashMap<>();
            for (String department : stack.governance().departmentNames()) {
                List<DeliveryLog.Delivery> got = delivered.get(department);
                assertThat(got).allSatisfy(d -> assertThat(byId.get(d.eventId()).department()).isEqualTo(department));
                List<String> expected = all.stream().filter(e -> e.department().equals(department)).map(GeneratedEvent::eventId).toList();
                assertThat(got.stream().map(DeliveryLog.Delivery::eventId).toList()).as("%s deliveries", department)
                        .containsExactlyInAnyOrderElementsOf(expected);
                for (DeliveryLog.Delivery d : got) {
                    String key = byId.get(d.eventId()).partitionKey().orElseThrow();
                    assertThat(partitionOfKey.merge(key, d.partition(), (a, b) -> a)).as("shared topic partition of %s", key)
                            .isEqualTo(d.partition());
                }

                // The department's reader reads its sink topic: each opened event once, keyed by event id.
                String reader = StackApps.reader(stack.governance().department(department));
                List<String> sunk = awaitSinkTopic(stack, reader, stack.sinkTopic(department), expected.size());
                assertThat(sunk).as("%s on %s (read_committed)", department, stack.sinkTopic(department))
                        .containsExactlyInAnyOrderElementsOf(expected);
            }
            assertThat(partitionOfKey).hasSize(PARTITION_KEYS);

            // A worker built from nothing but the published properties joins the group and sees its connector.
            Map<String, String> props = new HashMap<>(stack.connectWorkerProperties());
            assertThat(props).doesNotContainKey("listeners").containsEntry("group.id", EmbeddedConnect.DEFAULT_GROUP_ID);
            props.put("listeners", "http://127.0.0.1:0");
            try (EmbeddedConnect other = EmbeddedConnect.fromProperties(props)) {
                // It answers REST before its first rebalance is done; the group's connector shows up once it is.
                assertThat(awaitConnectors(other)).containsExactly(Stack.CONNECTOR_NAME);
            }
            stack.startConnectWorker(worker);
            assertThat(stack.connectWorkers()).hasSize(2);
        }
    }

    private static int workerRunningTheTask(Stack stack) {
        EmbeddedConnect.ConnectorStatus status = stack.connect().status(Stack.CONNECTOR_NAME);
        assertThat(status.tasks()).as("tasks of %s", status).hasSize(1);
        String workerId = status.tasks().get(0).workerId();
        List<EmbeddedConnect> workers = stack.connectWorkers();
        for (int i = 0; i < workers.size(); i++) {
            if (workerId.endsWith(":" + workers.get(i).restUrl().getPort())) {
                return i;
            }
        }
        throw new AssertionError("no worker of " + workers + " is " + workerId);
    }

    private static List<String> awaitConnectors(EmbeddedConnect worker) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> names = worker.connectors();
        while (names.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200); // polling the REST API with a deadline
            names = worker.connectors();
        }
        return names;
    }

    private static List<String> ids(List<GeneratedEvent> events) {
        return events.stream().map(GeneratedEvent::eventId).toList();
    }

    /** The sink topic's event ids once it holds {@code expected} records (its transactions commit shortly after). */
    private static List<String> awaitSinkTopic(Stack stack, String reader, String topic, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            List<String> ids = TopicReader.readAll(stack.endpoints().kafkaClientProperties(reader), topic, Duration.ofSeconds(20))
                    .stream().map(ConsumerRecord::key).map(k -> new String(k, StandardCharsets.UTF_8)).toList();
            if (ids.size() >= expected || System.nanoTime() > deadline) {
                return ids;
            }
            Thread.sleep(200); // polling a topic with a deadline, not standing in for a synchronisation
        }
    }
}
