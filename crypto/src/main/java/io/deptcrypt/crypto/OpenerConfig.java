package io.deptcrypt.crypto;

import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link Opener} caches unwrapped data keys, and KMS's refusals.
 *
 * @param maxCachedDataKeys at most this many unwrapped data keys are held (least recently used goes first)
 * @param dataKeyTtl        an unwrapped data key is forgotten this long after KMS returned it, then KMS is asked
 *                          again. This is the revocation bound for a reader: once its KMS access is revoked it opens
 *                          nothing new after at most this long (see docs/threat-model.md)
 * @param accessDeniedTtl   a data key KMS refused to unwrap (AccessDenied) is not asked for again for this long: a
 *                          revoked reader that skips or dead-letters its records costs KMS one call per data key
 *                          and period, not one per record. {@link Opener#forget} ends it early
 */
public record OpenerConfig(int maxCachedDataKeys, Duration dataKeyTtl, Duration accessDeniedTtl) {

    public static final int DEFAULT_MAX_CACHED_DATA_KEYS = 1000;
    public static final Duration DEFAULT_DATA_KEY_TTL = Duration.ofMinutes(5);
    public static final Duration DEFAULT_ACCESS_DENIED_TTL = Duration.ofSeconds(30);

    public OpenerConfig {
        Objects.requireNonNull(dataKeyTtl, "OpenerConfig.dataKeyTtl must not be null");
        Objects.requireNonNull(accessDeniedTtl, "OpenerConfig.accessDeniedTtl must not be null");
        if (maxCachedDataKeys < 1) {
            throw new IllegalArgumentException("OpenerConfig.maxCachedDataKeys must be at least 1, was " + maxCachedDataKeys);
        }
        if (dataKeyTtl.isNegative() || dataKeyTtl.isZero()) {
            throw new IllegalArgumentException("OpenerConfig.dataKeyTtl must be positive, was " + dataKeyTtl);
        }
        if (accessDeniedTtl.isNegative() || accessDeniedTtl.isZero()) {
            throw new IllegalArgumentException("OpenerConfig.accessDeniedTtl must be positive, was " + accessDeniedTtl);
        }
    }

    /** With the default {@link #DEFAULT_ACCESS_DENIED_TTL}. */
    public OpenerConfig(int maxCachedDataKeys, Duration dataKeyTtl) {
        this(maxCachedDataKeys, dataKeyTtl, DEFAULT_ACCESS_DENIED_TTL);
    }

    /** 1000 keys, 5 minutes, refusals 30 seconds. */
    public static OpenerConfig defaults() {
        return new OpenerConfig(DEFAULT_MAX_CACHED_DATA_KEYS, DEFAULT_DATA_KEY_TTL, DEFAULT_ACCESS_DENIED_TTL);
    }
}
