package io.deptcrypt.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A single secured node: SCRAM clients, StandardAuthorizer without allow-everyone, a closed controller port. */
@Tag("integration")
class SecuredKafkaTest {

    static final KafkaSecurity SECURITY = KafkaSecurity.scram("stack-admin", "admin-Secret-1");

    @TempDir
    Path dir;

    @Test
    void refusesWhatIsNotAuthenticatedOrGranted() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder(dir).security(SECURITY).start()) {
            kafka.createTopic("granted", 1);
            kafka.createTopic("other", 1);
            kafka.putScramUser("app", "app-Secret-1");
            assertThat(kafka.scramUsers()).containsExactly("app", "stack-admin");
            assertThatThrownBy(() -> kafka.putScramUser("stack-admin", "admin-Other-2"))
                    .hasMessageContaining("super user").hasMessageNotContaining("admin-Other-2");
            assertThatThrownBy(() -> kafka.putScramUser(NodeProperties.NODE_USER, "node-Guess-1"))
                    .hasMessageContaining("nodes' own");

            // No SASL at all on the SASL port: the broker drops the connection, the client never gets an answer.
            Map<String, Object> unauthenticated = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            assertThatThrownBy(() -> describeCluster(unauthenticated))
                    .hasCauseInstanceOf(TimeoutException.class);
            assertThatThrownBy(() -> describeCluster(kafka.clientProperties("app", "app-Wrong-1")))
                    .hasCauseInstanceOf(SaslAuthenticationException.class)
                    .hasMessageNotContaining("app-Wrong-1");
            assertThatThrownBy(() -> describeCluster(kafka.clientProperties("nobody", "app-Secret-1")))
                    .hasCauseInstanceOf(SaslAuthenticationException.class);

            // Authenticated, but no ACL: nothing to see, nothing written.
            assertThat(describeCluster(kafka.clientProperties("app", "app-Secret-1"))).isNotBlank();
            try (Admin asApp = Admin.create(kafka.clientProperties("app", "app-Secret-1")); Admin admin = kafka.admin()) {
                assertThat(asApp.listTopics().names().get(30, TimeUnit.SECONDS)).isEmpty();
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("granted", "other");
            }
            assertThatThrownBy(() -> produce(kafka, "granted", "refused"))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
            assertThat(TopicContents.read(kafka.adminClientProperties(), "granted")).isEmpty();

            try (Admin admin = kafka.admin()) {
                admin.createAcls(List.of(new AclBinding(
                        new ResourcePattern(ResourceType.TOPIC, "granted", PatternType.LITERAL),
                        new AccessControlEntry("User:app", "*", AclOperation.WRITE, AclPermissionType.ALLOW)))).all().get();
            }
            // The ACL reaches the broker's authorizer through the metadata log, moments after the controller took it.
            awaitProduced(kafka, "granted", "allowed");
            assertThatThrownBy(() -> produce(kafka, "other", "still refused"))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
            assertThat(TopicContents.read(kafka.adminClientProperties(), "granted")).containsExactly("allowed");
            assertThat(TopicContents.read(kafka.adminClientProperties(), "other")).isEmpty();

            kafka.deleteScramUser("app");
            assertThat(kafka.scramUsers()).containsExactly("stack-admin");
            awaitRefused(kafka.clientProperties("app", "app-Secret-1"));
        }
    }

    @Test
    void controllerPortCannotBeUsedWithoutTheNodesCredential() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder(dir).security(SECURITY).start()) {
            assertThat(kafka.bootstrapControllers()).isNotEqualTo(kafka.bootstrapServers());
            Map<String, Object> plaintext =
                    Map.of(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, kafka.bootstrapControllers());
            assertThatThrownBy(() -> describeCluster(plaintext)).hasCauseInstanceOf(TimeoutException.class);

            // The stack's own super user is no key to it either: the controller listener offers PLAIN only.
            Map<String, Object> scram = new HashMap<>(kafka.adminClientProperties());
            scram.remove(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
            scram.put(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, kafka.bootstrapControllers());
            assertThatThrownBy(() -> describeCluster(scram)).hasCauseInstanceOf(AuthenticationException.class);

            Map<String, Object> plain = new HashMap<>(scram);
            plain.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
            plain.put(SaslConfigs.SASL_JAAS_CONFIG, PlainLoginModule.class.getName()
                    + " required username=\"" + NodeProperties.NODE_USER + "\" password=\"guessed-1\";");
            assertThatThrownBy(() -> describeCluster(plain)).hasCauseInstanceOf(SaslAuthenticationException.class);

            // ...while through the client listener the super user administers the cluster.
            try (Admin admin = kafka.admin()) {
                assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS)).isEmpty();
            }
        }
    }

    @Test
    void keepsUsersAclsAndRecordsAcrossRestart() throws Exception {
        AclBinding write = new AclBinding(new ResourcePattern(ResourceType.TOPIC, "kept", PatternType.LITERAL),
                new AccessControlEntry("User:app", "*", AclOperation.WRITE, AclPermissionType.ALLOW));
        int port;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder(dir).security(SECURITY).start()) {
            port = kafka.port();
            kafka.createTopic("kept", 1);
            kafka.putScramUser("app", "app-Secret-1");
            try (Admin admin = kafka.admin()) {
                admin.createAcls(List.of(write)).all().get();
            }
            awaitProduced(kafka, "kept", "before");
        }
        try (EmbeddedKafka again = EmbeddedKafka.builder(dir).ports(port).security(SECURITY).start()) {
            assertThat(again.port()).isEqualTo(port);
            assertThat(again.scramUsers()).containsExactly("app", "stack-admin");
            try (Admin admin = again.admin()) {
                assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS))
                        .containsExactly(write);
            }
            // A restarted broker serves clients only after it has loaded users and ACLs: no waiting needed.
            produce(again, "kept", "after");
            assertThat(TopicContents.read(again.adminClientProperties(), "kept")).containsExactly("before", "after");
        }
        // The super user's credential was written at format time; another password is refused, and said so.
        KafkaSecurity other = KafkaSecurity.scram("stack-admin", "admin-Other-2");
        assertThatThrownBy(() -> EmbeddedKafka.builder(dir).security(other).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'stack-admin' cannot authenticate")
                .hasMessageNotContaining("admin-Other-2").hasMessageNotContaining(SECURITY.superUserPassword());
        // ...and the failed start left nothing running: the dir starts again with the right password.
        try (EmbeddedKafka third = EmbeddedKafka.builder(dir).security(SECURITY).start()) {
            assertThat(TopicContents.read(third.adminClientProperties(), "kept")).hasSize(2);
        }
    }

    @Test
    void securityIsCheckedBeforeAnythingStarts() {
        assertThatThrownBy(() -> KafkaSecurity.scram("stack-admin", "short"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8-128").hasMessageNotContaining("short");
        assertThatThrownBy(() -> KafkaSecurity.scram("stack-admin", "has,comma-in-it"))
                .hasMessageContaining("','").hasMessageNotContaining("has,comma");
        assertThatThrownBy(() -> KafkaSecurity.scram("bad name", "admin-Secret-1")).hasMessageContaining("'bad name'");
        assertThat(SECURITY.toString()).contains("stack-admin").doesNotContain(SECURITY.superUserPassword());
        try (EmbeddedKafka plain = EmbeddedKafka.start(dir)) {
            assertThatThrownBy(() -> plain.putScramUser("app", "app-Secret-1")).hasMessageContaining("without security");
            assertThatThrownBy(() -> plain.clientProperties("app", "app-Secret-1")).hasMessageContaining("without security");
        }
    }

    static String describeCluster(Map<String, Object> client) throws Exception {
        Map<String, Object> p = new HashMap<>(client);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        try (Admin admin = Admin.create(p)) {
            return admin.describeCluster().clusterId().get(20, TimeUnit.SECONDS);
        }
    }

    /** Sends one record as {@code app} and waits for the answer. */
    static void produce(EmbeddedKafka kafka, String topic, String value) throws Exception {
        Map<String, Object> p = kafka.clientProperties("app", "app-Secret-1");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, value)).get();
        }
    }

    /** New connections with the credential are refused once the broker has applied the deletion. */
    static void awaitRefused(Map<String, Object> client) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                describeCluster(client);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof SaslAuthenticationException) {
                    return;
                }
                throw e;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("credential still accepted 30 s after its deletion");
            }
        }
    }

    static void awaitProduced(EmbeddedKafka kafka, String topic, String value) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                produce(kafka, topic, value);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicAuthorizationException) || System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }
}
