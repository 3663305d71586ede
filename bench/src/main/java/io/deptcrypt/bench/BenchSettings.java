package io.deptcrypt.bench;

import java.nio.file.Path;

/**
 * What one benchmark run does, decided once from the command line.
 *
 * @param quick          short run: fewer events, rounds and JMH iterations
 * @param repo           repository root
 * @param governance     the governance file localkms and the apps are started from
 * @param resultsFile    where latest.json is written
 * @param docFile        the page whose results table is updated
 * @param events         1 KB events pre-loaded for the throughput pairs
 * @param rounds         alternating rounds per pair
 * @param seedEvents     events pushed through the seed's way
 * @param latencyRate    offered load (events/s) of the latency run
 * @param latencySeconds length of the latency run
 * @param warmupPasses   warm-up passes of every pipeline variant, in its worker JVM, before the rounds
 * @param workDir        broker logs and localkms state (deleted after the run)
 * @param jfr            a directory for one flight recording per pipeline worker JVM, or null
 * @param jfrSettings    JFR settings name or .jfc file for those recordings
 * @param microInclude   a regex restricting the JMH benchmarks, or null for all
 */
public record BenchSettings(
        boolean quick,
        Path repo,
        Path governance,
        Path resultsFile,
        Path docFile,
        int events,
        int rounds,
        int seedEvents,
        int latencyRate,
        int latencySeconds,
        int warmupPasses,
        Path workDir,
        Path jfr,
        String jfrSettings,
        String microInclude) {

    /** The command that reproduces this run, as written in results and docs. */
    public String command() {
        return quick ? "./deptcrypt bench --quick" : "./deptcrypt bench";
    }

    /** The command that reproduces one suite alone. */
    public String command(String suite) {
        return "java -jar bench/target/deptcrypt-bench.jar " + suite + (quick ? " --quick" : "");
    }
}
