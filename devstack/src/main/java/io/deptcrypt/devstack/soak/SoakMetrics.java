package io.deptcrypt.devstack.soak;

import io.deptcrypt.devstack.Stack;
import io.deptcrypt.topology.EncryptorApp;
import io.deptcrypt.topology.EncryptorMetrics;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/** The soak's readings of the apps' Kafka metrics (docs/metrics.md), taken on the sampling thread only. */
final class SoakMetrics {

    private static final String FETCH_GROUP = "consumer-fetch-manager-metrics";
    private static final String RECORDS_LAG = "records-lag";

    /** Each encryptor instance's last sealed total: a restarted encryptor's metrics start again at 0. */
    private final Map<EncryptorApp, Long> sealedByInstance = new IdentityHashMap<>();

    /** Records sealed so far, over every encryptor instance seen. */
    long sealed(Stack stack) {
        EncryptorApp encryptor = stack.encryptor();
        if (encryptor != null && running(encryptor.streams())) {
            sealedByInstance.put(encryptor, Math.max(0, sum(encryptor.streams().metrics(), EncryptorMetrics.SEALED_TOTAL.group(),
                    EncryptorMetrics.SEALED_TOTAL.name(), null)));
        }
        return sealedByInstance.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The largest department consumer lag on {@code topic} (records, summed over its partitions); -1 if no running
     * consumer has the metric (none runs, or none has fetched yet).
     */
    static long consumerLag(Stack stack, String topic) {
        long max = -1;
        for (Stack.Consumer c : stack.consumers().values()) {
            if (running(c.app().streams())) {
                max = Math.max(max, sum(c.app().streams().metrics(), FETCH_GROUP, RECORDS_LAG, topic));
            }
        }
        return max;
    }

    /**
     * The metric's values over all its tags (only those of {@code topic} if given); NaN values count as 0. -1 if the
     * metric is not there at all.
     */
    private static long sum(Map<MetricName, ? extends Metric> metrics, String group, String name, String topic) {
        double total = 0;
        boolean found = false;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            MetricName n = e.getKey();
            if (n.name().equals(name) && n.group().equals(group) && (topic == null || topic.equals(n.tags().get("topic")))
                    && e.getValue().metricValue() instanceof Number v) {
                found = true;
                total += Double.isNaN(v.doubleValue()) ? 0 : v.doubleValue();
            }
        }
        return found ? Math.round(total) : -1;
    }

    private static boolean running(KafkaStreams streams) {
        return streams.state().isRunningOrRebalancing();
    }
}
