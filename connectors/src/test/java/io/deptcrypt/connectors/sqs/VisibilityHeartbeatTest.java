package io.deptcrypt.connectors.sqs;

import static io.deptcrypt.connectors.sqs.ConnectorTestStack.await;
import static io.deptcrypt.connectors.sqs.FakeSqsClient.QUEUE_A;
import static io.deptcrypt.connectors.sqs.FakeSqsClient.message;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResultEntry;

/** The heartbeat and the visibility calls alone, on a fake SQS. */
class VisibilityHeartbeatTest {

    final FakeSqsClient sqs = new FakeSqsClient();
    final SqsSourceTaskMetrics metrics = new SqsSourceTaskMetrics();
    final InFlightMessages inFlight = new InFlightMessages();
    final VisibilityChanges visibility = new VisibilityChanges(sqs, metrics, inFlight);

    @Test
    void aBeatExtendsOnlyTheMessagesPastHalfTheirTimeout() {
        long now = System.nanoTime();
        InFlightMessage due = message(QUEUE_A, "due", now + TimeUnit.SECONDS.toNanos(10)); // 20 of 30 s used
        InFlightMessage fresh = message(QUEUE_A, "fresh", now + TimeUnit.SECONDS.toNanos(29));
        inFlight.track(due);
        inFlight.track(fresh);
        try (VisibilityHeartbeat heartbeat = new VisibilityHeartbeat(inFlight, visibility, Duration.ofSeconds(30), "test-heartbeat")) {
            heartbeat.beat();
        }
        assertThat(sqs.visibilityCalls).singleElement().satisfies(call -> assertThat(call.entries()).singleElement()
                .satisfies(e -> {
                    assertThat(e.receiptHandle()).isEqualTo("rh-due");
                    assertThat(e.visibilityTimeout()).isEqualTo(30);
                }));
        assertThat(due.visibleAgainAtNanos() - now).as("extended to the full timeout")
                .isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(30));
        assertThat(metrics.getVisibilityExtensions()).isEqualTo(1);
        assertThat(inFlight.trackedCount()).as("still tracked").isEqualTo(2);
    }

    @Test
    void theTimerBeatsByItself() throws Exception {
        inFlight.track(message(QUEUE_A, "due", System.nanoTime()));
        VisibilityHeartbeat heartbeat = new VisibilityHeartbeat(inFlight, visibility, Duration.ofSeconds(2), "test-heartbeat");
        try {
            await("an extension", Duration.ofSeconds(5), () -> metrics.getVisibilityExtensions() >= 1);
        } finally {
            heartbeat.close();
        }
    }

    @Test
    void failedCallsAndEntriesAreNotFatal() {
        InFlightMessage gone = message(QUEUE_A, "gone", System.nanoTime());
        InFlightMessage ok = message(QUEUE_A, "ok", System.nanoTime());
        inFlight.track(gone);
        inFlight.track(ok);
        sqs.visibility = request -> {
            throw SdkClientException.create("connection reset");
        };
        try (VisibilityHeartbeat heartbeat = new VisibilityHeartbeat(inFlight, visibility, Duration.ofSeconds(30), "test-heartbeat")) {
            heartbeat.beat(); // logged, not thrown
            sqs.visibility = request -> {
                var answer = ChangeMessageVisibilityBatchResponse.builder();
                request.entries().forEach(e -> {
                    if (e.receiptHandle().equals("rh-ok")) {
                        answer.successful(ChangeMessageVisibilityBatchResultEntry.builder().id(e.id()).build());
                    } else {
                        answer.failed(BatchResultErrorEntry.builder().id(e.id()).code("ReceiptHandleIsInvalid").senderFault(true).build());
                    }
                });
                return answer.build();
            };
            heartbeat.beat();
        }
        assertThat(metrics.getVisibilityExtensions()).isEqualTo(1);
        assertThat(ok.visibleAgainAtNanos()).isGreaterThan(gone.visibleAgainAtNanos());
    }

    @Test
    void aReleaseUsesTheDelayAndUntracksOnlyWhatSqsReleased() {
        List<InFlightMessage> messages = List.of(message(QUEUE_A, "0", 0), message(QUEUE_A, "1", 0), message(QUEUE_A, "2", 0));
        messages.forEach(inFlight::track);
        sqs.visibility = request -> ChangeMessageVisibilityBatchResponse.builder()
                .successful(ChangeMessageVisibilityBatchResultEntry.builder().id("0").build(),
                        ChangeMessageVisibilityBatchResultEntry.builder().id("2").build())
                .failed(BatchResultErrorEntry.builder().id("1").code("InternalError").senderFault(false).build())
                .build();
        visibility.release(SqsBatch.split(messages).get(0), 7);

        assertThat(sqs.visibilityCalls).singleElement().satisfies(call ->
                assertThat(call.entries()).allSatisfy(e -> assertThat(e.visibilityTimeout()).isEqualTo(7)));
        assertThat(metrics.getReleased()).isEqualTo(2);
        assertThat(inFlight.trackedCount()).isEqualTo(1);
    }
}
