package io.deptcrypt.embedded;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.errors.SaslAuthenticationException;

/**
 * SCRAM-SHA-512 users of a secured cluster, changed through the Admin API as the super user. Credentials live in the
 * cluster metadata; each broker applies a change when its copy of the metadata log reaches it.
 */
final class ScramUsers {

    private static final int ITERATIONS = 4096;
    private static final Duration PROPAGATION_TIMEOUT = Duration.ofSeconds(30);

    private final Supplier<Admin> admin;
    private final ClusterNodes nodes;

    ScramUsers(Supplier<Admin> admin, ClusterNodes nodes) {
        this.admin = admin;
        this.nodes = nodes;
    }

    /** Creates the user or changes its password, then waits until every running broker accepts the password. */
    void put(String user, String password) {
        KafkaSecurity.checkUser(user);
        KafkaSecurity.checkPassword(user, password);
        if (user.equals(NodeProperties.NODE_USER)) {
            throw new IllegalArgumentException("'" + user + "' is the nodes' own super-user principal; pick another name");
        }
        ScramCredentialInfo info = new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS);
        AdminRequests.await(admin.get().alterUserScramCredentials(
                List.of(new UserScramCredentialUpsertion(user, info, password))).all(),
                "create or update SCRAM user " + user);
        long deadline = System.nanoTime() + PROPAGATION_TIMEOUT.toNanos();
        for (KafkaNode node : nodes.all()) {
            // A stopped node reads the credential from the metadata before it serves clients again.
            while (node.running() && !authenticates(node, user, password)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka node " + node.id() + " still refuses SCRAM user " + user
                            + " " + PROPAGATION_TIMEOUT + " after the change");
                }
                AdminRequests.pause(100, "SCRAM user " + user + " on node " + node.id());
            }
        }
    }

    void delete(String user) {
        KafkaSecurity.checkUser(user);
        AdminRequests.await(admin.get().alterUserScramCredentials(List.of(
                new UserScramCredentialDeletion(user, ScramMechanism.SCRAM_SHA_512))).all(), "delete SCRAM user " + user);
        // The controller took it; the broker answering describe learns it from the metadata log moments later.
        long deadline = System.nanoTime() + PROPAGATION_TIMEOUT.toNanos();
        while (names().contains(user)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("SCRAM user " + user + " still listed " + PROPAGATION_TIMEOUT
                        + " after its deletion");
            }
            AdminRequests.pause(100, "deletion of SCRAM user " + user);
        }
    }

    Set<String> names() {
        return new TreeSet<>(AdminRequests.await(admin.get().describeUserScramCredentials().all(),
                "describe SCRAM users").keySet());
    }

    /** Whether the node's client listener accepts the credential: an admin client authenticates on bootstrap. */
    static boolean authenticates(KafkaNode node, String user, String password) {
        Map<String, Object> p = KafkaSecurity.scramClientProperties("127.0.0.1:" + node.ports().client(), user, password);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000);
        try (Admin probe = Admin.create(p)) {
            probe.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SaslAuthenticationException) {
                return false;
            }
            throw new IllegalStateException("Kafka node " + node.id() + " did not answer as " + user + ": " + e.getCause(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka node " + node.id() + " did not answer as " + user + " within 10 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while authenticating as " + user, e);
        }
    }
}
