package io.deptcrypt.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Which stop signals this process ignores. A job that a script starts in the background inherits SIGINT (and
 * SIGQUIT) ignored, and a JVM cannot undo that: its shutdown hooks then run on SIGTERM and SIGHUP only. The launcher
 * resets SIGINT where it can ({@code env --default-signal}); this tells {@code up} whether it worked. Linux only
 * ({@code /proc/self/status}); elsewhere nothing is known and nothing is reported.
 */
final class IgnoredSignals {

    private static final int SIGINT = 2;

    private IgnoredSignals() {}

    /** True if this process is known to ignore SIGINT. */
    static boolean sigint() {
        try {
            return sigint(Files.readAllLines(Path.of("/proc/self/status")));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** From the lines of a {@code /proc/<pid>/status} file: the {@code SigIgn} mask has bit {@code SIGINT - 1} set. */
    static boolean sigint(List<String> status) {
        for (String line : status) {
            if (line.startsWith("SigIgn:")) {
                long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
                return (mask & (1L << (SIGINT - 1))) != 0;
            }
        }
        return false;
    }
}
