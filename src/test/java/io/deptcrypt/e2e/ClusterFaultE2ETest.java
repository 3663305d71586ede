package io.deptcrypt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.deptcrypt.devstack.GeneratedEvent;
import io.deptcrypt.devstack.SealedRecord;
import io.deptcrypt.devstack.Stack;
import io.deptcrypt.devstack.TopicReader;
import io.deptcrypt.embedded.EmbeddedConnect;
import io.deptcrypt.embedded.NodeShutdown;
import io.deptcrypt.policy.KafkaNames;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stack on a three-node KRaft cluster ({@code --brokers 3}) with several instances of every app and a FIFO ingest
 * queue, each test a stream of a few thousand events with partition keys during which one fault strikes: the broker
 * leading most shared-topic partitions dies; one encryptor instance is SIGKILLed; one Connect worker is SIGKILLed;
 * localkms is stopped for longer than a Streams transaction timeout. Every test ends with the same checks: every event
 * exactly once on the shared topic (read_committed) and exactly once on its department's sink topic, per-key order
 * kept on both, and (at the end of the class) no plaintext in any file outside the ingest and sink topics. Each test
 * prints its recovery: the longest stretch without a delivery, and when the last event arrived.
 */
@Tag("e2e")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultE2ETest {

    /** Events per test: 10 every 40 ms while the fault strikes (about 250/s offered). */
    private static final int EVENTS = 2_000;
    private static final int KEYS = 40;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path state;
    @TempDir
    Path work;
    static Stack stack;
    /** Every event of every test, for the plaintext scan at the end. */
    static final List<GeneratedEvent> ALL = new CopyOnWriteArrayList<>();
    static final List<String> REPORT = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startStack() {
        stack = E2e.start(E2e.config(state).withBrokers(3).withQueue("deptcrypt-ingest.fifo")
                .withEncryptors(2).withConsumersPerDepartment(2).withConnectWorkers(1)
                // data keys live one second, so the apps need KMS all the time (and during its outage)
                .withEncryptorSettings(Map.of("data.key.max.age.ms", "1000"))
                .withConsumerSettings(Map.of("opener.data.key.ttl.ms", "1000")));
    }

    @AfterAll
    static void stopStack() throws Exception {
        try {
            if (stack != null) {
                REPORT.forEach(System.out::println);
                assertNoPlaintextOutsideIngestAndSinkTopics();
            }
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
    }

    @Test
    @Order(1)
    void theLeaderOfMostSharedPartitionsDies() throws Exception {
        String shared = stack.governance().topics().shared();
        try (Admin admin = Admin.create(stack.kafka().adminClientProperties())) {
            for (String topic : List.of(shared, stack.governance().topics().ingest(), stack.governance().topics().keys(),
                    stack.sinkTopic("finance"))) {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                assertThat(d.partitions()).allSatisfy(p -> assertThat(p.replicas()).as(topic).hasSize(3));
            }
        }
        int victim = stack.kafka().nodeLeadingMostPartitions(shared);
        run("broker " + victim + " (leader of most shared partitions) stopped uncontrolled", new Fault() {
            @Override
            public void inject() {
                stack.kafka().stopNode(victim, NodeShutdown.UNCONTROLLED);
            }

            @Override
            public void end(Progress progress) throws Exception {
                progress.awaitMore(100, Duration.ofSeconds(90)); // the cluster serves on two nodes
                stack.kafka().startNode(victim);
            }
        });
        stack.kafka().awaitFullyReplicated(shared, Duration.ofSeconds(60)); // the node came back and caught up
    }

    @Test
    @Order(2)
    void oneEncryptorInstanceIsSigkilled() throws Exception {
        // A third encryptor instance in a JVM of its own (the stack's two run in this one), so it can die like one.
        try (EncryptorProcess proc = EncryptorProcess.start(stack, Files.createDirectories(work.resolve("encryptor")))) {
            String group = stack.encryptorProperties().getOrDefault(StreamsConfig.APPLICATION_ID_CONFIG,
                    KafkaNames.local().applicationId(stack.governance().owner()));
            awaitGroupMembers(group, stack.encryptorCount() + 1, proc::output);
            run("one of 3 encryptor instances SIGKILLed", new Fault() {
                @Override
                public void inject() throws Exception {
                    assertThat(proc.alive()).as("encryptor process alive; output:%n%s", proc.output()).isTrue();
                    proc.kill();
                }
            });
        }
    }

    @Test
    @Order(3)
    void oneConnectWorkerIsSigkilled() throws Exception {
        // A FIFO queue is read by one task (its groups stay in order), so the task is moved onto a worker in a JVM
        // of its own first: that worker joins, the stack's worker steps out until the task has moved, then rejoins.
        try (ConnectWorkerProcess worker = ConnectWorkerProcess.start(stack,
                Files.createDirectories(work.resolve("connect")), freePort())) {
            awaitWorkerInGroup(worker);
            stack.stopConnectWorker(0);
            awaitTaskOn(worker, () -> worker.connectorStatus(Stack.CONNECTOR_NAME));
            stack.startConnectWorker(0);
            awaitTaskOn(worker, () -> stack.connectWorkers().get(0).status(Stack.CONNECTOR_NAME));
            run("the Connect worker running the task SIGKILLed (its SQS messages in flight)", new Fault() {
                @Override
                public void inject() throws Exception {
                    assertThat(stack.connectWorkers().get(0).status(Stack.CONNECTOR_NAME).tasks())
                            .as("the task still on the worker in its own JVM")
                            .allMatch(t -> t.workerId().equals(worker.workerId()));
                    worker.kill();
                }
            });
        }
    }

    private static void awaitWorkerInGroup(ConnectWorkerProcess worker) throws InterruptedException {
        E2e.await("the Connect worker in its own JVM answering", Duration.ofSeconds(90), () -> {
            assertThat(worker.alive()).as("worker alive; output:%n%s", worker.output()).isTrue();
            try {
                return worker.connectorStatus(Stack.CONNECTOR_NAME) != null;
            } catch (RuntimeException notYet) {
                return false;
            }
        });
    }

    private static void awaitTaskOn(ConnectWorkerProcess worker,
                                    Supplier<EmbeddedConnect.ConnectorStatus> status) throws InterruptedException {
        try {
            E2e.await("the connector's task RUNNING on the worker in its own JVM", Duration.ofSeconds(90), () -> {
                assertThat(worker.alive()).as("worker alive; output:%n%s", worker.output()).isTrue();
                try {
                    EmbeddedConnect.ConnectorStatus st = status.get();
                    return st != null && !st.tasks().isEmpty() && st.tasks().stream()
                            .allMatch(t -> t.workerId().equals(worker.workerId()) && t.state().equals("RUNNING"));
                } catch (RuntimeException notYet) {
                    return false;
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; worker output:\n" + worker.output(), e);
        }
    }

    @Test
    @Order(4)
    void localKmsIsStoppedForLongerThanATransactionTimeout() throws Exception {
        // Kafka Streams' exactly-once producers abort a transaction open longer than this (10 s by default).
        long txTimeout = Long.parseLong(stack.encryptorProperties().getOrDefault("streams.producer.transaction.timeout.ms",
                "10000"));
        Duration outage = Duration.ofMillis(txTimeout + 5_000);
        long retriesBefore = kmsRetries();
        int deadLettersBefore = deadLetterCount();
        run("localkms stopped " + outage.toSeconds() + " s (transaction timeout " + txTimeout / 1000 + " s)",
                new Fault() {
                    @Override
                    public void inject() {
                        stack.stopKms();
                    }

                    @Override
                    public void end(Progress progress) throws Exception {
                        Thread.sleep(outage.toMillis()); // the outage itself, not a wait for something to happen
                        stack.restartKms();
                    }
                });
        assertThat(kmsRetries() - retriesBefore).as("KMS calls retried during the outage (the apps needed KMS)")
                .isPositive();
        assertThat(deadLetterCount()).as("nothing dead-lettered because KMS was unavailable").isEqualTo(deadLettersBefore);
    }

    // ----- one test: a stream, a fault, the checks

    /** A fault: {@link #inject} strikes mid-stream; {@link #end} lasts as long as the fault does, then repairs it. */
    interface Fault {
        void inject() throws Exception;

        default void end(Progress progress) throws Exception {}
    }

    /** Deliveries of the current stream, for a fault that waits for some. */
    record Progress(Set<String> ids) {
        void awaitMore(int n, Duration timeout) throws InterruptedException {
            int from = stack.deliveries().deliveredOf(ids);
            E2e.await(n + " more events delivered", timeout, () -> stack.deliveries().deliveredOf(ids) >= from + n);
        }
    }

    private void run(String fault, Fault f) throws Exception {
        List<GeneratedEvent> stream = stack.generator().generate(EVENTS, KEYS);
        ALL.addAll(stream);
        Set<String> ids = E2e.ids(stream);
        DeliveryGaps gaps;
        long injectedAt;
        int deliveredAtFault;
        try (PacedSender sender = PacedSender.start(stack, stream, 10,
                Duration.ofMillis(40))) {
            E2e.await("200 streamed events delivered", Duration.ofSeconds(90),
                    () -> stack.deliveries().deliveredOf(ids) >= 200);
            gaps = DeliveryGaps.start(() -> stack.deliveries().deliveredOf(ids), ids.size());
            deliveredAtFault = stack.deliveries().deliveredOf(ids);
            injectedAt = System.nanoTime();
            f.inject();
            f.end(new Progress(ids));
            sender.awaitDone();
            E2e.awaitDelivered(stack, stream);
        }
        double allAfter = (System.nanoTime() - injectedAt) / 1e9;
        gaps.close();
        assertThat(deliveredAtFault).as("the fault struck mid-stream").isLessThan(stream.size());

        Outcome o = check(stream);
        String line = String.format("%-75s %d events, %d delivered when it struck; longest pause in deliveries %.1f s;"
                        + " all delivered %.1f s after it struck; ingest duplicates %d (dropped by the encryptor);"
                        + " printing-sink repeats %d", fault, stream.size(), deliveredAtFault, gaps.longest().toMillis() / 1e3,
                allAfter, o.ingestDuplicates(), o.deliveryLogRepeats());
        System.out.println(line);
        REPORT.add(line);
    }

    record Outcome(long ingestDuplicates, long deliveryLogRepeats) {}

    /** Exactly once on the shared topic and each sink topic, per-key order on both. */
    private static Outcome check(List<GeneratedEvent> stream) throws Exception {
        Set<String> ids = E2e.ids(stream);
        Map<String, GeneratedEvent> byId = stream.stream().collect(Collectors.toMap(GeneratedEvent::eventId, e -> e));

        // the shared topic, read_committed, in partition and offset order
        List<String> sharedIds = SealedRecord.readAll(stack.kafka().adminClientProperties(),
                        stack.governance().topics().shared(), Duration.ofSeconds(60)).stream()
                .map(SealedRecord::eventId).filter(ids::contains).toList();
        assertThat(counts(sharedIds)).as("shared-topic records per event id (read_committed)").hasSize(ids.size())
                .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
        assertThat(byKey(sharedIds, byId)).as("event ids per partition key on the shared topic, in offset order")
                .isEqualTo(byKey(stream.stream().map(GeneratedEvent::eventId).toList(), byId));

        // each department's sink topic: exactly its events, once each, per key in send order
        for (String dept : stack.governance().departmentNames()) {
            List<GeneratedEvent> expected = stream.stream().filter(e -> e.audiences().contains(dept)).toList();
            String topic = stack.sinkTopic(dept);
            List<String> got = new ArrayList<>();
            E2e.await(expected.size() + " events on " + topic, Duration.ofSeconds(60), () -> {
                got.clear();
                TopicReader.readAll(stack.kafka().adminClientProperties(), topic, Duration.ofSeconds(30)).stream()
                        .map(r -> new String(r.key(), java.nio.charset.StandardCharsets.UTF_8))
                        .filter(ids::contains).forEach(got::add);
                return got.size() >= expected.size();
            });
            assertThat(counts(got)).as("records per event id on %s (read_committed)", topic)
                    .isEqualTo(expected.stream().collect(Collectors.toMap(GeneratedEvent::eventId, e -> 1L)));
            assertThat(byKey(got, byId)).as("event ids per partition key on %s", topic)
                    .isEqualTo(byKey(expected.stream().map(GeneratedEvent::eventId).toList(), byId));
        }

        // the printing sink (here the in-memory delivery log) is at least once: it may repeat what a reprocessed
        // transaction had handed it before it was aborted
        long repeats = stack.deliveries().byConsumer(stack.governance().departmentNames(), ids).values().stream()
                .flatMap(List::stream).collect(Collectors.groupingBy(d -> d.eventId(), Collectors.counting()))
                .values().stream().mapToLong(n -> n - 1).sum();
        return new Outcome(ingestDuplicates(ids), repeats);
    }

    private static Map<String, Long> counts(List<String> ids) {
        return ids.stream().collect(Collectors.groupingBy(id -> id, Collectors.counting()));
    }

    /** The ids in the given order, grouped by their event's partition key (first occurrence only). */
    private static Map<String, List<String>> byKey(List<String> orderedIds, Map<String, GeneratedEvent> byId) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (String id : orderedIds) {
            if (seen.add(id)) {
                out.computeIfAbsent(byId.get(id).partitionKey().orElseThrow(), k -> new ArrayList<>()).add(id);
            }
        }
        return new HashMap<>(out);
    }

    /** Events that reached the ingest topic more than once (the connector is at least once). */
    private static long ingestDuplicates(Set<String> ids) {
        Map<String, Long> n = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(stack.kafka().adminClientProperties(),
                stack.governance().topics().ingest(), Duration.ofSeconds(60))) {
            try {
                String id = JSON.readTree(r.value()).path("eventId").asText();
                if (ids.contains(id)) {
                    n.merge(id, 1L, Long::sum);
                }
            } catch (IOException notJson) {
                // not one of this test's events
            }
        }
        return n.values().stream().filter(c -> c > 1).count();
    }

    /**
     * No marker of any event in any file of the state directory, but the ingest topic's and the sink topics' segments
     * (the raw input, and the departments' own plaintext) and SQS's store (the input before it).
     */
    private static void assertNoPlaintextOutsideIngestAndSinkTopics() throws IOException {
        Set<String> allowed = new HashSet<>();
        allowed.add(stack.governance().topics().ingest());
        stack.governance().departmentNames().forEach(d -> allowed.add(stack.sinkTopic(d)));
        List<Path> roots = new ArrayList<>();
        try (Stream<Path> s = Files.walk(stack.config().stateDir())) {
            s.filter(Files::isRegularFile)
                    .filter(f -> !f.startsWith(stack.config().sqsDir()))
                    .filter(f -> {
                        String dir = f.getParent().getFileName().toString();
                        return allowed.stream().noneMatch(t -> dir.matches(java.util.regex.Pattern.quote(t) + "-\\d+"));
                    })
                    .forEach(roots::add);
        }
        Set<String> markers = ALL.stream().map(GeneratedEvent::marker).collect(Collectors.toSet());
        if (markers.isEmpty()) {
            return; // no test got as far as sending
        }
        assertThat(PlaintextScan.find(roots, markers)).as("plaintext of protected events in %d files outside the"
                + " ingest and sink topics", roots.size()).isEmpty();
    }

    // ----- helpers

    private static int deadLetterCount() {
        return TopicReader.readAll(stack.kafka().adminClientProperties(), stack.governance().topics().deadLetter(),
                Duration.ofSeconds(30)).size();
    }

    private static long kmsRetries() {
        long n = stack.encryptors().stream().mapToLong(e -> e.counters().kmsRetries()).sum();
        for (Stack.Consumer c : stack.consumerInstances()) {
            n += c.app().counters().kmsRetries();
        }
        return n;
    }

    private static void awaitGroupMembers(String group, int members, Supplier<String> output)
            throws InterruptedException {
        try (Admin admin = Admin.create(stack.kafka().adminClientProperties())) {
            E2e.await(members + " members with partitions in group " + group, Duration.ofSeconds(90), () -> {
                try {
                    ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                    return d.members().size() >= members && d.members().stream()
                            .allMatch(m -> !m.assignment().topicPartitions().isEmpty());
                } catch (Exception e) {
                    return false;
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; process output:\n" + output.get(), e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Polls a delivered count and keeps the longest stretch in which it did not grow while events were missing. */
    static final class DeliveryGaps implements AutoCloseable {
        private final Thread thread;
        private volatile boolean stop;
        private volatile long longestNanos;

        private DeliveryGaps(java.util.function.IntSupplier delivered, int total) {
            thread = new Thread(() -> {
                int last = delivered.getAsInt();
                long since = System.nanoTime();
                while (!stop && last < total) {
                    try {
                        Thread.sleep(50); // sampling interval of a measurement, not synchronisation
                    } catch (InterruptedException e) {
                        return;
                    }
                    int now = delivered.getAsInt();
                    long t = System.nanoTime();
                    if (now > last) {
                        last = now;
                        since = t;
                    } else {
                        longestNanos = Math.max(longestNanos, t - since);
                    }
                }
            }, "e2e-delivery-gaps");
            thread.setDaemon(true);
        }

        static DeliveryGaps start(java.util.function.IntSupplier delivered, int total) {
            DeliveryGaps g = new DeliveryGaps(delivered, total);
            g.thread.start();
            return g;
        }

        Duration longest() {
            return Duration.ofNanos(longestNanos);
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(5_000);
        }
    }
}
