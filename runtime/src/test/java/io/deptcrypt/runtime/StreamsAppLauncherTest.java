package io.deptcrypt.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;

/** Every way an app's command line can end, and the exit code and message each gives. */
class StreamsAppLauncherTest {

    private static final Path FILE = Path.of("config/app.properties");
    private static final KmsSettings KMS = new KmsSettings(Optional.of(URI.create("http://127.0.0.1:1")), "us-east-1",
            Optional.of(new KmsSettings.StaticCredentials("AKIDEXAMPLE", "secret", Optional.empty())), Duration.ofSeconds(1));

    private final StringWriter err = new StringWriter();
    private final RecordingHooks hooks = new RecordingHooks();

    /** Records what a run adds and removes instead of touching the JVM's hooks. */
    static final class RecordingHooks implements StreamsAppLauncher.ShutdownHooks {
        final List<Thread> added = new ArrayList<>();
        final List<Thread> removed = new ArrayList<>();

        @Override
        public void add(Thread hook) {
            added.add(hook);
        }

        @Override
        public void remove(Thread hook) {
            removed.add(hook);
        }
    }

    private int run(StreamsAppLauncher.ConfigLoader<String> loader, BiFunction<String, KmsClient, StreamsApp> starter)
            throws InterruptedException {
        return StreamsAppLauncher.run("deptcrypt-test", FILE, new PrintWriter(err), loader, cfg -> KMS, starter,
                e -> "because " + e.getMessage(), hooks);
    }

    /** An app that has already stopped, with or without a failure. */
    private static StreamsApp stopped(KafkaStreams.State end, Throwable failure, AtomicBoolean closed) {
        return new StreamsApp() {
            @Override
            public KafkaStreams.State awaitTermination() {
                return end;
            }

            @Override
            public Optional<Throwable> failure() {
                return Optional.ofNullable(failure);
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };
    }

    @Test
    void badConfigurationFileExitsTwoWithTheLoadersMessage() throws Exception {
        int code = run(f -> {
            throw new InvalidConfigException(f + ": kms.region: 'mars' is not an AWS region");
        }, (c, k) -> {
            throw new AssertionError("must not start");
        });
        assertThat(code).isEqualTo(StreamsAppLauncher.EXIT_CONFIG);
        assertThat(err.toString()).isEqualTo("deptcrypt-test: config/app.properties: kms.region: 'mars' is not an AWS region"
                + System.lineSeparator());
    }

    @Test
    void invalidKafkaSettingExitsTwoNamingTheFile() throws Exception {
        int code = run(f -> "cfg", (c, k) -> {
            throw new ConfigException("batch.size", "-1", "must be >= 0");
        });
        assertThat(code).isEqualTo(StreamsAppLauncher.EXIT_CONFIG);
        assertThat(err.toString()).startsWith("deptcrypt-test: config/app.properties: a Kafka setting is invalid: ")
                .contains("batch.size");
    }

    @Test
    void failureToStartExitsOneWithTheAppsExplanation() throws Exception {
        int code = run(f -> "cfg", (c, k) -> {
            throw new IllegalStateException("broker unreachable");
        });
        assertThat(code).isEqualTo(StreamsAppLauncher.EXIT_FAILED);
        assertThat(err.toString()).contains("deptcrypt-test: cannot start: because broker unreachable");
    }

    @Test
    void appStoppedByAFailureExitsOneAndIsClosed() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        int code = run(f -> "cfg", (c, k) -> stopped(KafkaStreams.State.ERROR, new RuntimeException("KMS denied"), closed));
        assertThat(code).isEqualTo(StreamsAppLauncher.EXIT_FAILED);
        assertThat(err.toString()).contains("deptcrypt-test: stopped: because KMS denied");
        assertThat(closed).isTrue();
    }

    @Test
    void appInErrorStateWithoutARecordedFailureStillExitsOne() throws Exception {
        int code = run(f -> "cfg", (c, k) -> stopped(KafkaStreams.State.ERROR, null, new AtomicBoolean()));
        assertThat(code).isEqualTo(StreamsAppLauncher.EXIT_FAILED);
        assertThat(err.toString()).contains("Kafka Streams entered state ERROR");
    }

    @Test
    void cleanStopExitsZeroSilently() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        int code = run(f -> "cfg", (c, k) -> stopped(KafkaStreams.State.NOT_RUNNING, null, closed));
        assertThat(code).isEqualTo(StreamsAppLauncher.EXIT_OK);
        assertThat(err.toString()).isEmpty();
        assertThat(closed).isTrue();
    }

    @Test
    void everyRunRemovesTheShutdownHookItAddedAndTheHookClosesTheApp() throws Exception {
        AtomicBoolean closedByHook = new AtomicBoolean();
        run(f -> "cfg", (c, k) -> stopped(KafkaStreams.State.NOT_RUNNING, null, closedByHook));
        run(f -> "cfg", (c, k) -> stopped(KafkaStreams.State.ERROR, new RuntimeException("x"), new AtomicBoolean()));
        assertThat(hooks.added).hasSize(2);
        assertThat(hooks.removed).containsExactlyElementsOf(hooks.added);
        assertThat(hooks.added.get(0).getName()).isEqualTo("deptcrypt-test-shutdown");

        closedByHook.set(false);
        hooks.added.get(0).run(); // what the JVM does on SIGTERM
        assertThat(closedByHook).isTrue();
    }

    @Test
    void aRunThatNeverStartedAnAppAddsNoHook() throws Exception {
        run(f -> {
            throw new InvalidConfigException("bad");
        }, (c, k) -> {
            throw new AssertionError("must not start");
        });
        run(f -> "cfg", (c, k) -> {
            throw new IllegalStateException("broker unreachable");
        });
        assertThat(hooks.added).isEmpty();
        assertThat(hooks.removed).isEmpty();
    }
}
