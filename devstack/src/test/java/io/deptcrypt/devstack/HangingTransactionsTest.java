package io.deptcrypt.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Only a transaction open on a partition that its coordinator has finished (or forgotten) is hanging. */
class HangingTransactionsTest {

    private static final TopicPartition OFFSETS = new TopicPartition("__consumer_offsets", 0);
    private static final TopicPartition SHARED = new TopicPartition("deptcrypt.shared", 3);

    private static ProducerState open(long producerId, int epoch) {
        return new ProducerState(producerId, epoch, 5, 0L, OptionalInt.of(92), OptionalLong.of(1234));
    }

    private static ProducerState idle(long producerId) {
        return new ProducerState(producerId, 0, 5, 0L, OptionalInt.empty(), OptionalLong.empty());
    }

    private static TransactionListing coordinator(long producerId, TransactionState state) {
        return new TransactionListing("deptcrypt-finance-consumer-c5f1-1", producerId, state);
    }

    @Test
    void aTransactionTheCoordinatorFinishedButThePartitionStillHasOpenIsHanging() {
        List<HangingTransactions.Hanging> h = HangingTransactions.hanging(
                Map.of(46000L, coordinator(46000L, TransactionState.COMPLETE_COMMIT)), Map.of(OFFSETS, List.of(open(46000L, 14))));

        assertThat(h).containsExactly(new HangingTransactions.Hanging(OFFSETS, 46000L, 14, 92, "deptcrypt-finance-consumer-c5f1-1",
                "CompleteCommit"));
    }

    @Test
    void aTransactionOfAProducerTheCoordinatorDoesNotKnowIsHanging() {
        assertThat(HangingTransactions.hanging(Map.of(), Map.of(SHARED, List.of(open(7L, 1)))))
                .extracting(HangingTransactions.Hanging::transactionalId).containsExactly("transactional id unknown");
    }

    @Test
    void transactionsTheCoordinatorStillWorksOnAndIdleProducersAreLeftAlone() {
        Map<Long, TransactionListing> coordinator = Map.of(
                1L, coordinator(1L, TransactionState.ONGOING),
                2L, coordinator(2L, TransactionState.PREPARE_COMMIT),
                3L, coordinator(3L, TransactionState.PREPARE_ABORT),
                4L, coordinator(4L, TransactionState.COMPLETE_ABORT));
        Map<TopicPartition, List<ProducerState>> partitions = Map.of(
                OFFSETS, List.of(open(1L, 0), open(2L, 0), open(3L, 0), idle(4L)),
                SHARED, List.of(idle(5L)));

        assertThat(HangingTransactions.hanging(coordinator, partitions)).isEmpty();
    }
}
