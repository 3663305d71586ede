package io.deptcrypt.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class KafkaOverridesTest {

    static final Map<String, String> REFUSED = Map.of("application.id", "set it with 'application.id' instead");

    static ConfigCheck check(Map<String, String> raw) {
        ConfigDef def = new ConfigDef().define("application.id", ConfigDef.Type.STRING, null, ConfigDef.Importance.LOW, "id");
        return ConfigCheck.of(def, ConfigProperties.of(raw, "kafka.properties", null, null));
    }

    @Test
    void theThreePrefixesGoToTheirClientsOnTopOfTheAppsDefaults() {
        ConfigCheck c = check(Map.of("streams.num.stream.threads", "2", "streams.acks", "all", "producer.linger.ms", "5",
                "consumer.fetch.min.bytes", "1", "streams.state.dir", ""));
        KafkaOverrides k = KafkaOverrides.from(c, REFUSED);
        c.throwIfInvalid();
        assertThat(k.streams()).containsExactlyInAnyOrderEntriesOf(Map.of("num.stream.threads", "2", "acks", "all"));
        Properties p = new Properties();
        p.put("linger.ms", "20");
        k.applyTo(p);
        assertThat(p).containsEntry("num.stream.threads", "2").containsEntry("linger.ms", "20")
                .containsEntry(StreamsConfig.producerPrefix("linger.ms"), "5")
                .containsEntry(StreamsConfig.consumerPrefix("fetch.min.bytes"), "1")
                .doesNotContainKey("state.dir"); // empty: not set
    }

    @Test
    void unknownNamesForTheClientAndRefusedSettingsAreProblemsNamingTheKeyButNotTheValue() {
        ConfigCheck c = check(Map.of("streams.num.stream.thread", "2", "producer.max.poll.records", "5",
                "consumer.acks", "all", "streams.application.id", "secret-app", "producer.sasl.jaas.config", "hunter2"));
        KafkaOverrides k = KafkaOverrides.from(c, REFUSED);
        assertThat(c.problems()).containsExactly(
                "streams.application.id: set it with 'application.id' instead",
                "streams.num.stream.thread: 'num.stream.thread' is not a Kafka Streams setting",
                "producer.max.poll.records: 'max.poll.records' is not a Kafka producer setting",
                "consumer.acks: 'acks' is not a Kafka consumer setting");
        assertThat(k.producer()).containsOnlyKeys("sasl.jaas.config");
        assertThat(k.toString()).doesNotContain("hunter2").contains("sasl.jaas.config=****");
    }

    @Test
    void anyKeyCanBeAskedAbout() {
        assertThat(KafkaOverrides.problem("streams.commit.interval.ms", Map.of())).isEmpty();
        assertThat(KafkaOverrides.problem("consumer.isolation.level", Map.of("isolation.level", "fixed"))).contains("fixed");
        assertThat(KafkaOverrides.problem("kafka.acks", Map.of())).hasValueSatisfying(p -> assertThat(p).startsWith("not a passthrough key"));
    }
}
