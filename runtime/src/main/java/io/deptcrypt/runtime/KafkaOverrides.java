package io.deptcrypt.runtime;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Kafka settings passed through from a config file: {@code streams.<name>} (any Streams or client setting, applied
 * as Streams applies unprefixed settings), {@code producer.<name>} and {@code consumer.<name>} (applied to that client
 * only). Names are checked against Kafka's own config definitions so a typo is an error, not a silent no-op; values
 * are Kafka's to check when the app starts. The values of secret settings are never shown.
 */
public record KafkaOverrides(Map<String, String> streams, Map<String, String> producer, Map<String, String> consumer) {

    public static final String STREAMS_PREFIX = "streams.";
    public static final String PRODUCER_PREFIX = "producer.";
    public static final String CONSUMER_PREFIX = "consumer.";

    private static final Set<String> STREAMS_NAMES = streamsNames();

    public KafkaOverrides {
        streams = Map.copyOf(streams);
        producer = Map.copyOf(producer);
        consumer = Map.copyOf(consumer);
    }

    public static KafkaOverrides none() {
        return new KafkaOverrides(Map.of(), Map.of(), Map.of());
    }

    private static Set<String> streamsNames() {
        Set<String> names = new HashSet<>(StreamsConfig.configDef().names());
        names.addAll(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return Set.copyOf(names);
    }

    /**
     * Reads the three prefixes, recording a problem in {@code c} for each name Kafka does not know and each name in
     * {@code refused} (a Kafka setting the app sets itself, mapped to why), and keeps the others.
     */
    public static KafkaOverrides from(ConfigCheck c, Map<String, String> refused) {
        return new KafkaOverrides(check(c, STREAMS_PREFIX, refused), check(c, PRODUCER_PREFIX, refused),
                check(c, CONSUMER_PREFIX, refused));
    }

    private static Map<String, String> check(ConfigCheck c, String prefix, Map<String, String> refused) {
        Map<String, String> kept = new TreeMap<>();
        c.claimPrefix(prefix).forEach((name, value) -> {
            Optional<String> problem = problem(prefix + name, refused);
            if (problem.isPresent()) {
                c.problem(prefix + name, problem.get());
            } else {
                kept.put(name, value);
            }
        });
        return kept;
    }

    /**
     * What is wrong with passthrough key {@code key} (e.g. {@code streams.num.stream.threads}), if anything: not a
     * passthrough prefix, a name the client does not know, or a setting in {@code refused}.
     */
    public static Optional<String> problem(String key, Map<String, String> refused) {
        for (String prefix : List.of(STREAMS_PREFIX, PRODUCER_PREFIX, CONSUMER_PREFIX)) {
            if (key.startsWith(prefix)) {
                String name = key.substring(prefix.length());
                if (refused.containsKey(name)) {
                    return Optional.of(refused.get(name));
                }
                Set<String> known = switch (prefix) {
                    case PRODUCER_PREFIX -> ProducerConfig.configNames();
                    case CONSUMER_PREFIX -> ConsumerConfig.configNames();
                    default -> STREAMS_NAMES;
                };
                String what = switch (prefix) {
                    case PRODUCER_PREFIX -> "Kafka producer";
                    case CONSUMER_PREFIX -> "Kafka consumer";
                    default -> "Kafka Streams";
                };
                return known.contains(name) ? Optional.empty() : Optional.of("'" + name + "' is not a " + what + " setting");
            }
        }
        return Optional.of("not a passthrough key (" + STREAMS_PREFIX + "*, " + PRODUCER_PREFIX + "*, " + CONSUMER_PREFIX
                + "*)");
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
        Map<String, String> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, ConfigProperties.isSecret(k) ? "****" : v));
        return out;
    }
}
