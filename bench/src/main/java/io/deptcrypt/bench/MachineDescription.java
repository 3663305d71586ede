package io.deptcrypt.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The machine a result was measured on; numbers mean little without it.
 *
 * @param cores        processors available to the JVM
 * @param memoryBytes  physical memory
 * @param maxHeapBytes the benchmark JVM's -Xmx
 * @param cpu          CPU model from /proc/cpuinfo, or "unknown"
 * @param jvm          VM name, vendor and runtime version
 * @param os           OS name, version and architecture
 * @param loadAverage  the system load average over the last minute when the run started (other work on the machine
 *                     skews results: on 2 cores anything above ~0.5 before the run means a busy machine)
 */
public record MachineDescription(int cores, long memoryBytes, long maxHeapBytes, String cpu, String jvm, String os,
                                 double loadAverage) {

    public static MachineDescription current() {
        long memory = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            memory = os.getTotalMemorySize();
        }
        return new MachineDescription(
                Runtime.getRuntime().availableProcessors(),
                memory,
                Runtime.getRuntime().maxMemory(),
                cpuModel(),
                System.getProperty("java.vm.name") + " (" + System.getProperty("java.vm.vendor") + ") "
                        + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                Math.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100) / 100.0);
    }

    /** One line for tables: "2 cores AMD EPYC ..., 23.4 GiB, OpenJDK ... 17.0.15, Linux ...". */
    public String oneLine() {
        return cores + " cores " + cpu + ", " + String.format("%.1f GiB", memoryBytes / (double) (1L << 30)) + ", " + jvm + ", " + os;
    }

    private static String cpuModel() {
        Path info = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(info)) {
            return "unknown";
        }
        try (Stream<String> lines = Files.lines(info)) {
            return lines.filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
