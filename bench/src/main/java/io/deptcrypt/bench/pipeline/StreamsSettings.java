package io.deptcrypt.bench.pipeline;

import io.deptcrypt.runtime.StreamsLifecycle;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams, producer and consumer settings every app in a pair runs with, so the only difference between
 * the sides of a pair is the work per record: the deptcrypt apps' own defaults
 * ({@link StreamsLifecycle#defaultProperties}: exactly-once v2, tuned batching and polling) plus a few settings made
 * explicit, given to both sides (the encryptor and department consumer as their passthrough settings).
 */
final class StreamsSettings {

    private StreamsSettings() {}

    static Map<String, String> common(Path stateDir) {
        Map<String, String> m = new LinkedHashMap<>();
        Properties defaults = StreamsLifecycle.defaultProperties("unused", "unused:9092");
        defaults.remove(StreamsConfig.APPLICATION_ID_CONFIG);
        defaults.remove(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
        defaults.stringPropertyNames().stream().sorted().forEach(k -> m.put(k, defaults.getProperty(k)));
        m.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
        m.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        // the department consumer always reads committed; the plain one must too
        m.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        m.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return m;
    }

    static Properties properties(String applicationId, String bootstrap, Map<String, String> common) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.putAll(common);
        return p;
    }
}
