package io.deptcrypt.topology;

import java.time.Duration;
import java.util.Objects;

/**
 * How the encryptor drops second copies of ingest events ({@link IngestDeduplicator}).
 *
 * @param window how long, in record time, an event sealed is remembered ({@code dedupe.window.ms}); zero: never
 * @param store  where it is remembered ({@code dedupe.store})
 */
public record DedupeSettings(Duration window, DedupeStore store) {

    /** The defaults of {@link EncryptorConfig#DEDUPE_WINDOW_MS} and {@link EncryptorConfig#DEDUPE_STORE}. */
    public static final DedupeSettings DEFAULT = new DedupeSettings(
            Duration.ofMillis(EncryptorConfig.DEDUPE_WINDOW_MS_DEFAULT), DedupeStore.valueOf(EncryptorConfig.DEDUPE_STORE_DEFAULT));
    /** No deduplication, and no state store. */
    public static final DedupeSettings OFF = new DedupeSettings(Duration.ZERO, DEFAULT.store());

    public DedupeSettings {
        Objects.requireNonNull(store, "store");
        if (window == null || window.isNegative()) {
            throw new IllegalArgumentException("the dedupe window must be zero or positive, was " + window);
        }
    }

    public boolean enabled() {
        return !window.isZero();
    }
}
