package io.deptcrypt.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.runtime.StreamsApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;

/** Whatever way an app's start fails, the app and its KMS client are closed; a stop closes both, the app first. */
class RestartableAppTest {

    private static final Governance GOVERNANCE = GovernanceLoader.load(Path.of("").toAbsolutePath().getParent()
            .resolve("config/governance.yaml"));

    /** What was closed, in order. */
    private final List<String> closed = new CopyOnWriteArrayList<>();
    private int started;

    private final class FakeKms implements KmsClient {
        private final String name;

        FakeKms(String name) {
            this.name = name;
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
            closed.add(name);
        }
    }

    private final class FakeApp implements StreamsApp {
        private final String name;

        FakeApp(String name) {
            this.name = name;
        }

        @Override
        public KafkaStreams.State awaitTermination() {
            return KafkaStreams.State.NOT_RUNNING;
        }

        @Override
        public Optional<Throwable> failure() {
            return Optional.empty();
        }

        @Override
        public void close() {
            closed.add(name);
        }
    }

    private RestartableApp<FakeApp> app(Function<Integer, FakeApp> start, AppRecipe.Readiness<FakeApp> readiness) {
        return new RestartableApp<>("encryptor", () -> {
            int n = ++started;
            return new AppRecipe<>("details", () -> new FakeKms("kms " + n), keyrings -> start.apply(n), readiness,
                    a -> KafkaStreams.State.REBALANCING, e -> "described: " + e.getMessage());
        }, GOVERNANCE, Duration.ofMillis(50));
    }

    @Test
    void aStartThatTimesOutClosesTheAppAndItsKmsClientAndCanBeRetried() throws Exception {
        RestartableApp<FakeApp> app = app(n -> new FakeApp("app " + n), (a, timeout) -> started > 1);

        assertThatThrownBy(app::start).isInstanceOf(StackException.class)
                .hasMessage("encryptor not RUNNING within PT0.05S (state REBALANCING)");
        assertThat(closed).containsExactly("app 1", "kms 1");
        assertThat(app.running()).isEmpty();

        RestartableApp.Instance<FakeApp> second = app.start();
        assertThat(second.app().name).isEqualTo("app 2");
        assertThat(app.running()).containsSame(second);
        assertThat(closed).containsExactly("app 1", "kms 1");
    }

    @Test
    void anAppThatStopsBeforeRunningIsClosedWithItsKmsClient() {
        RestartableApp<FakeApp> app = app(n -> new FakeApp("app " + n), (a, timeout) -> {
            throw new IllegalStateException("deptcrypt encryptor stopped before running (state ERROR)");
        });

        assertThatThrownBy(app::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("stopped before running");
        assertThat(closed).containsExactly("app 1", "kms 1");
    }

    @Test
    void anInterruptedStartClosesTheAppAndItsKmsClient() {
        RestartableApp<FakeApp> app = app(n -> new FakeApp("app " + n), (a, timeout) -> {
            throw new InterruptedException("stack stopping");
        });

        assertThatThrownBy(app::start).isInstanceOf(InterruptedException.class);
        assertThat(closed).containsExactly("app 1", "kms 1");
    }

    @Test
    void anAppThatCannotStartClosesItsKmsClientAndTheMessageExplainsWhy() {
        RestartableApp<FakeApp> app = app(n -> {
            throw new IllegalArgumentException("topic deptcrypt.ingest does not exist");
        }, (a, timeout) -> true);

        assertThatThrownBy(app::start).isInstanceOf(StackException.class)
                .hasMessage("encryptor: described: topic deptcrypt.ingest does not exist");
        assertThat(closed).containsExactly("kms 1");
    }

    @Test
    void stopClosesTheAppBeforeItsKmsClientOnceAndAllowsANewStart() throws Exception {
        RestartableApp<FakeApp> app = app(n -> new FakeApp("app " + n), (a, timeout) -> true);
        app.start();
        assertThatThrownBy(app::start).isInstanceOf(IllegalStateException.class).hasMessage("the encryptor is already running");

        app.stop();
        app.stop();
        assertThat(closed).containsExactly("app 1", "kms 1");
        assertThat(app.running()).isEmpty();
        assertThat(app.start().app().name).isEqualTo("app 2");
    }
}
