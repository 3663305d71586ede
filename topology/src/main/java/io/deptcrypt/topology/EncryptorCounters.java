package io.deptcrypt.topology;

import io.deptcrypt.runtime.KmsCallSensors;
import io.deptcrypt.runtime.SensorRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Live counts of the encryptor's work; safe to read from any thread. Once a processor has {@link #bind bound} them
 * to the app's Kafka Streams metrics, each count is also recorded there ({@link EncryptorMetrics}), as are the KMS
 * calls ({@link #kmsCallSensors()}).
 */
public final class EncryptorCounters {
    private final LongAdder sealed = new LongAdder();
    private final LongAdder deduplicated = new LongAdder();
    private final LongAdder revocations = new LongAdder();
    private final LongAdder kmsRetries = new LongAdder();
    private final LongAdder dataKeys = new LongAdder();
    private final Map<DeadLetterReason, LongAdder> deadLettered = new EnumMap<>(DeadLetterReason.class);
    private final KmsCallSensors kmsCallSensors = new KmsCallSensors();
    private volatile EncryptorMetrics metrics;

    public EncryptorCounters() {
        for (DeadLetterReason r : DeadLetterReason.values()) {
            deadLettered.put(r, new LongAdder());
        }
    }

    /** Records sealed to the shared topic (forwarded; committed once the Streams transaction commits). */
    public long sealed() {
        return sealed.sum();
    }

    /** Ingest records dropped as second copies of an event sealed within the dedupe window. */
    public long deduplicated() {
        return deduplicated.sum();
    }

    /**
     * Departments (the quarantine included) that lost a reader in a governance version applied while running: each
     * such loss retires the department's data keys, so its next record gets a fresh one.
     */
    public long revocations() {
        return revocations.sum();
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

    /** Data keys generated (one KMS GenerateDataKey each), the quarantine key's included. */
    public long dataKeysGenerated() {
        return dataKeys.sum();
    }

    /**
     * Records from now on into the metrics of the processor's app as well; every task's processor calls it, and only
     * the first for an app's Streams changes anything.
     */
    void bind(ProcessorContext<?, ?> context) {
        SensorRegistry registry = SensorRegistry.of(context.metrics());
        EncryptorMetrics m = metrics;
        if (m == null || !m.registry().sameAs(registry)) {
            metrics = new EncryptorMetrics(registry, context.applicationId());
        }
        kmsCallSensors.bind(registry, context.applicationId());
    }

    /** What the app registers with its KeyringProvider. */
    KmsCallSensors kmsCallSensors() {
        return kmsCallSensors;
    }

    void countSealed(String department) {
        sealed.increment();
        EncryptorMetrics m = metrics;
        if (m != null) {
            m.sealed(department);
        }
    }

    void countDeduplicated(String department) {
        deduplicated.increment();
        EncryptorMetrics m = metrics;
        if (m != null) {
            m.deduplicated(department);
        }
    }

    /** Called on the governance watcher's thread. */
    void countRevocation(String department) {
        revocations.increment();
        EncryptorMetrics m = metrics;
        if (m != null) {
            m.revocation(department);
        }
    }

    void countDeadLetter(DeadLetterReason reason) {
        deadLettered.get(reason).increment();
        EncryptorMetrics m = metrics;
        if (m != null) {
            m.deadLettered(reason);
        }
    }

    /** What the app registers with its Sealer. */
    void countNewDataKey(String department) {
        dataKeys.increment();
        EncryptorMetrics m = metrics;
        if (m != null) {
            m.newDataKey(department);
        }
    }

    LongAdder kmsRetryCounter() {
        return kmsRetries;
    }

    @Override
    public String toString() {
        return "EncryptorCounters[sealed=" + sealed() + ", deduplicated=" + deduplicated() + ", deadLettered="
                + deadLettered() + ", kmsRetries=" + kmsRetries() + ", dataKeysGenerated=" + dataKeysGenerated()
                + ", revocations=" + revocations() + "]";
    }
}
