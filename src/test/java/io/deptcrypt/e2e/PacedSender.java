package io.deptcrypt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.devstack.GeneratedEvent;
import io.deptcrypt.devstack.Stack;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Sends events in batches at a steady pace from a background thread, like a live source. */
final class PacedSender implements AutoCloseable {
    private final Thread thread;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stop;

    private PacedSender(Stack stack, List<GeneratedEvent> events, int batch, Duration interval) {
        thread = new Thread(() -> {
            try {
                for (int i = 0; i < events.size() && !stop; i += batch) {
                    List<GeneratedEvent> b = events.subList(i, Math.min(events.size(), i + batch));
                    stack.generator().send(b, n -> { });
                    sent.addAndGet(b.size());
                    Thread.sleep(interval.toMillis()); // pacing of the source, not synchronisation
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "e2e-paced-sender");
        thread.setDaemon(true);
    }

    static PacedSender start(Stack stack, List<GeneratedEvent> events, int batch, Duration interval) {
        PacedSender s = new PacedSender(stack, events, batch, interval);
        s.thread.start();
        return s;
    }

    void awaitDone() throws InterruptedException {
        thread.join(Duration.ofSeconds(120).toMillis());
        assertThat(thread.isAlive()).as("sender finished").isFalse();
        assertThat(failure.get()).as("sender failure").isNull();
    }

    @Override
    public void close() {
        stop = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
