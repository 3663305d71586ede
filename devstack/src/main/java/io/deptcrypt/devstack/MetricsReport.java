package io.deptcrypt.devstack;

import io.deptcrypt.consumers.ConsumerMetrics;
import io.deptcrypt.runtime.KmsCallSensors;
import io.deptcrypt.runtime.MetricDefinition;
import io.deptcrypt.topology.EncryptorApp;
import io.deptcrypt.topology.EncryptorMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@code up --metrics-every SECONDS}: one line per running app, read from its Kafka metrics (docs/metrics.md), each
 * total summed over its tags. Read on a daemon thread of its own; an app that is not running is left out.
 */
final class MetricsReport implements AutoCloseable {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "deptcrypt-metrics-report");
        t.setDaemon(true);
        return t;
    });

    private MetricsReport() {}

    /** Prints {@link #lines} of {@code stack} to {@code console} every {@code period} (positive), first after one. */
    static MetricsReport every(Duration period, Stack stack, Console console) {
        MetricsReport report = new MetricsReport();
        report.timer.scheduleAtFixedRate(() -> lines(stack.encryptor(), stack.consumers()).forEach(console::line),
                period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return report;
    }

    static List<String> lines(EncryptorApp encryptor, Map<String, Stack.Consumer> consumers) {
        List<String> out = new ArrayList<>();
        if (encryptor != null && isRunning(encryptor.streams())) {
            out.add(encryptorLine(encryptor.streams().metrics()));
        }
        consumers.forEach((department, c) -> {
            if (isRunning(c.app().streams())) {
                out.add(consumerLine(department, c.app().streams().metrics()));
            }
        });
        return out;
    }

    static String encryptorLine(Map<MetricName, ? extends Metric> metrics) {
        return "metrics: encryptor sealed=" + sum(metrics, EncryptorMetrics.SEALED_TOTAL)
                + " dead-lettered=" + sum(metrics, EncryptorMetrics.DEAD_LETTERED_TOTAL)
                + " data-keys=" + sum(metrics, EncryptorMetrics.DATA_KEY_ROTATIONS_TOTAL) + kms(metrics);
    }

    static String consumerLine(String department, Map<MetricName, ? extends Metric> metrics) {
        return "metrics: " + department + " consumer opened=" + sum(metrics, ConsumerMetrics.OPENED_TOTAL)
                + " ignored=" + sum(metrics, ConsumerMetrics.IGNORED_TOTAL)
                + " open-failed=" + sum(metrics, ConsumerMetrics.OPEN_FAILED_TOTAL) + kms(metrics);
    }

    private static String kms(Map<MetricName, ? extends Metric> metrics) {
        return " kms-calls=" + sum(metrics, KmsCallSensors.REQUESTS_TOTAL)
                + " kms-errors=" + sum(metrics, KmsCallSensors.ERRORS_TOTAL);
    }

    /** The metric's values over all its tags (all departments, reasons or operations), as a whole count. */
    static long sum(Map<MetricName, ? extends Metric> metrics, MetricDefinition metric) {
        double total = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            if (e.getKey().name().equals(metric.name()) && e.getKey().group().equals(metric.group())
                    && e.getValue().metricValue() instanceof Number n) {
                total += n.doubleValue();
            }
        }
        return Math.round(total);
    }

    private static boolean isRunning(KafkaStreams streams) {
        return streams.state().isRunningOrRebalancing();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
