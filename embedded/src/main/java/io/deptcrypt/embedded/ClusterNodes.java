package io.deptcrypt.embedded;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes of one cluster: laid out, formatted where needed, and started and stopped together or one at a time.
 */
final class ClusterNodes {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNodes.class);

    private final List<KafkaNode> nodes;

    private ClusterNodes(List<KafkaNode> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /**
     * The nodes for {@code dataDir}, with their ports picked ({@code clientPorts[i]} for node i+1, 0 for a free one)
     * and their dirs formatted if none is yet. Nothing runs until {@link #startAll()}.
     */
    static ClusterNodes prepare(Path dataDir, int[] clientPorts, KafkaSecurity security, Map<String, String> overrides) {
        int count = clientPorts.length;
        ClusterDirs.create(dataDir);
        List<Path> dirs = ClusterDirs.of(dataDir, count);
        boolean formatted = ClusterDirs.clusterId(dirs).isPresent();

        List<NodePorts> ports = choosePorts(dirs, clientPorts, security != null);
        String voters = IntStream.range(0, count).mapToObj(i -> (i + 1) + "@127.0.0.1:" + ports.get(i).controller())
                .collect(Collectors.joining(","));
        NodeProperties properties = new NodeProperties(count, security, overrides, randomPassword());
        List<KafkaNode> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Properties p = properties.forNode(i + 1, dirs.get(i), ports.get(i), voters);
            nodes.add(new KafkaNode(i + 1, dirs.get(i), ports.get(i), p));
        }
        if (!formatted) {
            format(nodes, security);
        }
        for (KafkaNode node : nodes) {
            node.ports().remember(node.dir());
        }
        return new ClusterNodes(nodes);
    }

    private static List<NodePorts> choosePorts(List<Path> dirs, int[] clientPorts, boolean internalListener) {
        Set<Integer> taken = new HashSet<>();
        for (int port : clientPorts) {
            if (port != 0 && !taken.add(port)) {
                throw new IllegalArgumentException("port " + port + " asked for twice");
            }
        }
        List<NodePorts> result = new ArrayList<>();
        for (int i = 0; i < clientPorts.length; i++) {
            result.add(NodePorts.choose(dirs.get(i), clientPorts[i], internalListener, taken));
        }
        return result;
    }

    private static void format(List<KafkaNode> nodes, KafkaSecurity security) {
        String clusterId = Uuid.randomUuid().toString();
        List<String> scram = security == null ? List.of() : List.of(KafkaSecurity.MECHANISM
                + "=[name=" + security.superUser() + ",password=" + security.superUserPassword() + "]");
        for (KafkaNode node : nodes) {
            try {
                node.format(clusterId, scram);
            } catch (Exception e) {
                // The formatter's messages may quote its SCRAM argument; keep the password out of ours.
                String why = security != null && String.valueOf(e.getMessage()).contains(security.superUserPassword())
                        ? e.getClass().getName() : String.valueOf(e);
                throw new IllegalStateException("cannot format Kafka data dir " + node.dir() + ": " + why);
            }
        }
    }

    /** For the nodes' PLAIN account on the internal and controller listeners; lives only in this JVM. */
    private static String randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    List<KafkaNode> all() {
        return nodes;
    }

    int size() {
        return nodes.size();
    }

    KafkaNode node(int nodeId) {
        if (nodeId < 1 || nodeId > nodes.size()) {
            throw new IllegalArgumentException("no Kafka node " + nodeId + "; nodes are 1.." + nodes.size());
        }
        return nodes.get(nodeId - 1);
    }

    String bootstrapServers() {
        return nodes.stream().map(n -> "127.0.0.1:" + n.ports().client()).collect(Collectors.joining(","));
    }

    String bootstrapControllers() {
        return nodes.stream().map(n -> "127.0.0.1:" + n.ports().controller()).collect(Collectors.joining(","));
    }

    /** Starts every node; no broker can finish starting before a majority of controllers runs, so all go at once. */
    void startAll() {
        try {
            inParallel(ClusterNodes::startController);
            inParallel(ClusterNodes::startBroker);
        } catch (RuntimeException e) {
            stopAll();
            throw e;
        }
    }

    /** Starts one stopped node on its ports and data; returns once its broker is unfenced. */
    void start(KafkaNode node) {
        if (node.running()) {
            throw new IllegalStateException("Kafka node " + node.id() + " is already running");
        }
        try {
            startController(node);
            startBroker(node);
        } catch (RuntimeException e) {
            node.stop(NodeShutdown.UNCONTROLLED);
            throw e;
        }
    }

    /**
     * Every broker (controlled) first, then every controller, so that controlled shutdowns have a quorum. Nodes stop
     * together: the last controller of a quorum waits for a successor that never comes (KRaft's 5 s graceful
     * shutdown), and that wait need not be paid once per node.
     */
    void stopAll() {
        inParallel(node -> quietly(node, () -> node.stopBroker(NodeShutdown.CONTROLLED)));
        inParallel(node -> quietly(node, node::stopController));
    }

    private static void quietly(KafkaNode node, Runnable stop) {
        try {
            stop.run();
        } catch (RuntimeException e) {
            LOG.warn("Kafka node {} did not stop cleanly: {}", node.id(), e.toString());
        }
    }

    private static void startController(KafkaNode node) {
        try {
            node.startController();
        } catch (RuntimeException e) {
            throw new IllegalStateException("Kafka node " + node.id() + " (controller port " + node.ports().controller()
                    + ") failed to start with data dir " + node.dir() + ": " + e.getMessage(), e);
        }
    }

    private static void startBroker(KafkaNode node) {
        try {
            node.startBroker();
        } catch (RuntimeException e) {
            throw new IllegalStateException("Kafka broker failed to start on port " + node.ports().client()
                    + " with data dir " + node.dir() + ": " + e.getMessage(), e);
        }
    }

    private void inParallel(Consumer<KafkaNode> action) {
        if (nodes.size() == 1) {
            action.accept(nodes.get(0));
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size(), r -> {
            Thread t = new Thread(r, "embedded-kafka-nodes");
            t.setDaemon(true);
            return t;
        });
        try {
            CompletableFuture.allOf(nodes.stream().map(n -> CompletableFuture.runAsync(() -> action.accept(n), pool))
                    .toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        } finally {
            pool.shutdown();
        }
    }
}
