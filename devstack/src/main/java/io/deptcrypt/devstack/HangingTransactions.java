package io.deptcrypt.devstack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTransactionsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transactions that a crash of the whole stack left open on a partition although their coordinator has finished them.
 *
 * <p>Why they exist (measured, see docs/devstack.md): when the JVM dies while an app commits, the transaction
 * coordinator finds the transaction in PrepareCommit on restart and sends its markers. The restarted broker is then
 * still waiting for the controller to fence its dead predecessor's registration; while it is fenced its partitions
 * have no leader, and the coordinator skips the markers for a partition without a leader ("likely deleted") and
 * completes the transaction. The consumer group's offsets of that transaction then stay pending in
 * {@code __consumer_offsets} for good: every later start of the app waits on UNSTABLE_OFFSET_COMMIT and is never
 * RUNNING.
 *
 * <p>The repair is Kafka's own (KIP-664, {@code kafka-transactions.sh find-hanging} and {@code abort}): a transaction
 * open on a partition whose producer the coordinator shows as finished, or does not know, is aborted there. The
 * coordinator is asked first, once it is loaded and has no markers left to write: it records the end only after the
 * markers were written or skipped, so an open transaction seen afterwards can no longer be closed by it. A
 * transaction it merely has not timed out yet is left to it. Meant to run while no app of the stack is started.
 */
final class HangingTransactions {

    private static final Logger LOG = LoggerFactory.getLogger(HangingTransactions.class);
    private static final String PROBE_ID = "deptcrypt-devstack-probe";
    private static final int ATTEMPT_MS = 2_000;
    private static final Set<TransactionState> FINISHED = Set.of(TransactionState.COMPLETE_COMMIT, TransactionState.COMPLETE_ABORT,
            TransactionState.EMPTY);

    /** A transaction open on {@code partition} that its coordinator finished ({@code coordinatorState}) or forgot. */
    record Hanging(TopicPartition partition, long producerId, int producerEpoch, int coordinatorEpoch, String transactionalId,
                   String coordinatorState) {}

    private HangingTransactions() {}

    /**
     * Finds the hanging transactions on every partition of the cluster and aborts them; returns what it aborted.
     * First waits until the transaction coordinator is loaded and has no markers left to write: a coordinator that is
     * not loaded lists no transactions at all, and every open transaction would look hanging.
     */
    static List<Hanging> abortAll(Admin admin, Duration timeout) throws ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        awaitCoordinatorLoaded(admin, deadline);
        awaitNoMarkersInFlight(admin, deadline);
        List<Hanging> hanging = find(admin);
        for (Hanging h : hanging) {
            LOG.warn("aborting a transaction a crash left hanging on {}: producer {} epoch {} ({}, coordinator state {})",
                    h.partition(), h.producerId(), h.producerEpoch(), h.transactionalId(), h.coordinatorState());
            admin.abortTransaction(new AbortTransactionSpec(h.partition(), h.producerId(), (short) h.producerEpoch(),
                    h.coordinatorEpoch())).all().get();
        }
        return hanging;
    }

    /** The coordinator answers "no such transactional id" only once it has loaded the transaction log. */
    private static void awaitCoordinatorLoaded(Admin admin, long deadline) throws ExecutionException, InterruptedException {
        while (true) {
            try {
                admin.describeTransactions(Set.of(PROBE_ID), new DescribeTransactionsOptions().timeoutMs(ATTEMPT_MS)).all().get();
                return; // someone uses the probe's id: the coordinator answered, so it is loaded
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TransactionalIdNotFoundException) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100); // polling interval: the coordinator's answer decides
            }
        }
    }

    /** Transactions being committed or aborted still get their markers: wait until the coordinator has none. */
    private static void awaitNoMarkersInFlight(Admin admin, long deadline) throws ExecutionException, InterruptedException {
        ListTransactionsOptions ending = new ListTransactionsOptions()
                .filterStates(List.of(TransactionState.PREPARE_COMMIT, TransactionState.PREPARE_ABORT));
        while (!admin.listTransactions(ending).all().get().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new StackException("the transaction coordinator still writes the markers of transactions a crash interrupted");
            }
            Thread.sleep(100); // polling interval: the coordinator's state decides
        }
    }

    /** What the coordinator says first, then what every partition of the cluster has open. */
    static List<Hanging> find(Admin admin) throws ExecutionException, InterruptedException {
        Map<Long, TransactionListing> coordinator = new HashMap<>();
        for (TransactionListing l : admin.listTransactions().all().get()) {
            coordinator.put(l.producerId(), l);
        }
        Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicDescription t : admin.describeTopics(topics).allTopicNames().get().values()) {
            t.partitions().forEach(p -> partitions.add(new TopicPartition(t.name(), p.partition())));
        }
        Map<TopicPartition, List<ProducerState>> producers = new HashMap<>();
        admin.describeProducers(partitions).all().get().forEach((tp, state) -> producers.put(tp, state.activeProducers()));
        return hanging(coordinator, producers);
    }

    /**
     * The rule: a producer with a transaction open on a partition whose coordinator state (read before the
     * partitions) is finished, or who has no coordinator state at all.
     */
    static List<Hanging> hanging(Map<Long, TransactionListing> coordinator, Map<TopicPartition, List<ProducerState>> producers) {
        List<Hanging> hanging = new ArrayList<>();
        producers.forEach((tp, active) -> {
            for (ProducerState p : active) {
                if (p.currentTransactionStartOffset().isEmpty()) {
                    continue;
                }
                TransactionListing l = coordinator.get(p.producerId());
                if (l == null || FINISHED.contains(l.state())) {
                    hanging.add(new Hanging(tp, p.producerId(), p.producerEpoch(), Math.max(0, p.coordinatorEpoch().orElse(0)),
                            l == null ? "transactional id unknown" : l.transactionalId(), l == null ? "none" : l.state().toString()));
                }
            }
        });
        return hanging;
    }

    /** For a readiness line: which partitions had one. */
    static String describe(List<Hanging> hanging) {
        return hanging.stream().map(h -> h.partition().toString()).distinct().collect(Collectors.joining(", "));
    }
}
