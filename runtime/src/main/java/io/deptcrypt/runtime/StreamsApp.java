package io.deptcrypt.runtime;

import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;

/** A started deptcrypt Kafka Streams app, as its command line waits for it. */
public interface StreamsApp extends AutoCloseable {

    /** Blocks until the app is stopped (closed, or failed); returns the final state. */
    KafkaStreams.State awaitTermination() throws InterruptedException;

    /** The first failure that stopped a stream thread, if any. */
    Optional<Throwable> failure();

    /** Stops the app; idempotent. */
    @Override
    void close();
}
