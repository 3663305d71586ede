package io.deptcrypt.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class EmbeddedConnectTest {

    @TempDir
    Path dir;

    @Test
    void runsAConnectorCreatedThroughRest() {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir);
             EmbeddedConnect connect = EmbeddedConnect.start(kafka.bootstrapServers())) {
            assertThat(connect.restUrl().toString()).startsWith("http://127.0.0.1:");
            assertThat(connect.connectors()).isEmpty();

            var bad = connect.validate(CountingSourceConnector.class.getName(), Map.of("topic", "out", "count", "0"));
            assertThat(bad.errors()).containsOnlyKeys("count");
            assertThat(bad.errorCount()).isEqualTo(1);

            kafka.createTopic("out", 1);
            connect.createConnector("counter", Map.of(
                    "connector.class", CountingSourceConnector.class.getName(),
                    "tasks.max", "1", "topic", "out", "count", "5"));
            connect.awaitRunning("counter", 1, Duration.ofSeconds(60));
            assertThat(EmbeddedKafkaTest.readAll(kafka.bootstrapServers(), "out", 5)).containsExactly("0", "1", "2", "3", "4");

            connect.deleteConnector("counter");
            assertThat(connect.connectors()).doesNotContain("counter");
            assertThatThrownBy(() -> connect.createConnector("broken", Map.of(
                    "connector.class", CountingSourceConnector.class.getName(), "topic", "out")))
                    .isInstanceOf(EmbeddedConnect.ConnectRestException.class)
                    .hasMessageContaining("count");
        }
    }

    /** The worker and its connector's producer authenticate as the worker's own principal, with only its ACLs. */
    @Test
    void runsAsItsOwnPrincipalOnASecuredCluster() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder(dir).security(SecuredKafkaTest.SECURITY).start()) {
            kafka.createTopic("out", 1);
            kafka.putScramUser("connect", "connect-Secret-1");
            String group = EmbeddedConnect.DEFAULT_GROUP_ID;
            try (Admin admin = kafka.admin()) {
                admin.createAcls(List.of(
                        allow(ResourceType.TOPIC, group + "-", PatternType.PREFIXED, AclOperation.ALL),
                        allow(ResourceType.GROUP, group, PatternType.LITERAL, AclOperation.ALL),
                        allow(ResourceType.TOPIC, "out", PatternType.LITERAL, AclOperation.WRITE)))
                        .all().get(30, TimeUnit.SECONDS);
            }
            Map<String, Object> client = kafka.clientProperties("connect", "connect-Secret-1");
            try (EmbeddedConnect connect = EmbeddedConnect.start(kafka, client, Map.of())) {
                connect.createConnector("counter", Map.of(
                        "connector.class", CountingSourceConnector.class.getName(),
                        "tasks.max", "1", "topic", "out", "count", "3"));
                connect.awaitRunning("counter", 1, Duration.ofSeconds(60));
                assertThat(awaitRecords(kafka, "out", 3)).containsExactly("0", "1", "2");
            }
            try (Admin admin = kafka.admin()) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                        .contains(group + "-configs", group + "-offsets", group + "-status");
            }
        }
    }

    private static AclBinding allow(ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:connect", "*", operation, AclPermissionType.ALLOW));
    }

    /** The topic's records once it has {@code count}; the task writes them a moment after it runs. */
    private static List<String> awaitRecords(EmbeddedKafka kafka, String topic, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<String> values = TopicContents.read(kafka.adminClientProperties(), topic);
        while (values.size() < count && System.nanoTime() < deadline) {
            values = TopicContents.read(kafka.adminClientProperties(), topic);
        }
        return values;
    }
}
