package io.deptcrypt.connectors.sqs;

import static io.deptcrypt.connectors.sqs.FakeSqsClient.QUEUE_A;
import static io.deptcrypt.connectors.sqs.FakeSqsClient.QUEUE_B;
import static io.deptcrypt.connectors.sqs.FakeSqsClient.message;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;

/** The batcher alone, on a fake SQS: batching, retries, giving up, releases. */
class SettleBatcherTest {

    final FakeSqsClient sqs = new FakeSqsClient();
    final SqsSourceTaskMetrics metrics = new SqsSourceTaskMetrics();
    final InFlightMessages inFlight = new InFlightMessages();
    SettleBatcher batcher = batcher(5);

    SettleBatcher batcher(int maxAttempts) {
        return new SettleBatcher(sqs, metrics, inFlight, new VisibilityChanges(sqs, metrics, inFlight), maxAttempts,
                new RetryBackoff(Duration.ofMillis(10)), 4, "test-settle");
    }

    @AfterEach
    void close() {
        batcher.close();
    }

    InFlightMessage tracked(String queue, String id) {
        InFlightMessage m = message(queue, id, System.nanoTime());
        inFlight.track(m);
        return m;
    }

    @Test
    void deletesInBatchesOfAtMostTenPerQueue() throws Exception {
        for (int i = 0; i < 25; i++) {
            batcher.delete(tracked(QUEUE_A, "a" + i));
        }
        for (int i = 0; i < 5; i++) {
            batcher.delete(tracked(QUEUE_B, "b" + i));
        }
        assertThat(inFlight.awaitSettled(Duration.ofSeconds(10))).isTrue();

        assertThat(metrics.getDeleted()).isEqualTo(30);
        assertThat(inFlight.trackedCount()).isZero();
        assertThat(sqs.deleteCalls).allSatisfy(call -> assertThat(call.entries()).hasSizeBetween(1, 10)
                .allSatisfy(e -> assertThat(e.receiptHandle()).startsWith(call.queueUrl().endsWith("/a") ? "rh-a" : "rh-b")));
        Set<String> handles = new HashSet<>();
        sqs.deleteCalls.forEach(call -> call.entries().forEach(e -> assertThat(handles.add(e.receiptHandle())).isTrue()));
        assertThat(handles).hasSize(30);
        assertThat(sqs.deleteCalls.stream().filter(c -> c.queueUrl().equals(QUEUE_A)).count()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void retriesAServerFaultAndGivesUpAtOnceOnAnExpiredReceiptHandle() throws Exception {
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        sqs.deletes = request -> FakeSqsClient.answer(request, e -> switch (e.receiptHandle()) {
            case "rh-flaky" -> failedOnce.add(e.receiptHandle()) ? FakeSqsClient.serverFault() : null;
            case "rh-expired" -> FakeSqsClient.expiredReceiptHandle();
            default -> null;
        });
        batcher.delete(tracked(QUEUE_A, "flaky"));
        batcher.delete(tracked(QUEUE_A, "expired"));
        batcher.delete(tracked(QUEUE_A, "fine"));
        assertThat(inFlight.awaitSettled(Duration.ofSeconds(10))).isTrue();

        assertThat(sqs.deleteAttempts("rh-flaky")).isEqualTo(2);
        assertThat(sqs.deleteAttempts("rh-expired")).as("not retried").isEqualTo(1);
        assertThat(metrics.getDeleted()).isEqualTo(2);
        assertThat(metrics.getDeleteRetries()).isEqualTo(1);
        assertThat(metrics.getDeleteFailures()).as("the expired handle is counted, not fatal").isEqualTo(1);
        assertThat(inFlight.trackedCount()).isZero();

        batcher.delete(tracked(QUEUE_A, "after"));
        assertThat(inFlight.awaitSettled(Duration.ofSeconds(10))).isTrue();
        assertThat(metrics.getDeleted()).as("still deleting").isEqualTo(3);
    }

    @Test
    void givesUpAfterTheLastAttemptWhenEveryCallFails() throws Exception {
        batcher.close();
        batcher = batcher(3);
        sqs.deletes = request -> {
            throw SdkClientException.create("connection refused");
        };
        batcher.delete(tracked(QUEUE_A, "doomed"));
        assertThat(inFlight.awaitSettled(Duration.ofSeconds(10))).isTrue();

        assertThat(sqs.deleteAttempts("rh-doomed")).isEqualTo(3);
        assertThat(metrics.getDeleteRetries()).isEqualTo(2);
        assertThat(metrics.getDeleteFailures()).isEqualTo(1);
        assertThat(metrics.getDeleted()).isZero();
    }

    @Test
    void releasesMakeMessagesVisibleAtOnceWithoutRetrying() throws Exception {
        batcher.release(tracked(QUEUE_A, "dropped-1"));
        batcher.release(tracked(QUEUE_A, "dropped-2"));
        assertThat(inFlight.awaitSettled(Duration.ofSeconds(10))).isTrue();

        assertThat(sqs.visibilityCalls).isNotEmpty().allSatisfy(call ->
                assertThat(call.entries()).allSatisfy(e -> assertThat(e.visibilityTimeout()).isZero()));
        assertThat(metrics.getReleased()).isEqualTo(2);
        assertThat(sqs.deleteCalls).isEmpty();
        assertThat(inFlight.trackedCount()).isZero();
    }

    @Test
    void deletesAndReleasesNeverShareACall() throws Exception {
        batcher.delete(tracked(QUEUE_A, "acked"));
        batcher.release(tracked(QUEUE_A, "dropped"));
        assertThat(inFlight.awaitSettled(Duration.ofSeconds(10))).isTrue();
        List<String> deleted = sqs.deleteCalls.stream().flatMap(c -> c.entries().stream()).map(e -> e.receiptHandle()).toList();
        assertThat(deleted).containsExactly("rh-acked");
        assertThat(sqs.visibilityCalls).flatMap(c -> c.entries()).extracting(e -> e.receiptHandle()).containsExactly("rh-dropped");
        assertThat(sqs.deleteCalls).extracting(DeleteMessageBatchRequest::queueUrl).containsOnly(QUEUE_A);
    }
}
