package io.deptcrypt.runtime;

import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What every started deptcrypt Streams app offers its embedder, kept by a {@link StreamsLifecycle}: the streams,
 * their state and first failure, waiting until running or stopped, and closing. An app class adds only what is its
 * own (topology, properties, failure classification, counters) and starts with
 * {@link StreamsLifecycle#start}.
 */
public abstract class AbstractStreamsApp implements StreamsApp {

    private final StreamsLifecycle lifecycle;

    protected AbstractStreamsApp(StreamsLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    public KafkaStreams streams() {
        return lifecycle.streams();
    }

    public KafkaStreams.State state() {
        return lifecycle.state();
    }

    /** The failure that stopped the app, if it stopped on its own. */
    @Override
    public Optional<Throwable> failure() {
        return lifecycle.failure();
    }

    /** True once RUNNING; false on timeout; throws IllegalStateException if the app stopped instead. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        return lifecycle.awaitRunning(timeout);
    }

    /** Blocks until the app is stopped (NOT_RUNNING after close, or ERROR after a failure). */
    @Override
    public KafkaStreams.State awaitTermination() throws InterruptedException {
        return lifecycle.awaitTermination();
    }

    /** As {@link #awaitTermination()}, giving up after {@code timeout}; returns the state reached. */
    public KafkaStreams.State awaitTermination(Duration timeout) throws InterruptedException {
        return lifecycle.awaitTermination(timeout);
    }

    /** Stops the streams (waits up to 30 s), then closes the app's resources. Idempotent. */
    @Override
    public void close() {
        lifecycle.close();
    }
}
