package io.deptcrypt.runtime;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Rate;
import org.apache.kafka.common.metrics.stats.WindowedCount;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * Where an app's sensors live: its Kafka Streams metrics (so they are reported beside Streams' own, over JMX and to
 * any configured {@code metric.reporters}), or a plain {@link Metrics} in tests. A sensor is named after its metric
 * and tags, so asking twice (every task's processor asks) gives the same sensor.
 */
public final class SensorRegistry {

    private final Object source;
    private final Function<String, Sensor> sensors;

    private SensorRegistry(Object source, Function<String, Sensor> sensors) {
        this.source = source;
        this.sensors = sensors;
    }

    /** The sensors of a Kafka Streams app: {@code ProcessorContext.metrics()}, recorded at the INFO level. */
    public static SensorRegistry of(StreamsMetrics metrics) {
        return new SensorRegistry(metrics, name -> metrics.addSensor(name, Sensor.RecordingLevel.INFO));
    }

    public static SensorRegistry of(Metrics metrics) {
        return new SensorRegistry(metrics, metrics::sensor);
    }

    /** Counts events: {@code total} is every {@link Sensor#record()} since start, {@code rate} (nullable) per second. */
    public Sensor counter(MetricDefinition total, MetricDefinition rate, Map<String, String> tags) {
        Sensor s = sensors.apply(sensorName(total, tags));
        s.add(total.metricName(tags), new CumulativeCount());
        if (rate != null) {
            s.add(rate.metricName(tags), new Rate(TimeUnit.SECONDS, new WindowedCount()));
        }
        return s;
    }

    /** Durations recorded in milliseconds: their average and maximum over Kafka's metric sample window. */
    public Sensor latency(MetricDefinition avg, MetricDefinition max, Map<String, String> tags) {
        Sensor s = sensors.apply(sensorName(avg, tags));
        s.add(avg.metricName(tags), new Avg());
        s.add(max.metricName(tags), new Max());
        return s;
    }

    /** True if both put their sensors in the same registry. */
    public boolean sameAs(SensorRegistry other) {
        return other != null && other.source == source;
    }

    private static String sensorName(MetricDefinition metric, Map<String, String> tags) {
        return "deptcrypt." + metric.group() + "." + metric.name() + new TreeMap<>(tags);
    }
}
