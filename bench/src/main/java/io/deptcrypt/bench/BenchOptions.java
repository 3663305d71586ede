package io.deptcrypt.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Command-line options shared by every subcommand; turned into {@link BenchSettings} once. */
public final class BenchOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--quick", description = "Short run (under 5 minutes): fewer events, rounds and JMH iterations.")
    boolean quick;

    @Option(names = "--repo", paramLabel = "DIR",
            description = "Repository root (default: the first directory upwards from here holding config/governance.yaml).")
    Path repo;

    @Option(names = "--governance", paramLabel = "FILE", description = "Governance file (default: <repo>/config/governance.yaml).")
    Path governance;

    @Option(names = "--results", paramLabel = "FILE", description = "Results JSON (default: <repo>/bench/results/latest.json).")
    Path results;

    @Option(names = "--doc", paramLabel = "FILE", description = "Page whose results table is updated (default: <repo>/docs/performance.md).")
    Path doc;

    @Option(names = "--events", paramLabel = "N", description = "1 KB events pre-loaded for throughput runs (default 200000, quick 30000).")
    Integer events;

    @Option(names = "--rounds", paramLabel = "N", description = "Alternating rounds per pair; medians are reported (default 5, quick 3).")
    Integer rounds;

    @Option(names = "--seed-events", paramLabel = "N", description = "Events for the seed's way (default 2000, quick 300).")
    Integer seedEvents;

    @Option(names = "--latency-rate", paramLabel = "EVENTS_PER_S", description = "Fixed offered load of the latency run (default 2000).")
    Integer latencyRate;

    @Option(names = "--latency-seconds", paramLabel = "S", description = "Length of the latency run (default 30, quick 10).")
    Integer latencySeconds;

    @Option(names = "--warmup-passes", paramLabel = "N",
            description = "At most this many warm-up passes of every pipeline variant (default 10, quick 4); they stop"
                    + " earlier once JIT compiling takes at most 25%% of every run.")
    Integer warmupPasses;

    @Option(names = "--include", paramLabel = "REGEX",
            description = "Only the JMH benchmarks whose name matches REGEX (e.g. 'EnvelopeBenchmark.seal').")
    String include;

    @Option(names = "--jfr", paramLabel = "DIR",
            description = "Record a Java Flight Recording of each pipeline worker JVM into DIR/<worker>.jfr (for profiling).")
    Path jfr;

    @Option(names = "--jfr-settings", paramLabel = "NAME_OR_FILE", defaultValue = "profile",
            description = "JFR settings for --jfr: 'profile' (default, 10 ms samples), 'default', or a .jfc file.")
    String jfrSettings;

    BenchSettings settings() {
        Path root = repo != null ? repo.toAbsolutePath().normalize() : findRepo();
        Path gov = governance != null ? governance : root.resolve("config/governance.yaml");
        if (!Files.isRegularFile(gov)) {
            throw new ParameterException(spec.commandLine(), "governance file " + gov + " does not exist (use --governance)");
        }
        BenchSettings s = new BenchSettings(
                quick,
                root,
                gov.toAbsolutePath().normalize(),
                results != null ? results : root.resolve("bench/results/latest.json"),
                doc != null ? doc : root.resolve("docs/performance.md"),
                positive("--events", events, quick ? 30_000 : 200_000),
                positive("--rounds", rounds, quick ? 3 : 5),
                positive("--seed-events", seedEvents, quick ? 300 : 2_000),
                positive("--latency-rate", latencyRate, 2_000),
                positive("--latency-seconds", latencySeconds, quick ? 10 : 30),
                positive("--warmup-passes", warmupPasses, quick ? 4 : 10),
                // one directory per run, so two runs at once never delete each other's broker
                root.resolve(".deptcrypt/bench/run-" + ProcessHandle.current().pid()),
                jfr,
                jfrSettings,
                include);
        return s;
    }

    private int positive(String name, Integer value, int dflt) {
        if (value == null) {
            return dflt;
        }
        if (value <= 0) {
            throw new ParameterException(spec.commandLine(), name + " must be > 0, was " + value);
        }
        return value;
    }

    private Path findRepo() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("config/governance.yaml"))) {
                return p;
            }
        }
        throw new ParameterException(spec.commandLine(),
                "cannot find the repository (no config/governance.yaml here or above " + Path.of("").toAbsolutePath()
                        + "); run from the repository or pass --repo");
    }
}
