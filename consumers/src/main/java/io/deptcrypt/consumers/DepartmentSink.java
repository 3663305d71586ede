package io.deptcrypt.consumers;

/**
 * Where a department consumer hands the plaintext of each event it opened. This is the only place plaintext leaves
 * the consumer. Called on a Kafka Streams thread, in offset order per partition; an exception stops the consumer
 * (the record is not committed, so it is seen again after a restart: sinks should tolerate repeats).
 */
@FunctionalInterface
public interface DepartmentSink extends AutoCloseable {

    /** A sink that does nothing (for a consumer that only writes to {@code sink.topic}). */
    DepartmentSink NONE = event -> { };

    void accept(OpenedEvent event);

    @Override
    default void close() {}
}
