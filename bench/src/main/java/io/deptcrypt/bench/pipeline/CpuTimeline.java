package io.deptcrypt.bench.pipeline;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/**
 * Samples this JVM's process CPU time every few milliseconds, so the CPU the broker (and localkms) spent during a
 * worker's measured window can be read back from the window's wall-clock bounds.
 */
final class CpuTimeline implements AutoCloseable {

    private static final int CAPACITY = 1 << 17;
    private static final long PERIOD_MILLIS = 5;

    private final long[] wall = new long[CAPACITY];
    private final long[] cpu = new long[CAPACITY];
    private final Thread sampler;
    private volatile boolean stopped;
    private int count; // guarded by this

    CpuTimeline() {
        sampler = new Thread(this::run, "bench-cpu-timeline");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void run() {
        OperatingSystemMXBean os =
                (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        while (!stopped) {
            long t = System.currentTimeMillis();
            long c = os.getProcessCpuTime();
            synchronized (this) {
                int i = count % CAPACITY;
                wall[i] = t;
                cpu[i] = c;
                count++;
            }
            try {
                Thread.sleep(PERIOD_MILLIS); // sampling period
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Process CPU nanoseconds between two wall-clock instants (epoch ms), or -1 if they are not both sampled. */
    synchronized long cpuNanosBetween(long fromMillis, long toMillis) {
        long a = at(fromMillis);
        long b = at(toMillis);
        return a < 0 || b < 0 ? -1 : b - a;
    }

    /** The CPU reading of the first sample at or after {@code millis}. */
    private long at(long millis) {
        int n = Math.min(count, CAPACITY);
        int start = count - n;
        for (int k = start; k < count; k++) {
            int i = k % CAPACITY;
            if (wall[i] >= millis) {
                return cpu[i];
            }
        }
        return -1;
    }

    @Override
    public void close() {
        stopped = true;
        sampler.interrupt();
    }
}
