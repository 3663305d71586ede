package io.deptcrypt.runtime;

import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Kafka settings passed through from a config file: {@code streams.<name>} (any Streams or client setting, applied
 * as Streams applies unprefixed settings), {@code producer.<name>} and {@code consumer.<name>} (applied to that client
 * only). Names are checked against Kafka's own config definitions so a typo is an error, not a silent no-op.
 */
public record KafkaOverrides(Map<String, String> streams, Map<String, String> producer, Map<String, String> consumer) {

    public static final String STREAMS_PREFIX = "streams.";
    public static final String PRODUCER_PREFIX = "producer.";
    public static final String CONSUMER_PREFIX = "consumer.";

    public KafkaOverrides {
        streams = Map.copyOf(streams);
        producer = Map.copyOf(producer);
        consumer = Map.copyOf(consumer);
    }

    public static KafkaOverrides none() {
        return new KafkaOverrides(Map.of(), Map.of(), Map.of());
    }

    /**
     * Reads the three prefixes. {@code managed} maps Kafka names that have their own top-level key (for example
     * {@code application.id}) to that key, so overriding them through a prefix is refused.
     */
    public static KafkaOverrides from(ConfigProperties p, Map<String, String> managed) {
        Set<String> streamsNames = new HashSet<>(StreamsConfig.configDef().names());
        streamsNames.addAll(ProducerConfig.configNames());
        streamsNames.addAll(ConsumerConfig.configNames());
        streamsNames.addAll(AdminClientConfig.configNames());
        Map<String, String> streams = check(p, STREAMS_PREFIX, p.withPrefix(STREAMS_PREFIX), streamsNames, managed, "Kafka Streams");
        Map<String, String> producer = check(p, PRODUCER_PREFIX, p.withPrefix(PRODUCER_PREFIX), ProducerConfig.configNames(), managed, "Kafka producer");
        Map<String, String> consumer = check(p, CONSUMER_PREFIX, p.withPrefix(CONSUMER_PREFIX), ConsumerConfig.configNames(), managed, "Kafka consumer");
        return new KafkaOverrides(streams, producer, consumer);
    }

    private static Map<String, String> check(ConfigProperties p, String prefix, Map<String, String> values,
                                             Set<String> known, Map<String, String> managed, String what) {
        for (String name : values.keySet()) {
            if (managed.containsKey(name)) {
                throw p.error(prefix + name, "set this with '" + managed.get(name) + "' instead");
            }
            if (!known.contains(name)) {
                throw p.error(prefix + name, "'" + name + "' is not a " + what + " setting");
            }
        }
        return values;
    }

    /** Applies the overrides on top of {@code props} (which already holds the app's defaults). */
    public void applyTo(Properties props) {
        props.putAll(streams);
        producer.forEach((k, v) -> props.put(StreamsConfig.producerPrefix(k), v));
        consumer.forEach((k, v) -> props.put(StreamsConfig.consumerPrefix(k), v));
    }

    @Override
    public String toString() {
        return "KafkaOverrides[streams=" + masked(streams) + ", producer=" + masked(producer) + ", consumer=" + masked(consumer) + "]";
    }

    private static Map<String, String> masked(Map<String, String> m) {
        var out = new java.util.TreeMap<String, String>();
        m.forEach((k, v) -> out.put(k, ConfigProperties.isSecret(k) ? "****" : v));
        return out;
    }
}
