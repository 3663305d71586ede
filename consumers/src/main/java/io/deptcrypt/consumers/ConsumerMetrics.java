package io.deptcrypt.consumers;

import static io.deptcrypt.runtime.MetricDefinition.APPLICATION_TAG;
import static io.deptcrypt.runtime.MetricDefinition.DEPARTMENT_TAG;
import static io.deptcrypt.runtime.MetricDefinition.REASON_TAG;

import io.deptcrypt.runtime.DeadLetterHeaders;
import io.deptcrypt.runtime.KmsCallSensors;
import io.deptcrypt.runtime.MetricDefinition;
import io.deptcrypt.runtime.SensorRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.metrics.Sensor;

/**
 * A department consumer's metrics, one source for their names, tags and meaning ({@link #ALL}, which
 * docs/metrics.md lists), and their sensors in one Kafka Streams app's registry; all appear when the app starts.
 */
public final class ConsumerMetrics {

    public static final String GROUP = "deptcrypt-consumer-metrics";
    private static final List<String> BY_DEPARTMENT = List.of(APPLICATION_TAG, DEPARTMENT_TAG);
    private static final List<String> BY_REASON = List.of(APPLICATION_TAG, DEPARTMENT_TAG, REASON_TAG);

    public static final MetricDefinition OPENED_TOTAL = new MetricDefinition("opened-total", GROUP,
            "Records of the department opened and handed to the sink (and the plaintext topic, if configured)",
            BY_DEPARTMENT);
    public static final MetricDefinition OPENED_RATE = new MetricDefinition("opened-rate", GROUP,
            "Records opened per second", BY_DEPARTMENT);
    public static final MetricDefinition IGNORED_TOTAL = new MetricDefinition("ignored-total", GROUP,
            "Records of other departments passed over without decoding their values", BY_DEPARTMENT);
    public static final MetricDefinition OPEN_FAILED_TOTAL = new MetricDefinition("open-failed-total", GROUP,
            "Records of the department that could not be opened, whatever the failure action (FAIL counts the one"
                    + " that stopped the app); reason is ACCESS_DENIED, INVALID_ENVELOPE or DEPARTMENT_MISMATCH, as the "
                    + DeadLetterHeaders.REASON + " header of a dead-lettered record names it", BY_REASON);
    public static final MetricDefinition OPEN_FAILED_RATE = new MetricDefinition("open-failed-rate", GROUP,
            "Records that could not be opened, per second", BY_REASON);

    public static final MetricDefinition REVOCATIONS_TOTAL = new MetricDefinition("revocations-total", GROUP,
            "Governance versions applied while running that took the application's read access to the department"
                    + " away (revoked, or the department removed): its cached data keys were dropped at once, so KMS"
                    + " decides the next record", BY_DEPARTMENT);

    /** Every metric a department consumer registers, its KMS calls' included. */
    public static final List<MetricDefinition> ALL = Stream.concat(Stream.of(OPENED_TOTAL, OPENED_RATE,
            IGNORED_TOTAL, OPEN_FAILED_TOTAL, OPEN_FAILED_RATE, REVOCATIONS_TOTAL), KmsCallSensors.ALL.stream()).toList();

    private final SensorRegistry registry;
    private final Sensor opened;
    private final Sensor ignored;
    private final Sensor revocations;
    private final Map<OpenFailureReason, Sensor> failed = new EnumMap<>(OpenFailureReason.class);

    ConsumerMetrics(SensorRegistry registry, String application, String department) {
        this.registry = registry;
        Map<String, String> tags = Map.of(APPLICATION_TAG, application, DEPARTMENT_TAG, department);
        this.opened = registry.counter(OPENED_TOTAL, OPENED_RATE, tags);
        this.ignored = registry.counter(IGNORED_TOTAL, null, tags);
        this.revocations = registry.counter(REVOCATIONS_TOTAL, null, tags);
        for (OpenFailureReason r : OpenFailureReason.values()) {
            failed.put(r, registry.counter(OPEN_FAILED_TOTAL, OPEN_FAILED_RATE,
                    Map.of(APPLICATION_TAG, application, DEPARTMENT_TAG, department, REASON_TAG, r.name())));
        }
    }

    SensorRegistry registry() {
        return registry;
    }

    void opened() {
        opened.record();
    }

    void ignored() {
        ignored.record();
    }

    void revocation() {
        revocations.record();
    }

    void openFailed(OpenFailureReason reason) {
        failed.get(reason).record();
    }
}
