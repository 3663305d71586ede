package io.deptcrypt.bench.pipeline;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Times one run of an app: when it passed the milestones of {@link Window}, polling with a deadline. */
final class RunMeasurer {

    static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);

    private RunMeasurer() {}

    /**
     * Polls until {@code app} has processed {@code count} records and {@code done} holds, noting when it passed each
     * milestone of {@link Window}.
     */
    static Window measure(RunningApp app, String applicationId, long t0, long count, BooleanSupplier done)
            throws InterruptedException {
        long deadline = t0 + RUN_TIMEOUT.toNanos();
        long low = Math.round(count * 0.1);
        long high = Math.round(count * 0.9);
        long first = 0;
        long at10 = 0;
        long at90 = 0;
        long all = 0;
        CostSnapshot cost10 = null;
        CostSnapshot cost90 = null;
        while (true) {
            long now = System.nanoTime();
            long p = app.progress();
            if (first == 0 && p > 0) {
                first = now;
            }
            if (at10 == 0 && p >= low) {
                at10 = now;
                cost10 = CostSnapshot.take(applicationId);
            }
            if (at90 == 0 && p >= high) {
                at90 = now;
                cost90 = CostSnapshot.take(applicationId);
            }
            if (all == 0 && p >= count) {
                all = now;
            }
            if (p >= count && done.getAsBoolean()) {
                return new Window(t0, first, at10, at90, all, System.nanoTime(), cost10, cost90);
            }
            if (app.failure().isPresent()) {
                throw new IllegalStateException("the app under measurement failed", app.failure().get());
            }
            if (now > deadline) {
                throw new IllegalStateException("timed out after " + RUN_TIMEOUT + " with " + p + " of " + count + " records processed");
            }
            Thread.sleep(p >= count ? 5 : 1); // polling interval
        }
    }

    /** Whether {@code group} has committed up to {@code ends} on every partition that has records. */
    static boolean committed(Admin admin, String group, Map<TopicPartition, Long> ends) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            for (var e : ends.entrySet()) {
                OffsetAndMetadata c = offsets.get(e.getKey());
                if (e.getValue() > 0 && (c == null || c.offset() < e.getValue())) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            return false; // the group may not exist yet
        }
    }
}
