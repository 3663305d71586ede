package io.deptcrypt.runtime;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.MetricName;

/**
 * One metric a deptcrypt app registers among its Kafka Streams metrics: over JMX the attribute {@code name} of the
 * MBean {@code kafka.streams:type=GROUP,TAG=value,...}. Each app lists its own in one class; docs/metrics.md is
 * checked against those lists.
 *
 * @param tags the tag keys, in the order they are documented
 */
public record MetricDefinition(String name, String group, String description, List<String> tags) {

    /** The Streams application.id of the app that registered the metric. */
    public static final String APPLICATION_TAG = "application";
    /** The department the counted records were sealed for (encryptor) or the consumer reads (consumers). */
    public static final String DEPARTMENT_TAG = "department";
    /** Why a record went to a dead-letter topic or could not be opened: the value of its reason header. */
    public static final String REASON_TAG = "reason";

    public MetricDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(description, "description");
        tags = List.copyOf(tags);
    }

    /** The Kafka metric name with these tag values; they must be exactly this metric's tags. */
    public MetricName metricName(Map<String, String> tagValues) {
        if (!tagValues.keySet().equals(Set.copyOf(tags))) {
            throw new IllegalArgumentException("metric " + name + " has tags " + tags + ", given " + tagValues.keySet());
        }
        return new MetricName(name, group, description, tagValues);
    }
}
