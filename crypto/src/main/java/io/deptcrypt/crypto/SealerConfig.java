package io.deptcrypt.crypto;

import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Sealer} seals.
 *
 * @param format               the envelope format written
 * @param maxRecordsPerDataKey a data key is retired after sealing this many records (at most 2^32, NIST
 *                             SP 800-38D's bound for random 96-bit nonces, kept although nonces are now a per-key
 *                             counter; the default is far below it)
 * @param maxDataKeyAge        a data key is retired this long after KMS generated it; part of the revocation bound
 */
public record SealerConfig(EnvelopeFormatId format, long maxRecordsPerDataKey, Duration maxDataKeyAge) {

    /** 2^24 records: bounds what one unwrapped data key can open (nonces are unique per key at any count). */
    public static final long DEFAULT_MAX_RECORDS_PER_DATA_KEY = 1L << 24;
    public static final Duration DEFAULT_MAX_DATA_KEY_AGE = Duration.ofMinutes(15);
    /** NIST SP 800-38D section 8.3: at most 2^32 invocations with random IVs per key; kept as the upper bound. */
    public static final long GCM_RANDOM_NONCE_LIMIT = 1L << 32;

    public SealerConfig {
        Objects.requireNonNull(format, "SealerConfig.format must not be null");
        Objects.requireNonNull(maxDataKeyAge, "SealerConfig.maxDataKeyAge must not be null");
        if (maxRecordsPerDataKey < 1 || maxRecordsPerDataKey > GCM_RANDOM_NONCE_LIMIT) {
            throw new IllegalArgumentException("SealerConfig.maxRecordsPerDataKey must be between 1 and 2^32 (the GCM"
                    + " limit for random nonces, kept as a bound), was " + maxRecordsPerDataKey);
        }
        if (maxDataKeyAge.isNegative() || maxDataKeyAge.isZero()) {
            throw new IllegalArgumentException("SealerConfig.maxDataKeyAge must be positive, was " + maxDataKeyAge);
        }
    }

    /** AES_GCM_V1, 2^24 records, 15 minutes. */
    public static SealerConfig defaults() {
        return new SealerConfig(EnvelopeFormatId.AES_GCM_V1, DEFAULT_MAX_RECORDS_PER_DATA_KEY, DEFAULT_MAX_DATA_KEY_AGE);
    }

    public SealerConfig withFormat(EnvelopeFormatId newFormat) {
        return new SealerConfig(newFormat, maxRecordsPerDataKey, maxDataKeyAge);
    }
}
