package io.deptcrypt.runtime;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The command line of a deptcrypt Streams app: {@code --config FILE}, then {@link StreamsAppLauncher#run}. A
 * subclass carries the picocli {@code @Command} (name, description) and says how to load its configuration, which
 * KMS settings it has, how to start the app and how to explain a failure.
 *
 * <p>Exit codes: {@link StreamsAppLauncher#EXIT_OK} after a clean stop (SIGTERM/Ctrl-C),
 * {@link StreamsAppLauncher#EXIT_FAILED} when the app stopped on an error, {@link StreamsAppLauncher#EXIT_CONFIG}
 * for a bad command line, configuration file or Kafka setting.
 *
 * @param <C> the app's configuration
 */
public abstract class StreamsAppCommand<C> implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "the app's properties file (its keys: docs/configuration.md)")
    Path config;

    @Spec
    CommandSpec spec;

    /** Reads and validates the properties file. */
    protected abstract C load(Path file);

    protected abstract KmsSettings kms(C config);

    /** Starts the app; {@code kms} stays open until the app is closed. */
    protected abstract StreamsApp start(C config, KmsClient kms);

    /** Why the app stopped or could not start, in one paragraph (never plaintext). */
    protected abstract String describeFailure(Throwable e);

    @Override
    public Integer call() throws InterruptedException {
        return StreamsAppLauncher.run(spec.name(), config, spec.commandLine().getErr(), this::load, this::kms,
                this::start, this::describeFailure);
    }

    /** Runs the command without exiting the JVM; returns the exit code. */
    public int run(String... args) {
        return new CommandLine(this).execute(args);
    }

    /** As {@link #run(String...)}, writing messages to {@code out} and {@code err}. */
    public int run(PrintWriter out, PrintWriter err, String... args) {
        return new CommandLine(this).setOut(out).setErr(err).execute(args);
    }

    /** What a {@code main} does: CLI log levels, run, and exit with the code unless the app stopped cleanly. */
    protected static void main(StreamsAppCommand<?> command, String... args) {
        CliLogging.applyDefaults();
        int code = command.run(args);
        // After a SIGTERM the JVM is already exiting (System.exit would block); exit explicitly only on failure.
        if (code != StreamsAppLauncher.EXIT_OK) {
            System.exit(code);
        }
    }
}
