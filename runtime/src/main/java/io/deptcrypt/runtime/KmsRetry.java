package io.deptcrypt.runtime;

import io.deptcrypt.crypto.TemporarilyUnavailableException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries a KMS-backed operation while KMS is unavailable (throttling, timeouts, 5xx, connection refused), or the keys
 * topic it also depends on (AES_GCM_V2: publishing a data key's record, looking one up) cannot be written or read in
 * time: every {@link TemporarilyUnavailableException}. With exponential backoff from {@code initialBackoff} doubling up
 * to {@code maxBackoff}. There is no attempt limit: the caller makes no progress past the record until KMS (or the
 * keys topic) answers. Any other exception (access denied, bad envelope) passes through at once. (The name and the
 * {@code kms.retry.*} keys predate the keys topic; the policy is the same for both.)
 *
 * <p>The wait blocks the calling stream thread. A long outage can outlast the Streams transaction timeout; the
 * transaction is then aborted and Streams reprocesses from the last commit, which is still exactly-once.
 */
public record KmsRetry(Duration initialBackoff, Duration maxBackoff) {

    public static final String INITIAL_MS = "kms.retry.initial.ms";
    public static final String INITIAL_MS_DOC = "While KMS is unavailable (throttling, timeouts, 5xx, connection refused)"
            + " the record is retried, never skipped or dead-lettered: the first wait, in milliseconds; each next"
            + " wait doubles up to " + KmsRetry.MAX_MS + ".";
    public static final long INITIAL_MS_DEFAULT = 100;

    public static final String MAX_MS = "kms.retry.max.ms";
    public static final String MAX_MS_DOC = "The longest wait between two attempts while KMS is unavailable, in"
            + " milliseconds; at least " + INITIAL_MS + " (when not set and " + INITIAL_MS + " is larger, that).";
    public static final long MAX_MS_DEFAULT = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(KmsRetry.class);

    public KmsRetry {
        if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 < initialBackoff <= maxBackoff, got " + initialBackoff + ", " + maxBackoff);
        }
    }

    public static KmsRetry defaults() {
        return new KmsRetry(Duration.ofMillis(INITIAL_MS_DEFAULT), Duration.ofMillis(MAX_MS_DEFAULT));
    }

    /** Adds the retry keys to an app's definition. */
    public static ConfigDef define(ConfigDef d) {
        return d.define(INITIAL_MS, Type.LONG, INITIAL_MS_DEFAULT, Range.between(1, 60_000), Importance.LOW, INITIAL_MS_DOC)
                .define(MAX_MS, Type.LONG, MAX_MS_DEFAULT, Range.between(1, 600_000), Importance.LOW, MAX_MS_DOC);
    }

    /** Reads the retry keys; empty when a problem was recorded in {@code c}. */
    public static Optional<KmsRetry> from(ConfigCheck c) {
        if (!c.usable(INITIAL_MS, MAX_MS)) {
            return Optional.empty();
        }
        long initial = c.getLong(INITIAL_MS);
        long max = c.isSet(MAX_MS) ? c.getLong(MAX_MS) : Math.max(MAX_MS_DEFAULT, initial);
        if (max < initial) {
            c.problem(MAX_MS, max + " is below " + INITIAL_MS + " (" + initial + ")");
            return Optional.empty();
        }
        return Optional.of(new KmsRetry(Duration.ofMillis(initial), Duration.ofMillis(max)));
    }

    /**
     * Runs {@code op} until it does not throw {@link TemporarilyUnavailableException} (KMS or the keys topic).
     *
     * @param what      describes the operation for the log (no plaintext), e.g. "seal finance event 42"; built
     *                  only if something is logged (a description per record showed up in profiles)
     * @param cancelled checked between attempts; when true, the last failure is rethrown (the app is closing)
     * @param retries   counts each retry
     */
    public <T> T call(Supplier<String> what, Supplier<T> op, BooleanSupplier cancelled, LongAdder retries) {
        long backoff = initialBackoff.toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                T result = op.get();
                if (attempt > 1) {
                    LOG.warn("answered again; {} succeeded after {} attempts", what.get(), attempt);
                }
                return result;
            } catch (TemporarilyUnavailableException e) {
                if (cancelled.getAsBoolean()) {
                    // Returning would commit the record as done; failing leaves it uncommitted for the next start.
                    LOG.warn("closing while KMS or the keys topic is unavailable: {} is left unprocessed and will be"
                            + " retried after a restart", what.get());
                    throw e;
                }
                if (attempt == 1 || attempt % 10 == 0) {
                    LOG.warn("unavailable ({}); {} waits and retries (attempt {}, next wait {} ms); no record is"
                            + " skipped meanwhile", e.getMessage(), what.get(), attempt, backoff);
                }
                retries.increment();
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoff = Math.min(backoff * 2, maxBackoff.toMillis());
            }
        }
    }
}
