package io.deptcrypt.bench.pipeline;

import java.util.Locale;

/**
 * When a run under measurement passed its milestones (System.nanoTime). The steady rate counts the records between
 * 10% and 90% of the input, leaving out start-up, the first data-key fetch and the final commit; the whole-run rate
 * runs from the first record processed to completion (for topologies: all input offsets committed). The cost
 * snapshots at 10% and 90% attribute the steady window's CPU.
 */
record Window(long started, long first, long at10, long at90, long allProcessed, long done, CostSnapshot costAt10,
              CostSnapshot costAt90) {

    double steadyRate(long count) {
        long records = Math.round(count * 0.9) - Math.round(count * 0.1);
        return records / ((at90 - at10) / 1e9);
    }

    /**
     * Process CPU time (every thread of this JVM: apps, broker, GC, JIT) per record over the steady window, in
     * microseconds. Other processes on the machine steal wall time but not this, so it is the noise-robust figure.
     */
    double cpuMicrosPerRecord(long count) {
        long records = Math.round(count * 0.9) - Math.round(count * 0.1);
        return (costAt90.processCpuNanos() - costAt10.processCpuNanos()) / 1e3 / records;
    }

    /** CPU of the app's own threads (stream thread, producer network thread) per record over the steady window, in µs. */
    double appThreadsCpuMicrosPerRecord(long count) {
        long records = Math.round(count * 0.9) - Math.round(count * 0.1);
        return (costAt90.appThreadsCpuNanos() - costAt10.appThreadsCpuNanos()) / 1e3 / records;
    }

    /** Wall-clock (epoch ms) bounds of the steady window, so another JVM can attribute its own CPU to it. */
    long at10EpochMillis() {
        return System.currentTimeMillis() - (System.nanoTime() - at10) / 1_000_000;
    }

    long at90EpochMillis() {
        return System.currentTimeMillis() - (System.nanoTime() - at90) / 1_000_000;
    }

    /** GC pause and JIT compilation milliseconds during the steady window. */
    String gcAndJit() {
        return "GC " + (costAt90.gcMillis() - costAt10.gcMillis()) + " ms, JIT " + (costAt90.jitMillis() - costAt10.jitMillis()) + " ms";
    }

    double wholeRunRate(long count) {
        return count / ((done - first) / 1e9);
    }

    double wholeRunSeconds() {
        return (done - first) / 1e9;
    }

    /** Where the whole run's time went, for the log: start-up, first 10%, middle 80%, last 10%, final commit. */
    String breakdown() {
        return String.format(Locale.ROOT, "start %.0f ms, head %.0f ms, steady %.0f ms, tail %.0f ms, commit %.0f ms",
                (first - started) / 1e6, (at10 - first) / 1e6, (at90 - at10) / 1e6, (allProcessed - at90) / 1e6,
                (done - allProcessed) / 1e6);
    }
}
