package io.deptcrypt.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.elasticmq.actor.QueueManagerActor;
import org.elasticmq.actor.queue.QueueEvent;
import org.elasticmq.persistence.sql.SqlQueuePersistenceActor;
import org.elasticmq.persistence.sql.SqlQueuePersistenceConfig;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.rest.sqs.TheSQSRestServerBuilder;
import org.elasticmq.util.NowProvider;
import scala.Option;
import scala.collection.immutable.List$;
import scala.util.Either;
import scalikejdbc.ConnectionPool;
import scalikejdbc.ConnectionPool$;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * ElasticMQ, an SQS-compatible server, running in this JVM on 127.0.0.1.
 *
 * <p>By default its queues and messages live in memory and die with the server. {@link #start(Path, int)} keeps
 * them on disk instead, with ElasticMQ's own SQL persistence (an H2 database file in the given directory): a
 * server started again on that directory has every queue and every message not yet deleted, even after a crash.
 *
 * <p>ElasticMQ accepts any credentials and region; {@link #credentials()} and {@link #REGION} are the
 * placeholder values the clients made here use.
 */
public final class EmbeddedSqs implements AutoCloseable {

    public static final Region REGION = Region.US_EAST_1;
    public static final String ACCOUNT_ID = "000000000000";
    /** The H2 database ElasticMQ keeps a persistent server's queues and messages in (files {@code sqs.*.db}). */
    static final String DATABASE_NAME = "sqs";

    private static final Duration RESTORE_TIMEOUT = Duration.ofSeconds(60);
    /** ElasticMQ's SQL store uses scalikejdbc's one JVM-wide connection pool, so one persistent server at a time. */
    private static final AtomicBoolean DISK_STORE_IN_USE = new AtomicBoolean();

    private final SQSRestServer server;
    private final int port;
    private final DiskStore store; // null: in memory
    private final SqsClient client;
    private volatile boolean closed;

    private EmbeddedSqs(SQSRestServer server, int port, DiskStore store) {
        this.server = server;
        this.port = port;
        this.store = store;
        this.client = newClient();
    }

    /** Starts ElasticMQ in memory on a free port. */
    public static EmbeddedSqs start() {
        return start(0);
    }

    /** Starts ElasticMQ in memory on {@code 127.0.0.1:port} ({@code 0} picks a free port). */
    public static EmbeddedSqs start(int port) {
        checkPort(port);
        return startServer(builder(port), port, null);
    }

    /**
     * Starts ElasticMQ on {@code 127.0.0.1:port} ({@code 0} picks a free port) with its queues and messages kept
     * under {@code dataDir} (created if missing; owner-only where the file system has POSIX permissions): the
     * queues and the messages not yet deleted that a server on this directory had come back, with their bodies,
     * attributes and receive counts. Every change is on disk before SQS answers the call, so a crash loses
     * nothing that was acknowledged. One such server can run per JVM at a time.
     *
     * <p>The directory holds the message bodies as sent, like a broker's log holds its records.
     */
    public static EmbeddedSqs start(Path dataDir, int port) {
        checkPort(port);
        if (!DISK_STORE_IN_USE.compareAndSet(false, true)) {
            throw new IllegalStateException("another EmbeddedSqs with a data directory is running in this JVM; "
                    + "ElasticMQ's SQL store allows one at a time (close the other one first)");
        }
        DiskStore store;
        try {
            store = DiskStore.open(dataDir.toAbsolutePath());
        } catch (RuntimeException e) {
            DISK_STORE_IN_USE.set(false);
            throw e;
        }
        try {
            return startServer(builder(port).withActorSystem(store.system).withQueueManagerActor(store.queueManager), port, store);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
    }

    private static TheSQSRestServerBuilder builder(int port) {
        var builder = SQSRestServerBuilder.withInterface("127.0.0.1")
                .withAWSAccountId(ACCOUNT_ID)
                .withAWSRegion(REGION.id());
        return port == 0 ? builder.withDynamicPort() : builder.withPort(port);
    }

    private static EmbeddedSqs startServer(TheSQSRestServerBuilder builder, int port, DiskStore store) {
        SQSRestServer server = builder.start();
        int bound;
        try {
            bound = server.waitUntilStarted().localAddress().getPort();
        } catch (RuntimeException e) {
            server.stopAndWait();
            throw new IllegalStateException("ElasticMQ failed to start on port " + port, e);
        }
        return new EmbeddedSqs(server, bound, store);
    }

    /** {@code http://127.0.0.1:<port>}, the endpoint override for an {@link SqsClient}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** Whether queues and messages are kept on disk ({@link #start(Path, int)}). */
    public boolean persistent() {
        return store != null;
    }

    /** Placeholder credentials (ElasticMQ does not check them). */
    public static AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }

    /** A shared client for this server; closed by {@link #close()}. */
    public SqsClient client() {
        return client;
    }

    /** A new client for this server; the caller closes it. */
    public SqsClient newClient() {
        return SqsClient.builder()
                .endpointOverride(endpoint())
                .region(REGION)
                .credentialsProvider(credentials())
                .build();
    }

    /** Creates a standard queue (or returns the URL of an existing one with the same attributes). */
    public String createQueue(String name) {
        return createQueue(name, Map.of());
    }

    /**
     * Creates a queue with the given attributes ({@code QueueAttributeName} strings such as
     * {@code VisibilityTimeout}, {@code FifoQueue}) and returns its URL.
     */
    public String createQueue(String name, Map<String, String> attributes) {
        Map<QueueAttributeName, String> attrs = new HashMap<>();
        attributes.forEach((k, v) -> {
            QueueAttributeName attr = QueueAttributeName.fromValue(k);
            if (attr == QueueAttributeName.UNKNOWN_TO_SDK_VERSION) {
                throw new IllegalArgumentException("unknown SQS queue attribute: " + k);
            }
            attrs.put(attr, v);
        });
        return client.createQueue(b -> b.queueName(name).attributes(attrs)).queueUrl();
    }

    /** Creates a FIFO queue; {@code name} must end in {@code .fifo}. */
    public String createFifoQueue(String name, boolean contentBasedDeduplication) {
        if (!name.endsWith(".fifo")) {
            throw new IllegalArgumentException("a FIFO queue name must end in .fifo: " + name);
        }
        return createQueue(name, Map.of(
                QueueAttributeName.FIFO_QUEUE.toString(), "true",
                QueueAttributeName.CONTENT_BASED_DEDUPLICATION.toString(), String.valueOf(contentBasedDeduplication)));
    }

    /** Visible plus in-flight plus delayed messages, as reported by the queue's approximate counters. */
    public long approximateMessageCount(String queueUrl) {
        Map<QueueAttributeName, String> a = client.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return a.values().stream().mapToLong(Long::parseLong).sum();
    }

    /** Stops the server; a persistent server's directory is kept, closed, for the next start. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        client.close();
        server.stopAndWait();
        if (store != null) {
            store.close();
        }
    }

    /**
     * ElasticMQ's SQL persistence wired as its own server does it: a store actor that hears every queue and message
     * event, a queue manager that reports to it, and a restore of what the store holds before the REST API opens.
     */
    private static final class DiskStore {

        final ActorSystem system;
        final ActorRef queueManager;

        private DiskStore(ActorSystem system, ActorRef queueManager) {
            this.system = system;
            this.queueManager = queueManager;
        }

        static DiskStore open(Path dir) {
            createOwnerOnly(dir);
            // WRITE_DELAY=0: H2 writes each commit to the file at once (its default waits up to 500 ms), so what
            // SQS acknowledged survives a crash of the JVM.
            String url = "jdbc:h2:file:" + dir.resolve(DATABASE_NAME) + ";WRITE_DELAY=0";
            // Fail here, with H2's reason (e.g. the directory is in use by another process), not inside an actor.
            try (Connection probe = DriverManager.getConnection(url, "", "")) {
                if (!probe.isValid(5)) {
                    throw new IllegalStateException("cannot open the SQS store in " + dir + ": H2 does not answer");
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot open the SQS store in " + dir + ": " + e.getMessage(), e);
            }
            // ElasticMQ sets up the JVM-wide pool only for the first store of the JVM; (re)create it for this one.
            ConnectionPool.singleton(url, "", "", ConnectionPool.singleton$default$4(),
                    ConnectionPool.DEFAULT_CONNECTION_POOL_FACTORY());
            ActorSystem system = ActorSystem.create("elasticmq");
            try {
                var config = new SqlQueuePersistenceConfig(true, "org.h2.Driver", url, "", "", false);
                ActorRef storeActor = system.actorOf(Props.create(SqlQueuePersistenceActor.class, config, List$.MODULE$.empty()),
                        "sql-store");
                ActorRef queueManager = system.actorOf(Props.create(QueueManagerActor.class, new NowProvider(),
                        SQSRestServerBuilder.sqsLimits(), Option.apply(storeActor)), "queue-manager");
                // FIFO queues come back in send order, not ElasticMQ's own restore order (see FifoRestore)
                ActorRef restoring = system.actorOf(FifoRestore.queueManager(queueManager), "fifo-restore");
                restore(storeActor, restoring, dir);
                system.stop(restoring);
                return new DiskStore(system, queueManager);
            } catch (RuntimeException e) {
                terminate(system);
                closePool();
                throw e;
            }
        }

        private static void restore(ActorRef storeActor, ActorRef queueManager, Path dir) {
            Object result;
            try {
                result = Patterns.ask(storeActor, new QueueEvent.Restore(queueManager), RESTORE_TIMEOUT)
                        .toCompletableFuture().get(RESTORE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while restoring the SQS queues from " + dir, e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("ElasticMQ did not restore the SQS queues from " + dir + " within "
                        + RESTORE_TIMEOUT.toSeconds() + " s", e);
            }
            if (result instanceof Either<?, ?> either && either.isLeft()) {
                throw new IllegalStateException("ElasticMQ could not restore the SQS queues from " + dir + ": "
                        + either.swap().toOption().get());
            }
        }

        private static void createOwnerOnly(Path dir) {
            try {
                if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix") && !Files.exists(dir)) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(dir);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the SQS data directory " + dir, e);
            }
        }

        private static void closePool() {
            ConnectionPool$.MODULE$.close(ConnectionPool.DEFAULT_NAME());
        }

        private static void terminate(ActorSystem system) {
            try {
                system.terminate();
                system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // the actors are stopping anyway; the pool is closed next
            }
        }

        /** Stops the actors, then closes the pool: H2 then closes the database file and releases its lock. */
        void close() {
            try {
                terminate(system);
                closePool();
            } finally {
                DISK_STORE_IN_USE.set(false);
            }
        }
    }
}
