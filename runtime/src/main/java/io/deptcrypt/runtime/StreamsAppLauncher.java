package io.deptcrypt.runtime;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * What every deptcrypt app's command line does after parsing its options: load the properties file, open the KMS
 * client, start the app, wait until it stops, and turn the outcome into an exit code with a one-line message.
 * <p>
 * Exit codes: {@link #EXIT_OK} after a clean stop (SIGTERM/Ctrl-C), {@link #EXIT_FAILED} when the app stopped on an
 * error, {@link #EXIT_CONFIG} for a bad configuration file or Kafka setting.
 */
public final class StreamsAppLauncher {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_CONFIG = 2;

    /** Loads and validates an app's configuration. */
    @FunctionalInterface
    public interface ConfigLoader<C> {
        C load(Path file) throws InvalidConfigException;
    }

    private StreamsAppLauncher() {}

    /**
     * @param program  the CLI's name, prefixed to every message and naming the shutdown-hook thread
     * @param file     the properties file
     * @param err      where messages go
     * @param loader   reads {@code file}
     * @param kms      the KMS settings of a loaded configuration
     * @param starter  starts the app with its configuration and an open KMS client (closed after the app)
     * @param describe explains a failure in one paragraph (never plaintext)
     */
    public static <C> int run(String program, Path file, PrintWriter err, ConfigLoader<C> loader,
                              Function<C, KmsSettings> kms, BiFunction<C, KmsClient, StreamsApp> starter,
                              Function<Throwable, String> describe) throws InterruptedException {
        return run(program, file, err, loader, kms, starter, describe, ShutdownHooks.JVM);
    }

    /** As above, registering the stop-on-SIGTERM hook with {@code hooks}. */
    static <C> int run(String program, Path file, PrintWriter err, ConfigLoader<C> loader,
                       Function<C, KmsSettings> kms, BiFunction<C, KmsClient, StreamsApp> starter,
                       Function<Throwable, String> describe, ShutdownHooks hooks) throws InterruptedException {
        C cfg;
        try {
            cfg = loader.load(file);
        } catch (InvalidConfigException e) {
            return report(err, program, e.getMessage(), EXIT_CONFIG);
        }
        try (KmsClient client = kms.apply(cfg).newClient()) {
            StreamsApp app;
            try {
                app = starter.apply(cfg, client);
            } catch (ConfigException e) {
                return report(err, program, file + ": a Kafka setting is invalid: " + e.getMessage(), EXIT_CONFIG);
            } catch (RuntimeException e) {
                return report(err, program, "cannot start: " + describe.apply(e), EXIT_FAILED);
            }
            Thread hook = new Thread(app::close, program + "-shutdown");
            hooks.add(hook);
            try (app) {
                KafkaStreams.State end = app.awaitTermination();
                if (app.failure().isPresent() || end == KafkaStreams.State.ERROR) {
                    return report(err, program, "stopped: " + app.failure().map(describe)
                            .orElse("Kafka Streams entered state " + end), EXIT_FAILED);
                }
                return EXIT_OK;
            } finally {
                // A run in a JVM that goes on (tests, an embedding process) must not leave a hook per run behind.
                hooks.remove(hook);
            }
        }
    }

    /** The JVM's shutdown hooks; a seam so that tests can see each run remove the hook it added. */
    interface ShutdownHooks {
        void add(Thread hook);

        void remove(Thread hook);

        ShutdownHooks JVM = new ShutdownHooks() {
            @Override
            public void add(Thread hook) {
                Runtime.getRuntime().addShutdownHook(hook);
            }

            @Override
            public void remove(Thread hook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // The JVM is shutting down (SIGTERM): the hook is running or has run, nothing to remove.
                }
            }
        };
    }

    private static int report(PrintWriter err, String program, String message, int code) {
        err.println(program + ": " + message);
        err.flush();
        return code;
    }
}
