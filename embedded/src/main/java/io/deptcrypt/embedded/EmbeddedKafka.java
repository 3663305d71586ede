package io.deptcrypt.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real Kafka cluster (KRaft) of one or more nodes running in this JVM, each node a combined broker+controller.
 *
 * <p><b>Nodes.</b> Every node is broker and controller: three nodes give a three-voter metadata quorum and three
 * brokers from three servers, the least a 2-core machine can run that still survives losing any one node (two voters
 * are a majority, two brokers an ISR of {@code min.insync.replicas=2}). Separate controllers would double the
 * servers without making the fault a node stop causes any different.
 *
 * <p><b>State.</b> A single node keeps its state in the data dir itself, several nodes in {@code node-<id>} below
 * it ({@link ClusterDirs}). A dir without {@code meta.properties} is formatted on first start (with the super user's
 * SCRAM credential when security is on); a formatted one is reused with its cluster id, metadata (topics, ACLs,
 * SCRAM users) and records. Client ports are the ones asked for, or free ones. The quorum is static
 * ({@code controller.quorum.voters} from config), so controller ports may change between starts of the cluster; each
 * node still takes its previous controller and replication ports again when they are free ({@link NodePorts}).
 * While the cluster runs, a stopped node starts again on all its ports.
 *
 * <p><b>Security</b>, on request ({@link Builder#security}): the advertised client listener speaks SASL_PLAINTEXT
 * with SCRAM-SHA-512 only; {@code StandardAuthorizer} runs on brokers and controllers with
 * {@code allow.everyone.if.no.acl.found=false}; {@code super.users} is the given super user and the nodes' own
 * principal {@value #NODE_PRINCIPAL}. Nodes reach each other (replication, broker registration, the Raft quorum) on
 * an internal and a controller listener that accept only SASL PLAIN against a static JAAS account for that principal,
 * whose random password exists only in this JVM's configs. PLAIN, not SCRAM, because the controllers must
 * authenticate each other before any metadata (where SCRAM credentials live) is readable; and not PLAINTEXT, because
 * its ANONYMOUS principal would have to be a super user for the nodes to work, and then any local process could
 * administer the cluster through the controller port. {@link #putScramUser} refuses the node principal's name, so no
 * SCRAM user can take its place.
 *
 * <p><b>Why not Kafka's own {@code KafkaClusterTestKit}</b> (kafka-test-common-runtime 4.4.0): checked and set
 * aside. It hands each node a {@code meta.properties} built in memory instead of the one on disk (format is its only
 * way to write state), rejects SCRAM records in bootstrap metadata and never calls {@code setScramArguments}, binds
 * new random ports on every build, deletes its dir on close by default, and does SASL only as PLAIN with fixed test
 * users through a JAAS file set as the JVM-wide {@code java.security.auth.login.config}.
 *
 * <p><b>Stopping.</b> {@link #stopNode(int, NodeShutdown)} stops one node, controlled or as abruptly as in-process
 * allows ({@link NodeShutdown}); {@link #startNode} starts it again on the same ports and data. {@link #close}
 * stops every broker with a controlled shutdown before the first controller, so those shutdowns find a quorum and
 * the next start finds no stale broker sessions to wait out. Fatal faults inside a node halt the JVM, as in a
 * real broker.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** The principal nodes authenticate as among themselves when security is on; a super user. */
    public static final String NODE_PRINCIPAL = "User:" + NodeProperties.NODE_USER;

    private final Path dataDir;
    private final ClusterNodes nodes;
    private final KafkaSecurity security;
    private final ScramUsers scramUsers;
    private Admin kitAdmin;
    private boolean closed;

    private EmbeddedKafka(Path dataDir, ClusterNodes nodes, KafkaSecurity security) {
        this.dataDir = dataDir;
        this.nodes = nodes;
        this.security = security;
        this.scramUsers = new ScramUsers(this::kitAdmin, nodes);
    }

    /** A cluster to configure; {@link Builder#start()} starts it. */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** Starts a single PLAINTEXT node on a free port. */
    public static EmbeddedKafka start(Path dataDir) {
        return builder(dataDir).start();
    }

    /** Starts a single PLAINTEXT node listening on {@code 127.0.0.1:port} ({@code 0} picks a free port). */
    public static EmbeddedKafka start(Path dataDir, int port) {
        return builder(dataDir).ports(port).start();
    }

    /**
     * Starts a single PLAINTEXT node; {@code overrides} are broker properties applied last (for example
     * {@code num.partitions} or {@code auto.create.topics.enable}).
     */
    public static EmbeddedKafka start(Path dataDir, int port, Map<String, String> overrides) {
        return builder(dataDir).ports(port).overrides(overrides).start();
    }

    /** What cluster to start: {@code EmbeddedKafka.builder(dir).nodes(3).security(...).start()}. */
    public static final class Builder {
        private final Path dataDir;
        private int nodes = 1;
        private int[] ports;
        private KafkaSecurity security;
        private Map<String, String> overrides = Map.of();

        private Builder(Path dataDir) {
            if (dataDir == null) {
                throw new IllegalArgumentException("Kafka data dir must be given");
            }
            this.dataDir = dataDir.toAbsolutePath();
        }

        /** How many combined broker+controller nodes (default 1). */
        public Builder nodes(int nodes) {
            if (nodes < 1 || nodes > 9) {
                throw new IllegalArgumentException("Kafka nodes must be 1..9, was " + nodes);
            }
            this.nodes = nodes;
            return this;
        }

        /** The client port of each node, node 1 first ({@code 0} picks a free one); default all free. */
        public Builder ports(int... ports) {
            for (int port : ports) {
                if (port < 0 || port > 65535) {
                    throw new IllegalArgumentException("port must be 0..65535, was " + port);
                }
            }
            this.ports = ports.clone();
            return this;
        }

        /** SASL/SCRAM clients, ACLs and a super user; without it the cluster is PLAINTEXT with no authorizer. */
        public Builder security(KafkaSecurity security) {
            this.security = security;
            return this;
        }

        /** Server properties applied last on every node. */
        public Builder overrides(Map<String, String> overrides) {
            this.overrides = Map.copyOf(overrides);
            return this;
        }

        /** Formats what is not formatted yet, starts every node, returns once all brokers are unfenced. */
        public EmbeddedKafka start() {
            int[] clientPorts = ports == null ? new int[nodes] : ports;
            if (clientPorts.length != nodes) {
                throw new IllegalArgumentException(nodes + " Kafka node(s) need " + nodes + " port(s), got "
                        + clientPorts.length);
            }
            ClusterNodes cluster = ClusterNodes.prepare(dataDir, clientPorts, security, overrides);
            cluster.startAll();
            EmbeddedKafka kafka = new EmbeddedKafka(dataDir, cluster, security);
            if (security != null) {
                try {
                    kafka.checkSuperUser();
                } catch (RuntimeException e) {
                    kafka.close();
                    throw e;
                }
            }
            return kafka;
        }
    }

    /** The super user's credential is only written at format time: say so when a reused dir disagrees. */
    private void checkSuperUser() {
        if (!ScramUsers.authenticates(nodes.node(1), security.superUser(), security.superUserPassword())) {
            throw new IllegalStateException("Kafka super user '" + security.superUser() + "' cannot authenticate: "
                    + dataDir + " was formatted without security or with another password for this user");
        }
    }

    /** Every node's client address, {@code 127.0.0.1:<port>,...}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return nodes.bootstrapServers();
    }

    /** Every node's controller address, for {@code bootstrap.controllers}. */
    public String bootstrapControllers() {
        return nodes.bootstrapControllers();
    }

    /** Node 1's client port (the only one of a single node). */
    public int port() {
        return port(1);
    }

    /** The client port of a node. */
    public int port(int nodeId) {
        return nodes.node(nodeId).ports().client();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Node ids, 1..n. */
    public List<Integer> nodeIds() {
        return nodes.all().stream().map(KafkaNode::id).toList();
    }

    /** min(3, nodes): the replication factor of the kit's topics and of Kafka's internal topics. */
    public short replicationFactor() {
        return NodeProperties.replicationFactor(nodes.size());
    }

    /** {@code min.insync.replicas} of the kit's topics and the broker default: 2 from three nodes on, else 1. */
    public int minInsyncReplicas() {
        return NodeProperties.minInsyncReplicas(nodes.size());
    }

    public boolean secured() {
        return security != null;
    }

    /** Client settings of the super user (just {@code bootstrap.servers} when security is off); a new mutable map. */
    public Map<String, Object> adminClientProperties() {
        if (security == null) {
            Map<String, Object> p = new HashMap<>();
            p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            return p;
        }
        return KafkaSecurity.scramClientProperties(bootstrapServers(), security.superUser(), security.superUserPassword());
    }

    /**
     * Client settings that authenticate as {@code user}: {@code bootstrap.servers}, {@code security.protocol},
     * {@code sasl.mechanism} and {@code sasl.jaas.config}. A new mutable map; add the client's own settings to it.
     */
    public Map<String, Object> clientProperties(String user, String password) {
        requireSecurity();
        return KafkaSecurity.scramClientProperties(bootstrapServers(), user, password);
    }

    /** A new admin client authenticated as the super user; the caller closes it. */
    public Admin admin() {
        return Admin.create(adminClientProperties());
    }

    /**
     * Creates a topic with {@link #replicationFactor()} replicas and, on several nodes,
     * {@link #minInsyncReplicas()}; an existing topic of that name is left as it is.
     */
    public void createTopic(String name, int partitions) {
        createTopics(List.of(new NewTopic(name, partitions, replicationFactor())));
    }

    /**
     * Creates the topics; ones that already exist are left as they are. On several nodes a topic without a
     * replication factor or assignment gets {@link #replicationFactor()}, and one without {@code min.insync.replicas}
     * gets {@link #minInsyncReplicas()} (at most its replication factor); explicit settings are kept.
     */
    public void createTopics(Collection<NewTopic> topics) {
        List<NewTopic> withDefaults = topics.stream().map(this::withClusterDefaults).toList();
        for (var entry : kitAdmin().createTopics(withDefaults).values().entrySet()) {
            try {
                AdminRequests.await(entry.getValue(), "create topic " + entry.getKey());
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    private NewTopic withClusterDefaults(NewTopic topic) {
        if (nodes.size() == 1) {
            return topic;
        }
        NewTopic result = topic;
        short rf = topic.replicationFactor();
        if (topic.replicasAssignments() != null) {
            rf = (short) topic.replicasAssignments().values().stream().mapToInt(List::size).min().orElse(1);
        } else if (rf < 0) {
            rf = replicationFactor();
            Optional<Integer> partitions = topic.numPartitions() < 0 ? Optional.empty() : Optional.of(topic.numPartitions());
            result = new NewTopic(topic.name(), partitions, Optional.of(rf));
        }
        Map<String, String> configs = new HashMap<>(topic.configs() == null ? Map.of() : topic.configs());
        configs.putIfAbsent(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(Math.min(minInsyncReplicas(), rf)));
        return result.configs(configs);
    }

    /**
     * Creates the SCRAM-SHA-512 user or changes its password, as the super user, and waits until every running
     * broker accepts the new password. Connections already authenticated stay so. The nodes' own principal's name
     * is refused: a SCRAM user of that name would be a super user.
     */
    public void putScramUser(String user, String password) {
        requireSecurity();
        refuseSuperUser(user, "change its password");
        scramUsers.put(user, password);
    }

    /**
     * Deletes the user's SCRAM-SHA-512 credential, as the super user. Brokers apply it from the metadata within
     * moments; connections already authenticated stay so until they close.
     */
    public void deleteScramUser(String user) {
        requireSecurity();
        refuseSuperUser(user, "delete it");
        scramUsers.delete(user);
    }

    /** The kit administers the cluster with the super user's credential as given; it must stay valid. */
    private void refuseSuperUser(String user, String what) {
        if (security.superUser().equals(user)) {
            throw new IllegalArgumentException("'" + user + "' is this cluster's super user; cannot " + what
                    + " here (its credential comes from KafkaSecurity)");
        }
    }

    /** The users that have a SCRAM credential, the super user included. */
    public Set<String> scramUsers() {
        requireSecurity();
        return scramUsers.names();
    }

    /** The node leading the partition, or -1 while it has none. */
    public int leaderOf(String topic, int partition) {
        return TopicReplication.leaderOf(kitAdmin(), topic, partition);
    }

    /** The node leading the most partitions of the topic (the lowest id among equals). */
    public int nodeLeadingMostPartitions(String topic) {
        return TopicReplication.nodeLeadingMostPartitions(kitAdmin(), topic);
    }

    /** Waits until every partition of the topic has a leader and all its replicas in the ISR. */
    public void awaitFullyReplicated(String topic, Duration timeout) {
        TopicReplication.awaitFullyReplicated(kitAdmin(), topic, timeout);
    }

    /** Whether the node runs (started and not stopped). */
    public boolean isRunning(int nodeId) {
        return nodes.node(nodeId).running();
    }

    /** Stops the node with Kafka's controlled shutdown, then its controller; its data dir is kept. */
    public void stopNode(int nodeId) {
        stopNode(nodeId, NodeShutdown.CONTROLLED);
    }

    /** Stops the node's broker as {@code how} says, then its controller; its data dir is kept. */
    public synchronized void stopNode(int nodeId, NodeShutdown how) {
        if (how == null) {
            throw new IllegalArgumentException("how to stop Kafka node " + nodeId + " must be given");
        }
        nodes.node(nodeId).stop(how);
    }

    /** Starts a stopped node again on the same ports and data; returns once its broker is unfenced. */
    public synchronized void startNode(int nodeId) {
        if (closed) {
            throw new IllegalStateException("Kafka cluster is closed");
        }
        nodes.start(nodes.node(nodeId));
    }

    private synchronized Admin kitAdmin() {
        if (closed) {
            throw new IllegalStateException("Kafka cluster is closed");
        }
        if (kitAdmin == null) {
            kitAdmin = admin();
        }
        return kitAdmin;
    }

    private void requireSecurity() {
        if (security == null) {
            throw new IllegalStateException("this Kafka cluster runs without security (PLAINTEXT, no SCRAM users);"
                    + " start it with EmbeddedKafka.builder(dir).security(...)");
        }
    }

    /** Stops every node (brokers first, then controllers); the data dirs are kept. */
    @Override
    public void close() {
        Admin admin;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            admin = kitAdmin;
            kitAdmin = null;
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        nodes.stopAll();
    }
}
