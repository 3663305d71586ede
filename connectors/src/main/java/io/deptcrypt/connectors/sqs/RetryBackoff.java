package io.deptcrypt.connectors.sqs;

import java.time.Duration;

/** The wait before retrying a failed SQS call: {@code first}, doubled per failure in a row, at most 20 times {@code first}. */
record RetryBackoff(Duration first) {

    private static final int MAX_FACTOR = 20;

    /** The wait after the {@code failures}-th failure in a row (1 = the first failure). */
    long millisAfter(int failures) {
        long firstMillis = first.toMillis();
        return Math.min(firstMillis << Math.min(Math.max(failures, 1) - 1, MAX_FACTOR), firstMillis * MAX_FACTOR);
    }
}
