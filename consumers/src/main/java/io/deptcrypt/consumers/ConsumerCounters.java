package io.deptcrypt.consumers;

import io.deptcrypt.runtime.KmsCallSensors;
import io.deptcrypt.runtime.SensorRegistry;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Live counts of a department consumer's work; safe to read from any thread. Once a processor has {@link #bind bound}
 * them to the app's Kafka Streams metrics, each count is also recorded there ({@link ConsumerMetrics}), as are the
 * KMS calls ({@link #kmsCallSensors()}).
 */
public final class ConsumerCounters {
    private final LongAdder opened = new LongAdder();
    private final LongAdder ignored = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder kmsRetries = new LongAdder();
    private final LongAdder openFailed = new LongAdder();
    private final LongAdder revocations = new LongAdder();
    private final KmsCallSensors kmsCallSensors = new KmsCallSensors();
    private volatile ConsumerMetrics metrics;

    /** Records of this department opened and handed to the sink(s). */
    public long opened() {
        return opened.sum();
    }

    /** Records of other departments, passed over without decoding their values. */
    public long ignored() {
        return ignored.sum();
    }

    /** Records of this department that could not be opened and were skipped (failure.action=SKIP). */
    public long skipped() {
        return skipped.sum();
    }

    /** Records of this department that could not be opened and were forwarded sealed (failure.action=DEAD_LETTER). */
    public long deadLettered() {
        return deadLettered.sum();
    }

    /** Records of this department that could not be opened, whatever the failure action. */
    public long openFailed() {
        return openFailed.sum();
    }

    /** Retries while KMS was unavailable. */
    /** Governance versions applied while running that took this application's read access to its department away. */
    public long revocations() {
        return revocations.sum();
    }

    public long kmsRetries() {
        return kmsRetries.sum();
    }

    /**
     * Records from now on into the metrics of the processor's app as well; every task's processor calls it, and only
     * the first for an app's Streams changes anything.
     */
    void bind(ProcessorContext<?, ?> context, String department) {
        SensorRegistry registry = SensorRegistry.of(context.metrics());
        ConsumerMetrics m = metrics;
        if (m == null || !m.registry().sameAs(registry)) {
            metrics = new ConsumerMetrics(registry, context.applicationId(), department);
        }
        kmsCallSensors.bind(registry, context.applicationId());
    }

    /** What the app registers with its KeyringProvider. */
    KmsCallSensors kmsCallSensors() {
        return kmsCallSensors;
    }

    void countOpened() {
        opened.increment();
        ConsumerMetrics m = metrics;
        if (m != null) {
            m.opened();
        }
    }

    void countIgnored() {
        ignored.increment();
        ConsumerMetrics m = metrics;
        if (m != null) {
            m.ignored();
        }
    }

    void countOpenFailed(OpenFailureReason reason) {
        openFailed.increment();
        ConsumerMetrics m = metrics;
        if (m != null) {
            m.openFailed(reason);
        }
    }

    /** Called on the governance watcher's thread. */
    void countRevocation() {
        revocations.increment();
        ConsumerMetrics m = metrics;
        if (m != null) {
            m.revocation();
        }
    }

    void countSkipped() {
        skipped.increment();
    }

    void countDeadLettered() {
        deadLettered.increment();
    }

    LongAdder kmsRetryCounter() {
        return kmsRetries;
    }

    @Override
    public String toString() {
        return "ConsumerCounters[opened=" + opened() + ", ignored=" + ignored() + ", skipped=" + skipped()
                + ", deadLettered=" + deadLettered() + ", openFailed=" + openFailed() + ", kmsRetries=" + kmsRetries()
                + ", revocations=" + revocations() + "]";
    }
}
