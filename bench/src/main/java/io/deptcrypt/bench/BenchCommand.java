package io.deptcrypt.bench;

import io.deptcrypt.bench.kms.KmsLoadCommand;
import io.deptcrypt.bench.micro.MicroSuite;
import io.deptcrypt.bench.pipeline.PipelineSuite;
import io.deptcrypt.bench.sqs.SqsBenchCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code java -jar bench/target/deptcrypt-bench.jar [micro|pipeline|all] [--quick]}; {@code ./deptcrypt bench}
 * passes its arguments here, so {@code bench} is accepted as another name for {@code all}. {@code sqs} (the SQS
 * connector's throughput, not part of {@code all}) is {@link SqsBenchCommand}.
 */
@Command(name = "deptcrypt-bench", mixinStandardHelpOptions = true,
        description = "What encryption costs against plaintext: JMH microbenchmarks and a side-by-side pipeline benchmark.",
        subcommands = {BenchCommand.Micro.class, BenchCommand.Pipeline.class, BenchCommand.All.class, SqsBenchCommand.class,
                KmsLoadCommand.class})
public final class BenchCommand implements Callable<Integer> {

    @Mixin
    BenchOptions options;

    public static void main(String[] args) {
        // Kafka, Streams and the broker log a lot at INFO; the benchmark prints its own progress.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        // Kafka 4.4 warns once per Streams app about a handler deptcrypt does not use; dozens of apps start here.
        if (System.getProperty("org.slf4j.simpleLogger.log.org.apache.kafka.streams.StreamsConfig") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka.streams.StreamsConfig", "error");
        }
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new BenchCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    /** No subcommand: everything. */
    @Override
    public Integer call() throws Exception {
        return run(options, true, true);
    }

    static int run(BenchOptions options, boolean micro, boolean pipeline) throws Exception {
        BenchSettings settings = options.settings();
        ResultsFile results = ResultsFile.open(settings.resultsFile());
        results.machine(MachineDescription.current());
        results.run(settings, micro, pipeline);
        if (micro) {
            results.micro(MicroSuite.run(settings));
            results.write(); // keep what is measured even if the pipeline fails later
        }
        if (pipeline) {
            results.pipeline(PipelineSuite.run(settings));
        }
        results.write();
        PerformanceDoc.update(settings.docFile(), results);
        System.out.println();
        System.out.println(results.summary());
        System.out.println("wrote " + settings.resultsFile() + " and updated " + settings.docFile());
        return 0;
    }

    @Command(name = "micro", mixinStandardHelpOptions = true,
            description = "JMH: seal and open one event (1, 10, 100 KB) in each format, the seed's way, and bare AES-GCM.")
    static final class Micro implements Callable<Integer> {
        @Mixin
        BenchOptions options;

        @Override
        public Integer call() throws Exception {
            return run(options, true, false);
        }
    }

    @Command(name = "pipeline", mixinStandardHelpOptions = true,
            description = "Embedded broker + localkms: plaintext vs encrypted topology and consumer, the seed's way, latency.")
    static final class Pipeline implements Callable<Integer> {
        @Mixin
        BenchOptions options;

        @Override
        public Integer call() throws Exception {
            return run(options, false, true);
        }
    }

    @Command(name = "all", aliases = "bench", mixinStandardHelpOptions = true,
            description = "micro, then pipeline (the default).")
    static final class All implements Callable<Integer> {
        @Mixin
        BenchOptions options;

        @Override
        public Integer call() throws Exception {
            return run(options, true, true);
        }
    }
}
