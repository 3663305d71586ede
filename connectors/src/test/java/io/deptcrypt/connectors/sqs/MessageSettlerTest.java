package io.deptcrypt.connectors.sqs;

import static io.deptcrypt.connectors.sqs.FakeSqsClient.QUEUE_A;
import static io.deptcrypt.connectors.sqs.FakeSqsClient.block;
import static io.deptcrypt.connectors.sqs.FakeSqsClient.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The parts together, on a fake SQS: they do not wait for each other, and flush waits for the last delete only. */
class MessageSettlerTest {

    final FakeSqsClient sqs = new FakeSqsClient();
    final SqsSourceTaskMetrics metrics = new SqsSourceTaskMetrics();
    final CountDownLatch unblock = new CountDownLatch(1);
    // 2 s visibility timeout: the heartbeat ticks every 200 ms.
    final MessageSettler settler = new MessageSettler(sqs, metrics, Duration.ofSeconds(2), 5,
            new RetryBackoff(Duration.ofMillis(10)), 4, "test");

    @AfterEach
    void close() {
        unblock.countDown();
        settler.close();
    }

    @Test
    void aDeleteRetryIsNotDelayedByABlockedHeartbeatCall() throws Exception {
        CountDownLatch heartbeatCalling = new CountDownLatch(1);
        sqs.visibility = request -> {
            heartbeatCalling.countDown();
            block(unblock); // a ChangeMessageVisibilityBatch that hangs
            return FakeSqsClient.allChanged(request);
        };
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        sqs.deletes = request -> FakeSqsClient.answer(request,
                e -> failedOnce.add(e.receiptHandle()) ? FakeSqsClient.serverFault() : null);

        settler.track(message(QUEUE_A, "due", System.nanoTime())); // due for an extension at the first tick
        assertThat(heartbeatCalling.await(5, TimeUnit.SECONDS)).as("heartbeat call in progress").isTrue();

        InFlightMessage acked = message(QUEUE_A, "acked", System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
        settler.track(acked);
        settler.delete(acked);
        settler.flush(Duration.ofSeconds(5)); // throws if the retry waits for the heartbeat

        assertThat(sqs.deleteAttempts("rh-acked")).isEqualTo(2);
        assertThat(metrics.getDeleteRetries()).isEqualTo(1);
        assertThat(metrics.getDeleted()).isEqualTo(1);
        assertThat(unblock.getCount()).as("the heartbeat call is still blocked").isEqualTo(1);
        assertThat(metrics.getVisibilityExtensions()).isZero();
    }

    @Test
    void flushReturnsAsSoonAsTheLastDeleteIsAcknowledged() throws Exception {
        CountDownLatch deleting = new CountDownLatch(1);
        sqs.deletes = request -> {
            deleting.countDown();
            block(unblock);
            return FakeSqsClient.allDeleted(request);
        };
        InFlightMessage m = message(QUEUE_A, "1", System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
        settler.track(m);
        settler.delete(m);
        CompletableFuture<Void> flush = CompletableFuture.runAsync(() -> {
            try {
                settler.flush(Duration.ofSeconds(30));
            } catch (InterruptedException | TimeoutException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(deleting.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(flush).as("the delete is unanswered").isNotDone();

        long answered = System.nanoTime();
        unblock.countDown();
        flush.get(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - answered)).as("returned on the answer, not on the 30 s timeout")
                .isLessThan(Duration.ofSeconds(2));
        assertThat(metrics.getDeleted()).isEqualTo(1);
        assertThat(settler.inFlightCount()).isZero();
    }

    @Test
    void flushTimesOutWithAClearError() {
        sqs.deletes = request -> {
            block(unblock);
            return FakeSqsClient.allDeleted(request);
        };
        InFlightMessage m = message(QUEUE_A, "1", System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
        settler.track(m);
        settler.delete(m);
        long start = System.nanoTime();
        assertThatThrownBy(() -> settler.flush(Duration.ofMillis(200)))
                .isInstanceOf(TimeoutException.class)
                .hasMessage("1 delete(s) or release(s) still unfinished after 200 ms; a message not deleted is received "
                        + "again (a duplicate, not a loss)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(200), Duration.ofSeconds(5));
    }

    @Test
    void releaseNowMakesTheMessagesVisibleAfterTheDelay() {
        InFlightMessage a = message(QUEUE_A, "a", 0);
        InFlightMessage b = message(FakeSqsClient.QUEUE_B, "b", 0);
        settler.track(a);
        settler.track(b);
        settler.releaseNow(List.of(a, b), 4);
        assertThat(sqs.visibilityCalls).hasSize(2).allSatisfy(call ->
                assertThat(call.entries()).singleElement().satisfies(e -> assertThat(e.visibilityTimeout()).isEqualTo(4)));
        assertThat(metrics.getReleased()).isEqualTo(2);
        assertThat(settler.inFlightCount()).isZero();
    }
}
