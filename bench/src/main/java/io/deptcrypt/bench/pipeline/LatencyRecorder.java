package io.deptcrypt.bench.pipeline;

import io.deptcrypt.bench.pipeline.PipelineResult.Latency;
import java.util.Arrays;

/** Collects (produce timestamp, delivery latency) pairs from several consumer threads. */
final class LatencyRecorder implements Delivery {

    private final long[] sentAt;
    private final long[] latency;
    private int count;

    LatencyRecorder(int capacity) {
        sentAt = new long[capacity];
        latency = new long[capacity];
    }

    @Override
    public synchronized void delivered(long timestampMillis, int valueBytes) {
        if (count < sentAt.length) {
            sentAt[count] = timestampMillis;
            latency[count] = System.currentTimeMillis() - timestampMillis;
        }
        count++;
    }

    synchronized int count() {
        return count;
    }

    /** Percentiles over the events sent at or after {@code fromMillis} (earlier ones are warm-up). */
    synchronized Latency summary(String path, int rate, int seconds, long fromMillis) {
        int n = Math.min(count, sentAt.length);
        double[] kept = new double[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (sentAt[i] >= fromMillis) {
                kept[k++] = latency[i];
            }
        }
        double[] v = Arrays.copyOf(kept, k);
        return new Latency(path, rate, seconds, count, k, Stats.percentile(v, 50), Stats.percentile(v, 99),
                Stats.percentile(v, 100));
    }
}
