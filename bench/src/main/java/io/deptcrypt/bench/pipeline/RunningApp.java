package io.deptcrypt.bench.pipeline;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** A started app under measurement: how far it got, whether it failed, and how to stop it. */
interface RunningApp extends AutoCloseable {

    /** Input records processed so far (for the encryptor: sealed; for a consumer: read, its department's or not). */
    long progress();

    Optional<Throwable> failure();

    /** Waits until the app is RUNNING (consuming its assignment); false on timeout. */
    boolean awaitRunning(Duration timeout) throws InterruptedException;

    @Override
    void close();

    /** Waits for a state, for {@link #awaitRunning}. */
    @FunctionalInterface
    interface AwaitRunning {
        boolean await(Duration timeout) throws InterruptedException;
    }

    static RunningApp of(LongSupplier progress, Supplier<Optional<Throwable>> failure, AwaitRunning running, Runnable close) {
        return new RunningApp() {
            @Override
            public long progress() {
                return progress.getAsLong();
            }

            @Override
            public Optional<Throwable> failure() {
                return failure.get();
            }

            @Override
            public boolean awaitRunning(Duration timeout) throws InterruptedException {
                return running.await(timeout);
            }

            @Override
            public void close() {
                close.run();
            }
        };
    }
}
