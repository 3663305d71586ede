package io.deptcrypt.runtime;

import static io.deptcrypt.runtime.MetricDefinition.APPLICATION_TAG;

import io.deptcrypt.crypto.KmsCallObserver;
import io.deptcrypt.crypto.KmsOperation;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.metrics.Sensor;

/**
 * An app's KMS calls as Kafka metrics, by operation: requests, their latency, errors. Registered with the app's
 * {@code KeyringProvider} when the app starts and bound to its Streams metrics by the first processor that starts
 * (every KMS call is made from a processor, so none is missed); binding again to the same registry changes nothing.
 */
public final class KmsCallSensors implements KmsCallObserver {

    public static final String GROUP = "deptcrypt-kms-metrics";
    /** The KMS API action: {@code GenerateDataKey}, {@code Encrypt} or {@code Decrypt}. */
    public static final String OPERATION_TAG = "operation";
    private static final List<String> TAGS = List.of(APPLICATION_TAG, OPERATION_TAG);

    public static final MetricDefinition REQUESTS_TOTAL = new MetricDefinition("kms-requests-total", GROUP,
            "KMS calls made, failed ones included (one per SDK call; the SDK's own retries inside it are not counted)",
            TAGS);
    public static final MetricDefinition REQUEST_RATE = new MetricDefinition("kms-request-rate", GROUP,
            "KMS calls per second", TAGS);
    public static final MetricDefinition REQUEST_LATENCY_AVG = new MetricDefinition("kms-request-latency-avg", GROUP,
            "Average duration of a KMS call in milliseconds, the SDK's retries included", TAGS);
    public static final MetricDefinition REQUEST_LATENCY_MAX = new MetricDefinition("kms-request-latency-max", GROUP,
            "Longest KMS call in milliseconds, the SDK's retries included", TAGS);
    public static final MetricDefinition ERRORS_TOTAL = new MetricDefinition("kms-errors-total", GROUP,
            "KMS calls that failed: refused (access denied, disabled key), throttled, timed out or unreachable", TAGS);
    public static final List<MetricDefinition> ALL = List.of(REQUESTS_TOTAL, REQUEST_RATE, REQUEST_LATENCY_AVG,
            REQUEST_LATENCY_MAX, ERRORS_TOTAL);

    private volatile Bound bound;

    /** Records from now on into {@code registry}'s sensors, tagged with {@code application}. */
    public void bind(SensorRegistry registry, String application) {
        Bound b = bound;
        if (b == null || !b.registry.sameAs(registry)) {
            bound = new Bound(registry, application);
        }
    }

    @Override
    public void called(KmsOperation operation, long nanos, boolean failed) {
        Bound b = bound;
        if (b == null) {
            return; // no processor started yet: no KMS call is made outside one
        }
        b.requests.get(operation).record();
        b.latency.get(operation).record(nanos / 1_000_000.0);
        if (failed) {
            b.errors.get(operation).record();
        }
    }

    private static final class Bound {
        final SensorRegistry registry;
        final Map<KmsOperation, Sensor> requests = new EnumMap<>(KmsOperation.class);
        final Map<KmsOperation, Sensor> latency = new EnumMap<>(KmsOperation.class);
        final Map<KmsOperation, Sensor> errors = new EnumMap<>(KmsOperation.class);

        Bound(SensorRegistry registry, String application) {
            this.registry = registry;
            for (KmsOperation op : KmsOperation.values()) {
                Map<String, String> tags = Map.of(APPLICATION_TAG, application, OPERATION_TAG, op.awsName());
                requests.put(op, registry.counter(REQUESTS_TOTAL, REQUEST_RATE, tags));
                latency.put(op, registry.latency(REQUEST_LATENCY_AVG, REQUEST_LATENCY_MAX, tags));
                errors.put(op, registry.counter(ERRORS_TOTAL, null, tags));
            }
        }
    }
}
