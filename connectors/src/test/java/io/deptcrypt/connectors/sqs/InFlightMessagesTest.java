package io.deptcrypt.connectors.sqs;

import static io.deptcrypt.connectors.sqs.FakeSqsClient.QUEUE_A;
import static io.deptcrypt.connectors.sqs.FakeSqsClient.message;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InFlightMessagesTest {

    final InFlightMessages inFlight = new InFlightMessages();

    @Test
    void aSettledMessageIsNoLongerTrackedAndAForgottenOneNeverCountedAsSettling() {
        InFlightMessage deleted = message(QUEUE_A, "1", 0);
        InFlightMessage kept = message(QUEUE_A, "2", 0);
        inFlight.track(deleted);
        inFlight.track(kept);
        inFlight.settling(deleted);
        assertThat(inFlight.trackedCount()).isEqualTo(2);
        assertThat(inFlight.settlingCount()).isEqualTo(1);

        inFlight.settled(deleted);
        inFlight.untrack(kept);
        assertThat(inFlight.trackedCount()).isZero();
        assertThat(inFlight.settlingCount()).isZero();
    }

    @Test
    void awaitSettledReturnsAtOnceWhenNothingIsSettling() throws Exception {
        inFlight.track(message(QUEUE_A, "1", 0)); // tracked, but no delete asked for
        assertThat(inFlight.awaitSettled(Duration.ZERO)).isTrue();
    }

    @Test
    void awaitSettledWakesUpWhenTheLastSettleFinishes() throws Exception {
        InFlightMessage a = message(QUEUE_A, "a", 0);
        InFlightMessage b = message(QUEUE_A, "b", 0);
        inFlight.settling(a);
        inFlight.settling(b);
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return inFlight.awaitSettled(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        inFlight.settled(a);
        assertThat(waiter).as("one settle still unfinished").isNotDone();

        long lastSettled = System.nanoTime();
        inFlight.settled(b);
        assertThat(waiter.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - lastSettled)).as("woken by the last settle, not the 30 s timeout")
                .isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void awaitSettledGivesUpAfterTheTimeout() throws Exception {
        inFlight.settling(message(QUEUE_A, "1", 0));
        long start = System.nanoTime();
        assertThat(inFlight.awaitSettled(Duration.ofMillis(150))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
    }

    @Test
    void visibleAgainWithinPicksOnlyTheMessagesDueBeforeTheMark() {
        long now = System.nanoTime();
        InFlightMessage soon = message(QUEUE_A, "soon", now + TimeUnit.SECONDS.toNanos(5));
        InFlightMessage later = message(QUEUE_A, "later", now + TimeUnit.SECONDS.toNanos(25));
        inFlight.track(soon);
        inFlight.track(later);
        assertThat(inFlight.visibleAgainWithin(now, TimeUnit.SECONDS.toNanos(15))).containsExactly(soon);
    }
}
