package io.deptcrypt.crypto;

import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link Opener} caches unwrapped data keys.
 *
 * @param maxCachedDataKeys at most this many unwrapped data keys are held (least recently used goes first)
 * @param dataKeyTtl        an unwrapped data key is forgotten this long after KMS returned it, then KMS is asked
 *                          again. This is the revocation bound for a reader: once its KMS access is revoked it opens
 *                          nothing new after at most this long (see docs/threat-model.md)
 */
public record OpenerConfig(int maxCachedDataKeys, Duration dataKeyTtl) {

    public static final int DEFAULT_MAX_CACHED_DATA_KEYS = 1000;
    public static final Duration DEFAULT_DATA_KEY_TTL = Duration.ofMinutes(5);

    public OpenerConfig {
        Objects.requireNonNull(dataKeyTtl, "OpenerConfig.dataKeyTtl must not be null");
        if (maxCachedDataKeys < 1) {
            throw new IllegalArgumentException("OpenerConfig.maxCachedDataKeys must be at least 1, was " + maxCachedDataKeys);
        }
        if (dataKeyTtl.isNegative() || dataKeyTtl.isZero()) {
            throw new IllegalArgumentException("OpenerConfig.dataKeyTtl must be positive, was " + dataKeyTtl);
        }
    }

    /** 1000 keys, 5 minutes. */
    public static OpenerConfig defaults() {
        return new OpenerConfig(DEFAULT_MAX_CACHED_DATA_KEYS, DEFAULT_DATA_KEY_TTL);
    }
}
