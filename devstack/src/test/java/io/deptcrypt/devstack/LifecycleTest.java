package io.deptcrypt.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class LifecycleTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Lifecycle lifecycle = new Lifecycle(new Console(new PrintStream(out, true), false));
    private final List<String> stopped = new CopyOnWriteArrayList<>();

    private String start(String name) {
        return lifecycle.start(name, () -> name, stopped::add, n -> "at " + n);
    }

    @Test
    void stopsInReverseOrderOfStartAndReportsReadiness() {
        start("broker");
        lifecycle.startTogether(() -> start("encryptor"), () -> start("consumer"));
        start("connector");

        lifecycle.close();

        assertThat(stopped).hasSize(4);
        assertThat(stopped.get(0)).isEqualTo("connector");
        assertThat(stopped.subList(1, 3)).containsExactlyInAnyOrder("encryptor", "consumer");
        assertThat(stopped.get(3)).isEqualTo("broker");
        assertThat(lifecycle.started()).extracting(Lifecycle.Started::name).contains("broker", "encryptor", "consumer", "connector");
        assertThat(out.toString()).contains("ready    broker").contains("at broker").contains("stopped  connector");
    }

    @Test
    void aFailedStartNamesTheComponentAndTheOthersInItsGroupStillFinish() {
        start("broker");
        assertThatThrownBy(() -> lifecycle.startTogether(
                () -> start("encryptor"),
                () -> lifecycle.start("kms", () -> {
                    throw new IllegalStateException("port 4599 in use");
                }, x -> { }, x -> "")))
                .isInstanceOf(StackException.class)
                .hasMessage("kms failed to start: port 4599 in use");

        lifecycle.close();
        assertThat(stopped).containsExactlyInAnyOrder("encryptor", "broker");
        assertThat(stopped.get(stopped.size() - 1)).isEqualTo("broker");
        assertThat(out.toString()).contains("FAILED   kms");
    }

    @Test
    void closeIsIdempotentAndRefusesLaterStarts() {
        start("broker");
        lifecycle.close();
        lifecycle.close();
        assertThat(stopped).containsExactly("broker");
        assertThatThrownBy(() -> start("late")).isInstanceOf(IllegalStateException.class).hasMessageContaining("late");
    }

    @Test
    void aStopFailureDoesNotPreventTheOthers() {
        start("broker");
        lifecycle.start("flaky", () -> "x", x -> {
            throw new IllegalStateException("boom");
        }, x -> "");
        lifecycle.close();
        assertThat(stopped).containsExactly("broker");
        assertThat(out.toString()).contains("flaky failed to stop cleanly: boom");
    }
}
