package io.deptcrypt.bench.sqs;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code deptcrypt-bench sqs}: runs {@link SqsThroughputBench} in a JVM of its own whose class path is this one plus
 * {@code sqs-bench-lib/} (Connect, ElasticMQ and the connector, next to the bench jar), so that the pipeline
 * benchmark's jar carries none of them.
 */
@Command(name = "sqs", mixinStandardHelpOptions = true,
        description = "The SQS source connector (1 task) against ElasticMQ's own ceiling (bare receive+delete loops), "
                + "on an in-process broker, ElasticMQ and Connect worker. Prints the rates; writes no results file.")
public final class SqsBenchCommand implements Callable<Integer> {

    /** Where the bench module's build puts the SQS benchmark's extra class path, next to its jar or classes. */
    static final String LIB_DIR = "sqs-bench-lib";

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "Short run: 2000 messages, 1 round.")
    boolean quick;

    @Option(names = "--messages", paramLabel = "N", description = "Messages preloaded per timed run (default 10000, quick 2000).")
    Integer messages;

    @Option(names = "--concurrency", paramLabel = "N",
            description = "Threads of the bare loop and receivers of the connector (default 8, at most 64); a second bare loop uses twice as many.")
    Integer concurrency;

    @Option(names = "--rounds", paramLabel = "N", description = "Rounds of each measurement; the best is reported (default 2, quick 1).")
    Integer rounds;

    @Override
    public Integer call() throws IOException, InterruptedException {
        SqsBenchSettings settings = settings();
        Process child = new ProcessBuilder(childCommand(settings, libDir())).inheritIO().start();
        return child.waitFor();
    }

    SqsBenchSettings settings() {
        int m = positive("--messages", messages, quick ? 2_000 : 10_000);
        int c = positive("--concurrency", concurrency, 8);
        int r = positive("--rounds", rounds, quick ? 1 : 2);
        if (c > SqsBenchSettings.MAX_CONCURRENCY) {
            throw new ParameterException(spec.commandLine(), "--concurrency must be at most " + SqsBenchSettings.MAX_CONCURRENCY
                    + " (the connector's sqs.receivers limit), was " + c);
        }
        return new SqsBenchSettings(m, c, r);
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

    /** The directory next to the jar (or classes directory) this class was loaded from; refused when it is empty. */
    Path libDir() throws IOException {
        Path lib;
        try {
            lib = Path.of(SqsBenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent().resolve(LIB_DIR);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the bench jar", e);
        }
        boolean hasJars;
        try (Stream<Path> files = Files.isDirectory(lib) ? Files.list(lib) : Stream.empty()) {
            hasJars = files.anyMatch(f -> f.toString().endsWith(".jar"));
        }
        if (!hasJars) {
            throw new ParameterException(spec.commandLine(), lib + " holds no jars: the SQS benchmark needs Connect and "
                    + "ElasticMQ there; build it with `mvn -pl bench -am package -DskipTests` (or `./deptcrypt build`)");
        }
        return lib;
    }

    /** java, this JVM's heap and system-property options, this class path plus {@code lib/*}, the benchmark and its arguments. */
    static List<String> childCommand(SqsBenchSettings settings, Path lib) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-X") || a.startsWith("-D"))
                .forEach(cmd::add);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path") + File.pathSeparator + lib.resolve("*"));
        cmd.add(SqsThroughputBench.class.getName());
        cmd.addAll(settings.toArgs());
        return cmd;
    }
}
