package io.deptcrypt.bench.pipeline;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * Where this JVM's CPU went up to a moment: the whole process, the threads of the app under measurement (its stream
 * thread and its producer's network thread, found by the application id in their names), GC pause time and JIT
 * compilation time. The difference of two snapshots attributes a window's cost.
 */
record CostSnapshot(long processCpuNanos, long appThreadsCpuNanos, long gcMillis, long jitMillis) {

    static CostSnapshot take(String applicationId) {
        long process = ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
        long app = 0;
        if (applicationId != null) {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (t != null && t.getThreadName().contains(applicationId)) {
                    long cpu = threads.getThreadCpuTime(t.getThreadId());
                    app += Math.max(0, cpu);
                }
            }
        }
        long gc = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc += Math.max(0, b.getCollectionTime());
        }
        long jit = ManagementFactory.getCompilationMXBean() == null ? 0 : ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        return new CostSnapshot(process, app, gc, jit);
    }
}
