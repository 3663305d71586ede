package io.deptcrypt.connectors.sqs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;

/**
 * {@code ChangeMessageVisibilityBatch} calls, on the calling thread: extending in-flight messages (the heartbeat)
 * and making messages visible again (a release). A failed call or entry is logged, never thrown: the next heartbeat,
 * or the visibility timeout itself, takes care of that message.
 */
final class VisibilityChanges {

    private static final Logger log = LoggerFactory.getLogger(VisibilityChanges.class);

    private final SqsClient client;
    private final SqsSourceTaskMetrics metrics;
    private final InFlightMessages inFlight;

    VisibilityChanges(SqsClient client, SqsSourceTaskMetrics metrics, InFlightMessages inFlight) {
        this.client = client;
        this.metrics = metrics;
        this.inFlight = inFlight;
    }

    /** Extends each message's visibility timeout to {@code seconds} from now. */
    void extend(SqsBatch batch, int seconds) {
        long sentAt = System.nanoTime();
        ChangeMessageVisibilityBatchResponse response = call(batch, seconds);
        if (response == null) {
            return;
        }
        response.successful().forEach(ok -> {
            batch.entry(ok.id()).visibleAgainAtNanos(sentAt + TimeUnit.SECONDS.toNanos(seconds));
            metrics.visibilityExtensions.increment();
        });
        logFailures(batch, response);
    }

    /** Makes each message visible again in {@code delaySeconds} (0 = at once); a released message is untracked. */
    void release(SqsBatch batch, int delaySeconds) {
        ChangeMessageVisibilityBatchResponse response = call(batch, delaySeconds);
        if (response == null) {
            return;
        }
        response.successful().forEach(ok -> {
            inFlight.untrack(batch.entry(ok.id()));
            metrics.released.increment();
        });
        logFailures(batch, response);
    }

    private ChangeMessageVisibilityBatchResponse call(SqsBatch batch, int seconds) {
        List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(String.valueOf(i))
                    .receiptHandle(batch.messages().get(i).receiptHandle()).visibilityTimeout(seconds).build());
        }
        try {
            return client.changeMessageVisibilityBatch(b -> b.queueUrl(batch.queueUrl()).entries(entries));
        } catch (SdkException e) {
            log.warn("ChangeMessageVisibilityBatch({} s) of {} message(s) on {} failed: {}",
                    seconds, batch.size(), batch.queueUrl(), e.toString());
            return null;
        }
    }

    private static void logFailures(SqsBatch batch, ChangeMessageVisibilityBatchResponse response) {
        // Such failures are messages deleted meanwhile or received again elsewhere (an expired receipt handle).
        response.failed().forEach(f -> log.debug("Visibility change of {} failed: {} {}",
                batch.entry(f.id()), f.code(), f.message()));
    }
}
