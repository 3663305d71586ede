package io.deptcrypt.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

    @Test
    void aComponentWhoseReadinessFailsIsStillStoppedOnClose() {
        start("broker");
        assertThatThrownBy(() -> lifecycle.start("kafka broker", () -> "created broker", b -> {
            throw new IllegalStateException("cannot create topic deptcrypt.shared");
        }, stopped::add, b -> "")).isInstanceOf(StackException.class)
                .hasMessage("kafka broker failed to start: cannot create topic deptcrypt.shared");

        lifecycle.close();
        assertThat(stopped).containsExactly("created broker", "broker");
        assertThat(lifecycle.started()).extracting(Lifecycle.Started::name).containsExactly("broker");
        assertThat(out.toString()).contains("FAILED   kafka broker");
    }

    @Test
    void aComponentCreatedWhileTheLifecycleClosesIsStoppedAtOnce() throws Exception {
        CountDownLatch creating = new CountDownLatch(1);
        CountDownLatch closedMeanwhile = new CountDownLatch(1);
        CompletableFuture<String> late = CompletableFuture.supplyAsync(() -> lifecycle.start("slow broker", () -> {
            creating.countDown();
            assertThat(closedMeanwhile.await(10, TimeUnit.SECONDS)).isTrue();
            return "slow broker";
        }, stopped::add, b -> ""));
        assertThat(creating.await(10, TimeUnit.SECONDS)).isTrue();
        lifecycle.close();
        closedMeanwhile.countDown();

        assertThatThrownBy(() -> late.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stack is stopping; stopped slow broker again");
        assertThat(stopped).containsExactly("slow broker");
    }
}
