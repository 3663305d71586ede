package io.deptcrypt.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
