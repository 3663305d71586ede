package io.deptcrypt.consumers;

import io.deptcrypt.crypto.KmsKeyringProvider;
import io.deptcrypt.runtime.CliLogging;
import io.deptcrypt.runtime.InvalidConfigException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * {@code java -jar consumers/target/deptcrypt-consumer.jar --config config/finance-consumer.properties}.
 * Exit codes: 0 after a clean stop (SIGTERM/Ctrl-C), 1 when the consumer stopped on an error (a record it cannot
 * open under failure.action=FAIL, KMS access denied), 2 for a bad command line or configuration.
 */
@Command(name = "deptcrypt-consumer", mixinStandardHelpOptions = true, version = "deptcrypt-consumer 0.1.0",
        description = "A deptcrypt department consumer: reads its department's events from the shared topic and opens them.")
public final class ConsumerCli implements Callable<Integer> {

    public static final int EXIT_FAILED = 1;
    public static final int EXIT_CONFIG = 2;

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "consumer properties file, e.g. config/finance-consumer.properties")
    Path config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CliLogging.applyDefaults();
        int code = run(args);
        // After a SIGTERM the JVM is already exiting (System.exit would block); exit explicitly only on failure.
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs the CLI without exiting the JVM; returns the exit code. */
    public static int run(String... args) {
        return new CommandLine(new ConsumerCli()).execute(args);
    }

    /** As {@link #run(String...)}, writing messages to {@code out} and {@code err}. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return new CommandLine(new ConsumerCli()).setOut(out).setErr(err).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        DepartmentConsumerConfig cfg;
        try {
            cfg = DepartmentConsumerConfig.load(config);
        } catch (InvalidConfigException e) {
            return report(err, e.getMessage(), EXIT_CONFIG);
        }
        try (KmsClient kms = cfg.kms().newClient()) {
            DepartmentConsumerApp app;
            try {
                app = DepartmentConsumerApp.start(cfg, new KmsKeyringProvider(kms, cfg.governance()), null);
            } catch (ConfigException e) {
                return report(err, config + ": a Kafka setting is invalid: " + e.getMessage(), EXIT_CONFIG);
            } catch (RuntimeException e) {
                return report(err, "cannot start: " + DepartmentConsumerApp.describeFailure(e), EXIT_FAILED);
            }
            try (app) {
                Runtime.getRuntime().addShutdownHook(new Thread(app::close, "deptcrypt-consumer-shutdown"));
                KafkaStreams.State end = app.awaitTermination();
                if (app.failure().isPresent() || end == KafkaStreams.State.ERROR) {
                    return report(err, "stopped: " + app.failure().map(DepartmentConsumerApp::describeFailure)
                            .orElse("Kafka Streams entered state " + end), EXIT_FAILED);
                }
                return 0;
            }
        }
    }

    private static int report(PrintWriter err, String message, int code) {
        err.println("deptcrypt-consumer: " + message);
        err.flush();
        return code;
    }
}
