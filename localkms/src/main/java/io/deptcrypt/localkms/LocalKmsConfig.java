package io.deptcrypt.localkms;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How to run a {@link LocalKms}. Build with {@link #of(Governance, Path)} or {@link #of(Path, Path)} and adjust with
 * the {@code with...} methods.
 *
 * @param governance             who encrypts and reads what; localkms creates and polices its keys
 * @param stateDir               keys, aliases, policies, grants, access keys, master key, audit log and credentials.env
 * @param bindAddress            the address to listen on (default {@code 127.0.0.1})
 * @param port                   the port, 0 for any free port
 * @param threads                request-handling threads (the queue behind them is bounded too)
 * @param rootMeansAccount       whether {@code arn:aws:iam::<account>:root} in a key policy (AWS's default policy) lets
 *                               every principal of the account through that has no identity policy ("no identity
 *                               policy = IAM allows everything"; default true). A principal given an identity policy
 *                               by SyncPrincipals gets through the root only where that policy allows, as in AWS.
 * @param clock                  the time source of key lifecycle: creation, rotation and deletion dates (tests move it
 *                               to reach them); SigV4 request times are always checked against the real clock
 * @param pendingWindowDayLength how long one day of ScheduleKeyDeletion's {@code PendingWindowInDays} lasts (default
 *                               a real day; one second lets a test or demo see a 7-day window end after 7 seconds).
 *                               The API stays AWS's: 7-30 days, and the DeletionDate answered is when the key goes
 */
public record LocalKmsConfig(Governance governance, Path stateDir, String bindAddress, int port, int threads,
                             boolean rootMeansAccount, Clock clock, Duration pendingWindowDayLength) {

    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_THREADS = 16;
    public static final Duration DEFAULT_PENDING_WINDOW_DAY_LENGTH = Duration.ofDays(1);

    public LocalKmsConfig {
        Objects.requireNonNull(governance, "governance");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(pendingWindowDayLength, "pendingWindowDayLength");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not 0 (any free port) or 1-65535");
        }
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads " + threads + " is not between 1 and 1024");
        }
        if (pendingWindowDayLength.isNegative() || pendingWindowDayLength.isZero()
                || pendingWindowDayLength.compareTo(DEFAULT_PENDING_WINDOW_DAY_LENGTH) > 0) {
            throw new IllegalArgumentException("pendingWindowDayLength " + pendingWindowDayLength
                    + " is not more than zero and at most one day");
        }
    }

    /** Any free port on 127.0.0.1. */
    public static LocalKmsConfig of(Governance governance, Path stateDir) {
        return new LocalKmsConfig(governance, stateDir, DEFAULT_BIND_ADDRESS, 0, DEFAULT_THREADS, true, Clock.systemUTC(),
                DEFAULT_PENDING_WINDOW_DAY_LENGTH);
    }

    /** Loads the governance file. @throws io.deptcrypt.governance.GovernanceException if it is invalid */
    public static LocalKmsConfig of(Path governanceFile, Path stateDir) {
        return of(GovernanceLoader.load(governanceFile), stateDir);
    }

    public LocalKmsConfig withPort(int newPort) {
        return new LocalKmsConfig(governance, stateDir, bindAddress, newPort, threads, rootMeansAccount, clock,
                pendingWindowDayLength);
    }

    public LocalKmsConfig withBindAddress(String address) {
        return new LocalKmsConfig(governance, stateDir, address, port, threads, rootMeansAccount, clock,
                pendingWindowDayLength);
    }

    public LocalKmsConfig withThreads(int n) {
        return new LocalKmsConfig(governance, stateDir, bindAddress, port, n, rootMeansAccount, clock,
                pendingWindowDayLength);
    }

    public LocalKmsConfig withRootMeansAccount(boolean enabled) {
        return new LocalKmsConfig(governance, stateDir, bindAddress, port, threads, enabled, clock,
                pendingWindowDayLength);
    }

    public LocalKmsConfig withClock(Clock newClock) {
        return new LocalKmsConfig(governance, stateDir, bindAddress, port, threads, rootMeansAccount, newClock,
                pendingWindowDayLength);
    }

    /** Makes one day of a key's pending-deletion window last {@code dayLength} (tests and demos). */
    public LocalKmsConfig withPendingWindowDayLength(Duration dayLength) {
        return new LocalKmsConfig(governance, stateDir, bindAddress, port, threads, rootMeansAccount, clock, dayLength);
    }
}
