package io.deptcrypt.consumers;

import java.util.concurrent.atomic.LongAdder;

/** Live counts of a department consumer's work; safe to read from any thread. */
public final class ConsumerCounters {
    private final LongAdder opened = new LongAdder();
    private final LongAdder ignored = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder kmsRetries = new LongAdder();

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

    /** Retries while KMS was unavailable. */
    public long kmsRetries() {
        return kmsRetries.sum();
    }

    void countOpened() {
        opened.increment();
    }

    void countIgnored() {
        ignored.increment();
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
                + ", deadLettered=" + deadLettered() + ", kmsRetries=" + kmsRetries() + "]";
    }
}
