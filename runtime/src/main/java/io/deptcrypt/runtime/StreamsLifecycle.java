package io.deptcrypt.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link KafkaStreams} instance for a deptcrypt app: remembers the first fatal failure, lets callers wait
 * for a state, and closes the streams and then the app's own resources exactly once.
 *
 * <p>A failure for which {@code appWideFailure} is true (a configuration error such as KMS access denied) answers
 * {@link StreamThreadExceptionResponse#SHUTDOWN_APPLICATION}, which stops every instance of the app; any other
 * uncaught failure stops this client. Threads are never silently replaced.
 */
public final class StreamsLifecycle implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsLifecycle.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final KafkaStreams streams;
    private final AtomicBoolean closing;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<AutoCloseable> resources = new ArrayList<>();
    /** Notified on every state change; waiters re-read {@link KafkaStreams#state()}. */
    private final Object stateLock = new Object();

    /**
     * @param name            for log and error messages, e.g. "encryptor"
     * @param closing         set here when closing starts; processors read it to stop waiting for KMS
     * @param appWideFailure  which failures stop every instance of the app
     */
    public StreamsLifecycle(String name, Topology topology, Properties props, AtomicBoolean closing,
                            Predicate<Throwable> appWideFailure) {
        this.name = name;
        this.closing = closing;
        this.streams = new KafkaStreams(topology, props);
        streams.setStateListener((newState, oldState) -> {
            synchronized (stateLock) {
                stateLock.notifyAll();
            }
        });
        streams.setUncaughtExceptionHandler(e -> respond(e, appWideFailure));
    }

    /**
     * Builds the streams of an app and starts them. {@code topology} gets the closing flag its processors check while
     * they wait for KMS; {@code resources} are closed after the streams by {@link #close()}, in reverse order. If
     * building or starting fails, everything built and every resource is closed before the failure is rethrown.
     */
    public static StreamsLifecycle start(String name, Function<BooleanSupplier, Topology> topology, Properties props,
                                         Predicate<Throwable> appWideFailure, AutoCloseable... resources) {
        AtomicBoolean closing = new AtomicBoolean();
        StreamsLifecycle lifecycle;
        try {
            lifecycle = new StreamsLifecycle(name, topology.apply(closing::get), props, closing, appWideFailure);
        } catch (RuntimeException e) {
            for (int i = resources.length - 1; i >= 0; i--) {
                closeQuietly(name, resources[i], e);
            }
            throw e;
        }
        for (AutoCloseable r : resources) {
            lifecycle.closeAfterwards(r);
        }
        try {
            lifecycle.start();
        } catch (RuntimeException e) {
            lifecycle.close();
            throw e;
        }
        return lifecycle;
    }

    /** Closes {@code resources} in reverse order after {@code failure} (added to it as suppressed): a start that failed. */
    public static void closeAll(String name, List<? extends AutoCloseable> resources, RuntimeException failure) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            closeQuietly(name, resources.get(i), failure);
        }
    }

    private static void closeQuietly(String name, AutoCloseable resource, RuntimeException failure) {
        try {
            resource.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
            LOG.warn("deptcrypt {}: closing {} failed: {}", name, resource.getClass().getSimpleName(), e.toString());
        }
    }

    /** Answers an uncaught stream-thread exception: every instance stops on an app-wide (configuration) error, this one otherwise. */
    public StreamThreadExceptionResponse respond(Throwable e, Predicate<Throwable> appWideFailure) {
        if (closing.get()) {
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        failure.compareAndSet(null, e);
        boolean appWide = appWideFailure.test(e);
        LOG.error("deptcrypt {} stops {}: {}", name, appWide ? "(all instances)" : "(this instance)", explain(e), e);
        return appWide ? StreamThreadExceptionResponse.SHUTDOWN_APPLICATION : StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    /** Producer batch: measured on 2 cores, the 16 KB default halves throughput. */
    public static final int BATCH_SIZE = 256 * 1024;
    public static final int LINGER_MS = 20;
    public static final int MAX_POLL_RECORDS = 2_000;
    /**
     * A stream thread blocks while it waits for KMS; this keeps the member in its group for 9 minutes of that
     * (the clients' connections.max.idle.ms, so Kafka does not warn). A longer outage costs a rebalance, no record.
     */
    public static final int MAX_POLL_INTERVAL_MS = 9 * 60 * 1_000;

    /**
     * The Kafka Streams settings every deptcrypt app starts from: exactly-once v2, tuned batching and polling.
     * Apps then add their own and the config file's passthrough settings.
     */
    public static Properties defaultProperties(String applicationId, String bootstrapServers) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(BATCH_SIZE));
        p.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(LINGER_MS));
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(MAX_POLL_RECORDS));
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Integer.toString(MAX_POLL_INTERVAL_MS));
        return p;
    }

    /** Closed after the streams, in reverse order of registration. */
    public void closeAfterwards(AutoCloseable resource) {
        resources.add(resource);
    }

    public void start() {
        streams.start();
    }

    public KafkaStreams streams() {
        return streams;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The first uncaught processing failure, if any. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** Waits until RUNNING; false on timeout; throws if the app stopped instead. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        KafkaStreams.State s = await(st -> st == KafkaStreams.State.RUNNING || !st.isRunningOrRebalancing(), timeout);
        if (s == KafkaStreams.State.RUNNING) {
            return true;
        }
        if (!s.isRunningOrRebalancing() && s != KafkaStreams.State.CREATED) {
            throw new IllegalStateException("deptcrypt " + name + " stopped before running (state " + s + ")"
                    + failure().map(f -> ": " + explain(f)).orElse(""));
        }
        return false;
    }

    /** Blocks until the streams are NOT_RUNNING or ERROR. */
    public KafkaStreams.State awaitTermination() throws InterruptedException {
        return awaitTermination(null);
    }

    /** As {@link #awaitTermination()}, giving up after {@code timeout} (null: never); returns the state reached. */
    public KafkaStreams.State awaitTermination(Duration timeout) throws InterruptedException {
        return await(st -> st == KafkaStreams.State.NOT_RUNNING || st == KafkaStreams.State.ERROR, timeout);
    }

    private KafkaStreams.State await(Predicate<KafkaStreams.State> done, Duration timeout) throws InterruptedException {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        synchronized (stateLock) {
            while (true) {
                KafkaStreams.State s = streams.state();
                if (done.test(s) && s != KafkaStreams.State.CREATED) {
                    return s;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return s;
                }
                stateLock.wait(timeout == null ? 1_000 : Math.max(1, Math.min(1_000, left / 1_000_000)));
            }
        }
    }

    /** Stops the streams (bounded wait, leaving the consumer group) and then closes registered resources. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closing.set(true);
        // Leave the consumer group: these apps keep no local state, so the next instance (a restart, a new task)
        // gets the partitions at once instead of after the session timeout.
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(CLOSE_TIMEOUT));
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.warn("deptcrypt {}: closing {} failed: {}", name, resources.get(i).getClass().getSimpleName(), e.toString());
            }
        }
    }

    /** The first exception of type {@code type} in the cause chain of {@code e}. */
    public static <T extends Throwable> Optional<T> findCause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }

    /**
     * What went wrong, without Kafka Streams' wrappers: the class and message of the first exception in the chain
     * that is not a {@code StreamsException} (the one the processor threw). deptcrypt messages never carry plaintext.
     */
    public static String explain(Throwable e) {
        Throwable t = e;
        while (t instanceof StreamsException && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
