package io.deptcrypt.embedded;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.scram.ScramLoginModule;
import org.apache.kafka.metadata.authorizer.StandardAuthorizer;

/**
 * The server properties of one combined broker+controller node, derived from the cluster's size and security;
 * the caller's overrides are applied last.
 *
 * <p>Without security a node has today's two listeners: {@code PLAINTEXT} (clients and replication) and
 * {@code CONTROLLER}. With security it has three, all SASL_PLAINTEXT: {@code CLIENT} (SCRAM-SHA-512 only, the
 * advertised one for applications), {@code INTERNAL} (replication between brokers) and {@code CONTROLLER}; the last
 * two accept only PLAIN with a static JAAS account, {@link #NODE_USER}, whose password is random per
 * {@link EmbeddedKafka} instance and never leaves this JVM. See {@link EmbeddedKafka} for why.
 */
final class NodeProperties {

    /** The principal nodes authenticate as among themselves; a super user next to the stack's admin. */
    static final String NODE_USER = "embedded-kafka-node";
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    static final String PLAINTEXT_LISTENER = "PLAINTEXT";
    static final String CLIENT_LISTENER = "CLIENT";
    static final String INTERNAL_LISTENER = "INTERNAL";

    private final int nodes;
    private final KafkaSecurity security;
    private final Map<String, String> overrides;
    private final String nodePassword;

    NodeProperties(int nodes, KafkaSecurity security, Map<String, String> overrides, String nodePassword) {
        this.nodes = nodes;
        this.security = security;
        this.overrides = Map.copyOf(overrides);
        this.nodePassword = nodePassword;
    }

    /** min(3, nodes): what the kit's own topics and Kafka's internal topics are replicated with. */
    static short replicationFactor(int nodes) {
        return (short) Math.min(3, nodes);
    }

    /** 2 from three nodes on (one node may be down and acks=all still succeeds), else 1. */
    static int minInsyncReplicas(int nodes) {
        return nodes >= 3 ? 2 : 1;
    }

    Properties forNode(int nodeId, Path dir, NodePorts ports, String quorumVoters) {
        String rf = String.valueOf(replicationFactor(nodes));
        String minIsr = String.valueOf(minInsyncReplicas(nodes));
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(nodeId));
        // Static quorum: the voter set comes from this config on every start, so controller ports may change between
        // starts of the cluster (not while it runs: the other nodes keep the ports they were started with).
        p.put("controller.quorum.voters", quorumVoters);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        if (security == null) {
            p.put("listeners", PLAINTEXT_LISTENER + "://127.0.0.1:" + ports.client()
                    + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + ports.controller());
            p.put("advertised.listeners", PLAINTEXT_LISTENER + "://127.0.0.1:" + ports.client());
            p.put("inter.broker.listener.name", PLAINTEXT_LISTENER);
            p.put("listener.security.protocol.map", PLAINTEXT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        } else {
            putSecurity(p, ports);
        }
        p.put("log.dirs", dir.toString());
        p.put("metadata.log.dir", dir.toString());
        p.put("offsets.topic.replication.factor", rf);
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", rf);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", rf);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        // A broker that cannot join (say, a port taken) fails its start instead of waiting forever.
        p.put("server.max.startup.time.ms", "120000");
        p.put("group.initial.rebalance.delay.ms", "0");
        // The cleaner's default 128 MiB dedupe buffer is allocated on heap; a test broker needs far less.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 << 20));
        p.put("num.partitions", "1");
        p.put("default.replication.factor", rf);
        // The broker default also covers __consumer_offsets, which has no min.isr setting of its own.
        p.put("min.insync.replicas", minIsr);
        p.putAll(overrides);
        // Not overridable: KafkaNode runs the controlled shutdown itself when a stop asks for one.
        p.put("controlled.shutdown.enable", "false");
        return p;
    }

    private void putSecurity(Properties p, NodePorts ports) {
        String sasl = SecurityProtocol.SASL_PLAINTEXT.name;
        p.put("listeners", CLIENT_LISTENER + "://127.0.0.1:" + ports.client()
                + "," + INTERNAL_LISTENER + "://127.0.0.1:" + ports.internal()
                + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + ports.controller());
        p.put("advertised.listeners", CLIENT_LISTENER + "://127.0.0.1:" + ports.client()
                + "," + INTERNAL_LISTENER + "://127.0.0.1:" + ports.internal());
        p.put("listener.security.protocol.map", CLIENT_LISTENER + ":" + sasl + "," + INTERNAL_LISTENER + ":" + sasl
                + "," + CONTROLLER_LISTENER + ":" + sasl);
        p.put("inter.broker.listener.name", INTERNAL_LISTENER);
        p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        p.put("sasl.mechanism.controller.protocol", "PLAIN");
        p.put(listener(CLIENT_LISTENER, "sasl.enabled.mechanisms"), KafkaSecurity.MECHANISM);
        // Server side: SCRAM credentials come from the cluster metadata, so the login module needs no options.
        p.put(listener(CLIENT_LISTENER, KafkaSecurity.MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config"),
                ScramLoginModule.class.getName() + " required;");
        String plain = KafkaSecurity.plainJaas(NODE_USER, nodePassword);
        for (String listener : new String[] {INTERNAL_LISTENER, CONTROLLER_LISTENER}) {
            p.put(listener(listener, "sasl.enabled.mechanisms"), "PLAIN");
            p.put(listener(listener, "plain.sasl.jaas.config"), plain);
        }
        p.put("authorizer.class.name", StandardAuthorizer.class.getName());
        p.put(StandardAuthorizer.ALLOW_EVERYONE_IF_NO_ACL_IS_FOUND_CONFIG, "false");
        p.put(StandardAuthorizer.SUPER_USERS_CONFIG, "User:" + security.superUser() + ";User:" + NODE_USER);
    }

    private static String listener(String name, String key) {
        return "listener.name." + name.toLowerCase(Locale.ROOT) + "." + key;
    }
}
