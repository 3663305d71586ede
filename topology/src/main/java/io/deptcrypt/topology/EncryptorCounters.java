package io.deptcrypt.topology;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Live counts of the encryptor's work; safe to read from any thread. */
public final class EncryptorCounters {
    private final LongAdder sealed = new LongAdder();
    private final LongAdder kmsRetries = new LongAdder();
    private final Map<DeadLetterReason, LongAdder> deadLettered = new EnumMap<>(DeadLetterReason.class);

    public EncryptorCounters() {
        for (DeadLetterReason r : DeadLetterReason.values()) {
            deadLettered.put(r, new LongAdder());
        }
    }

    /** Records sealed to the shared topic (forwarded; committed once the Streams transaction commits). */
    public long sealed() {
        return sealed.sum();
    }

    /** Records sent to the dead-letter topic, all reasons. */
    public long deadLettered() {
        return deadLettered.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long deadLettered(DeadLetterReason reason) {
        return deadLettered.get(reason).sum();
    }

    /** Retries of a KMS-backed operation while KMS was unavailable. */
    public long kmsRetries() {
        return kmsRetries.sum();
    }

    void countSealed() {
        sealed.increment();
    }

    void countDeadLetter(DeadLetterReason reason) {
        deadLettered.get(reason).increment();
    }

    LongAdder kmsRetryCounter() {
        return kmsRetries;
    }

    @Override
    public String toString() {
        return "EncryptorCounters[sealed=" + sealed() + ", deadLettered=" + deadLettered() + ", kmsRetries=" + kmsRetries() + "]";
    }
}
