package io.deptcrypt.connectors.sqs;

import static io.deptcrypt.connectors.sqs.FakeSqsClient.QUEUE_A;
import static io.deptcrypt.connectors.sqs.FakeSqsClient.QUEUE_B;
import static io.deptcrypt.connectors.sqs.FakeSqsClient.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The batch shape of SQS calls, and the retry backoff rule. */
class SqsBatchTest {

    @Test
    void splitsPerQueueIntoBatchesOfAtMostTen() {
        List<InFlightMessage> messages = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            messages.add(message(i % 5 == 0 ? QUEUE_B : QUEUE_A, String.valueOf(i), 0));
        }
        List<SqsBatch> batches = SqsBatch.split(messages);
        assertThat(batches).extracting(SqsBatch::queueUrl).containsExactly(QUEUE_B, QUEUE_A, QUEUE_A);
        assertThat(batches).extracting(SqsBatch::size).containsExactly(5, 10, 10);
        assertThat(batches.get(1).entry("3").receiptHandle()).isEqualTo("rh-4"); // ids are indexes within the batch
        assertThatThrownBy(() -> new SqsBatch(QUEUE_A, List.of())).hasMessageContaining("1-10");
    }

    @Test
    void backoffDoublesPerFailureUpToTwentyTimesTheFirst() {
        RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(100));
        assertThat(List.of(1, 2, 3, 4, 5, 6, 30)).map(backoff::millisAfter)
                .containsExactly(100L, 200L, 400L, 800L, 1600L, 2000L, 2000L);
    }
}
