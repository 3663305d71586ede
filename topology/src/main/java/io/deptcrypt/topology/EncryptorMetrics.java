package io.deptcrypt.topology;

import static io.deptcrypt.runtime.MetricDefinition.APPLICATION_TAG;
import static io.deptcrypt.runtime.MetricDefinition.DEPARTMENT_TAG;
import static io.deptcrypt.runtime.MetricDefinition.REASON_TAG;

import io.deptcrypt.governance.EncryptionContext;
import io.deptcrypt.runtime.DeadLetterHeaders;
import io.deptcrypt.runtime.KmsCallSensors;
import io.deptcrypt.runtime.MetricDefinition;
import io.deptcrypt.runtime.SensorRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.kafka.common.metrics.Sensor;

/**
 * The encryptor's metrics, one source for their names, tags and meaning ({@link #ALL}, which docs/metrics.md lists),
 * and their sensors in one Kafka Streams app's registry. A department's metrics appear with its first record, each
 * dead-letter reason's at once.
 */
public final class EncryptorMetrics {

    public static final String GROUP = "deptcrypt-encryptor-metrics";
    private static final List<String> BY_DEPARTMENT = List.of(APPLICATION_TAG, DEPARTMENT_TAG);
    private static final List<String> BY_REASON = List.of(APPLICATION_TAG, REASON_TAG);

    public static final MetricDefinition SEALED_TOTAL = new MetricDefinition("sealed-total", GROUP,
            "Events sealed for the department (for an event of a governance event type: the type's name, once"
                    + " for all its audiences) and forwarded to the shared topic (committed with the Streams"
                    + " transaction)", BY_DEPARTMENT);
    public static final MetricDefinition SEALED_RATE = new MetricDefinition("sealed-rate", GROUP,
            "Events sealed per second", BY_DEPARTMENT);
    public static final MetricDefinition DEDUPLICATED_TOTAL = new MetricDefinition("deduplicated-total", GROUP,
            "Ingest records dropped, unsealed, as second copies of an event sealed less than "
                    + EncryptorConfig.DEDUPE_WINDOW_MS + " before (same eventId, else same sqs.message.id header);"
                    + " department " + EncryptionContext.QUARANTINE_DEPARTMENT + " for copies of dead letters",
            BY_DEPARTMENT);
    public static final MetricDefinition DEDUPLICATED_RATE = new MetricDefinition("deduplicated-rate", GROUP,
            "Ingest records dropped as copies per second", BY_DEPARTMENT);
    public static final MetricDefinition DEAD_LETTERED_TOTAL = new MetricDefinition("dead-lettered-total", GROUP,
            "Ingest records sent to the dead-letter topic, sealed under the quarantine key; reason is the "
                    + DeadLetterHeaders.REASON + " header (NOT_JSON, UNKNOWN_DEPARTMENT, TOO_LARGE, ...)", BY_REASON);
    public static final MetricDefinition DEAD_LETTERED_RATE = new MetricDefinition("dead-lettered-rate", GROUP,
            "Ingest records dead-lettered per second", BY_REASON);
    public static final MetricDefinition DATA_KEY_ROTATIONS_TOTAL = new MetricDefinition("data-key-rotations-total",
            GROUP, "Data keys generated for the department (one KMS GenerateDataKey each): its first, then one per "
                    + EncryptorConfig.DATA_KEY_MAX_RECORDS + " records or " + EncryptorConfig.DATA_KEY_MAX_AGE_MS
                    + "; department " + EncryptionContext.QUARANTINE_DEPARTMENT + " for dead letters", BY_DEPARTMENT);
    public static final MetricDefinition REVOCATIONS_TOTAL = new MetricDefinition("revocations-total", GROUP,
            "Governance versions applied while running in which the department lost a reader: its data keys (and"
                    + " those of every audience set it is in) are retired, so its next record gets a fresh data key"
                    + " the revoked reader never unwrapped; department " + EncryptionContext.QUARANTINE_DEPARTMENT
                    + " when the quarantine lost one", BY_DEPARTMENT);

    /** Every metric the encryptor registers, its KMS calls' included. */
    public static final List<MetricDefinition> ALL = Stream.concat(Stream.of(SEALED_TOTAL, SEALED_RATE,
            DEDUPLICATED_TOTAL, DEDUPLICATED_RATE, DEAD_LETTERED_TOTAL, DEAD_LETTERED_RATE, DATA_KEY_ROTATIONS_TOTAL,
            REVOCATIONS_TOTAL), KmsCallSensors.ALL.stream()).toList();

    private final SensorRegistry registry;
    private final String application;
    private final Map<String, Sensor> sealed = new ConcurrentHashMap<>();
    private final Map<String, Sensor> deduplicated = new ConcurrentHashMap<>();
    private final Map<String, Sensor> rotations = new ConcurrentHashMap<>();
    private final Map<String, Sensor> revocations = new ConcurrentHashMap<>();
    private final Map<DeadLetterReason, Sensor> deadLettered = new EnumMap<>(DeadLetterReason.class);

    EncryptorMetrics(SensorRegistry registry, String application) {
        this.registry = registry;
        this.application = application;
        for (DeadLetterReason r : DeadLetterReason.values()) {
            deadLettered.put(r, registry.counter(DEAD_LETTERED_TOTAL, DEAD_LETTERED_RATE,
                    Map.of(APPLICATION_TAG, application, REASON_TAG, r.name())));
        }
    }

    SensorRegistry registry() {
        return registry;
    }

    void sealed(String department) {
        sealed.computeIfAbsent(department, d -> registry.counter(SEALED_TOTAL, SEALED_RATE, departmentTags(d))).record();
    }

    void deduplicated(String department) {
        deduplicated.computeIfAbsent(department,
                d -> registry.counter(DEDUPLICATED_TOTAL, DEDUPLICATED_RATE, departmentTags(d))).record();
    }

    void revocation(String department) {
        revocations.computeIfAbsent(department, d -> registry.counter(REVOCATIONS_TOTAL, null, departmentTags(d)))
                .record();
    }

    void deadLettered(DeadLetterReason reason) {
        deadLettered.get(reason).record();
    }

    void newDataKey(String department) {
        rotations.computeIfAbsent(department, d -> registry.counter(DATA_KEY_ROTATIONS_TOTAL, null, departmentTags(d)))
                .record();
    }

    private Map<String, String> departmentTags(String department) {
        return Map.of(APPLICATION_TAG, application, DEPARTMENT_TAG, department);
    }
}
