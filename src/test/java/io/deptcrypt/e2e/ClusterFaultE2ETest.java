package io.deptcrypt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.deptcrypt.devstack.GeneratedEvent;
import io.deptcrypt.devstack.Stack;
import io.deptcrypt.devstack.TopicReader;
import io.deptcrypt.embedded.NodeShutdown;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stack on a three-node KRaft cluster ({@code --brokers 3}): the broker leading most shared-topic partitions
 * dies (no controlled shutdown: its leaderships stay until the controller fences it) while events stream, and comes
 * back later. Nothing may be lost, and nothing sealed or delivered more often than it landed on the ingest topic.
 */
@Tag("e2e")
class ClusterFaultE2ETest {

    @TempDir
    static Path state;
    static Stack stack;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void startStack() {
        stack = E2e.start(E2e.config(state).withBrokers(3));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    private static Map<String, Long> ingestCountsById(Set<String> ids) {
        Map<String, Long> counts = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(stack.kafka().adminClientProperties(),
                stack.governance().topics().ingest(), Duration.ofSeconds(60))) {
            try {
                String id = JSON.readTree(r.value()).path("eventId").asText();
                if (ids.contains(id)) {
                    counts.merge(id, 1L, Long::sum);
                }
            } catch (IOException notJson) {
                // not one of this test's events
            }
        }
        return counts;
    }

    @Test
    void theLeaderOfMostSharedPartitionsDiesMidStreamAndNothingIsLostOrSealedTwice() throws Exception {
        String shared = stack.governance().topics().shared();
        try (Admin admin = Admin.create(stack.kafka().adminClientProperties())) {
            for (String topic : List.of(shared, stack.governance().topics().ingest(), stack.governance().topics().keys())) {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                assertThat(d.partitions()).allSatisfy(p -> assertThat(p.replicas()).as(topic).hasSize(3));
            }
        }
        List<GeneratedEvent> stream = stack.generator().generate(600);
        int victim = stack.kafka().nodeLeadingMostPartitions(shared);
        int deliveredAtKill;
        long killedAt;
        try (ResilienceE2ETest.PacedSender sender = ResilienceE2ETest.PacedSender.start(stack, stream, 10,
                Duration.ofMillis(100))) {
            E2e.await("60 streamed events delivered", Duration.ofSeconds(60),
                    () -> stack.deliveries().deliveredOf(E2e.ids(stream)) >= 60);
            stack.kafka().stopNode(victim, NodeShutdown.UNCONTROLLED);
            killedAt = System.nanoTime();
            deliveredAtKill = stack.deliveries().deliveredOf(E2e.ids(stream));
            int after = deliveredAtKill;
            E2e.await("60 more events delivered with node " + victim + " down", Duration.ofSeconds(90),
                    () -> stack.deliveries().deliveredOf(E2e.ids(stream)) >= after + 60);
            System.out.printf("node %d (leader of most %s partitions) stopped uncontrolled with %d/%d delivered;"
                    + " 60 more delivered %.1f s later%n", victim, shared, deliveredAtKill, stream.size(),
                    (System.nanoTime() - killedAt) / 1e9);
            stack.kafka().startNode(victim);
            sender.awaitDone();
        }
        assertThat(deliveredAtKill).as("killed mid-stream").isLessThan(stream.size());
        E2e.awaitDelivered(stack, stream);
        System.out.printf("all %d delivered %.1f s after the kill%n", stream.size(), (System.nanoTime() - killedAt) / 1e9);
        Set<String> ids = E2e.ids(stream);
        // The encryptor is exactly once per ingest record. The connector is at least once: a produce retried across
        // the leader change can land an SQS message on the ingest topic twice (seen once in about ten runs), and then
        // the shared topic has it twice too, with the same event id. So: nothing lost, and every event exactly as
        // often on the shared topic and at its department as on the ingest topic.
        Map<String, Long> ingest = ingestCountsById(ids);
        Map<String, Long> sealedCounts = E2e.sharedCountsById(stack, ids);
        assertThat(sealedCounts).as("shared-topic records per event id (read_committed)").hasSize(ids.size())
                .isEqualTo(ingest);
        Map<String, Long> delivered = new HashMap<>();
        stack.deliveries().byConsumer(stack.governance().departmentNames(), ids).forEach((consumer, list) ->
                list.forEach(d -> {
                    assertThat(d.department()).as("department of %s", d.eventId()).isEqualTo(consumer);
                    delivered.merge(d.eventId(), 1L, Long::sum);
                }));
        assertThat(delivered).as("deliveries per event id, each at its own department").isEqualTo(ingest);
        System.out.printf("ingest duplicates (connector, at least once): %d%n",
                ingest.values().stream().filter(n -> n > 1).count());
        stack.kafka().awaitFullyReplicated(shared, Duration.ofSeconds(60)); // the node came back and caught up
    }
}
