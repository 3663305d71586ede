package io.deptcrypt.embedded;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.BrokerServer;
import kafka.server.ControllerServer;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.server.Server;
import kafka.server.SharedServer;
import kafka.server.StandardFaultHandlerFactory;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.raft.QuorumConfig;
import org.apache.kafka.server.ServerSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * One combined broker+controller node: its data dir, its ports and, while it runs, its servers.
 *
 * <p>It wires {@code SharedServer}, {@code ControllerServer} and {@code BrokerServer} itself, as
 * {@code KafkaRaftServer} does, so that a cluster can stop every broker before the first controller: stopping whole
 * nodes one after another would leave the last broker's controlled shutdown without a controller quorum.
 */
final class KafkaNode {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaNode.class);
    // Enough for a controlled shutdown when the quorum is there; without one the broker stops unconfirmed.
    private static final Duration BROKER_SHUTDOWN_TIMEOUT = Duration.ofSeconds(20);

    private final int id;
    private final Path dir;
    private final NodePorts ports;
    private final Properties properties;
    private ControllerServer controller; // from startController() to stopController()
    private BrokerServer broker;         // built with the controller, started by startBroker()
    private boolean brokerStarted;

    KafkaNode(int id, Path dir, NodePorts ports, Properties properties) {
        this.id = id;
        this.dir = dir;
        this.ports = ports;
        this.properties = properties;
    }

    int id() {
        return id;
    }

    Path dir() {
        return dir;
    }

    NodePorts ports() {
        return ports;
    }

    static boolean isFormatted(Path dir) {
        return Files.exists(dir.resolve("meta.properties"));
    }

    /** Writes {@code meta.properties} and the bootstrap metadata; {@code scramArguments} as for {@code --add-scram}. */
    void format(String clusterId, List<String> scramArguments) throws Exception {
        Files.createDirectories(dir);
        new Formatter()
                .setNodeId(id)
                .setClusterId(clusterId)
                .setControllerListenerName(NodeProperties.CONTROLLER_LISTENER)
                .setMetadataLogDirectory(dir.toString())
                .addDirectory(dir.toString())
                .setScramArguments(scramArguments)
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .run();
    }

    synchronized boolean running() {
        return controller != null;
    }

    /**
     * Builds the servers from a fresh config (the broker's dynamic config mutates it) and starts the controller.
     * A node's controller must run before its broker, which finds the quorum through it.
     */
    synchronized void startController() {
        if (controller != null) {
            throw new IllegalStateException("Kafka node " + id + " is already running");
        }
        KafkaConfig config = new KafkaConfig(properties);
        Tuple2<MetaPropertiesEnsemble, BootstrapMetadata> logDirs =
                KafkaRaftServer.initializeLogDirs(config, LOG, "[node " + id + "] ");
        SharedServer shared = new SharedServer(config, logDirs._1(), Time.SYSTEM,
                Server.initializeMetrics(config, Time.SYSTEM, logDirs._1().clusterId().get()),
                CompletableFuture.completedFuture(QuorumConfig.parseVoterConnections(config.quorumConfig().voters())),
                QuorumConfig.parseBootstrapServers(config.quorumConfig().bootstrapServers()),
                new StandardFaultHandlerFactory(), ServerSocketFactory.INSTANCE);
        controller = new ControllerServer(shared, KafkaRaftServer.configSchema(), logDirs._2());
        broker = new BrokerServer(shared);
        brokerStarted = false;
        try {
            controller.startup();
        } catch (RuntimeException e) {
            controller = null; // a failed startup has shut itself down
            broker = null;
            throw e;
        }
    }

    /** Starts the broker; returns once it is registered, caught up with the metadata, unfenced and listening. */
    void startBroker() {
        BrokerServer b;
        synchronized (this) {
            if (broker == null || brokerStarted) {
                throw new IllegalStateException("Kafka node " + id + ": start its controller first, once");
            }
            b = broker;
            brokerStarted = true;
        }
        b.startup(); // outside the lock: it waits for a quorum of the other nodes; on failure it shuts itself down
    }

    /** Stops the broker; the controller keeps running. */
    void stopBroker(NodeShutdown how) {
        BrokerServer b;
        synchronized (this) {
            b = brokerStarted ? broker : null;
            brokerStarted = false;
        }
        if (b == null) {
            return;
        }
        if (how == NodeShutdown.CONTROLLED) {
            // What BrokerServer.shutdown does itself with controlled.shutdown.enable=true. Nodes run with it false,
            // so that each stop can choose: this way, or none of it (a broker that just goes away).
            b.replicaManager().beginControlledShutdown();
            b.lifecycleManager().beginControlledShutdown();
            try {
                b.lifecycleManager().controlledShutdownFuture()
                        .get(BROKER_SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.warn("Kafka node {}: controlled shutdown not confirmed within {}; stopping anyway", id,
                        BROKER_SHUTDOWN_TIMEOUT);
            } catch (ExecutionException e) {
                LOG.warn("Kafka node {}: controlled shutdown failed ({}); stopping anyway", id, e.getCause().toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        b.shutdown(BROKER_SHUTDOWN_TIMEOUT);
        b.awaitShutdown();
    }

    /** Stops the controller; stop the broker first. */
    synchronized void stopController() {
        ControllerServer c = controller;
        controller = null;
        broker = null;
        if (c != null) {
            c.shutdown();
            c.awaitShutdown();
        }
    }

    /** Stops the broker, then the controller; the data dir is kept. */
    void stop(NodeShutdown how) {
        stopBroker(how);
        stopController();
    }
}
