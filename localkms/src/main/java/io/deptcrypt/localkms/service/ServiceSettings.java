package io.deptcrypt.localkms.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Fixed facts of one running localkms.
 *
 * @param rootMeansAccount       whether {@code arn:aws:iam::<account>:root} in a policy matches every principal of
 *                               the account that has no identity policy
 * @param clock                  drives key lifecycle dates (creation, rotation, deletion)
 * @param pendingWindowDayLength how long one day of ScheduleKeyDeletion's {@code PendingWindowInDays} lasts (a real
 *                               day, or seconds in tests and demos)
 */
public record ServiceSettings(String partition, String region, String account, boolean rootMeansAccount, Clock clock,
                              Duration pendingWindowDayLength) {

    public Instant now() {
        return clock.instant();
    }
}
