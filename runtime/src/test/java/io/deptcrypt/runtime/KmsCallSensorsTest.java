package io.deptcrypt.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.crypto.KmsOperation;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Metrics;
import org.junit.jupiter.api.Test;

/** KMS calls become Kafka metrics by operation once bound; binding twice to one registry counts once. */
class KmsCallSensorsTest {

    static double value(Metrics metrics, MetricDefinition metric, String operation) {
        MetricName name = metric.metricName(Map.of(MetricDefinition.APPLICATION_TAG, "enc",
                KmsCallSensors.OPERATION_TAG, operation));
        return ((Number) metrics.metrics().get(name).metricValue()).doubleValue();
    }

    @Test
    void callsAreCountedTimedAndTheirErrorsCountedByOperation() {
        try (Metrics metrics = new Metrics()) {
            KmsCallSensors kms = new KmsCallSensors();
            kms.called(KmsOperation.DECRYPT, 1_000_000, false); // before binding: not recorded
            kms.bind(SensorRegistry.of(metrics), "enc");
            kms.bind(SensorRegistry.of(metrics), "enc"); // a second task's processor
            kms.called(KmsOperation.GENERATE_DATA_KEY, 2_000_000, false);
            kms.called(KmsOperation.GENERATE_DATA_KEY, 6_000_000, true);
            kms.called(KmsOperation.DECRYPT, 1_000_000, false);

            assertThat(value(metrics, KmsCallSensors.REQUESTS_TOTAL, "GenerateDataKey")).isEqualTo(2.0);
            assertThat(value(metrics, KmsCallSensors.ERRORS_TOTAL, "GenerateDataKey")).isEqualTo(1.0);
            assertThat(value(metrics, KmsCallSensors.REQUEST_LATENCY_AVG, "GenerateDataKey")).isEqualTo(4.0);
            assertThat(value(metrics, KmsCallSensors.REQUEST_LATENCY_MAX, "GenerateDataKey")).isEqualTo(6.0);
            assertThat(value(metrics, KmsCallSensors.REQUESTS_TOTAL, "Decrypt")).isEqualTo(1.0);
            assertThat(value(metrics, KmsCallSensors.ERRORS_TOTAL, "Decrypt")).isZero();
            assertThat(value(metrics, KmsCallSensors.REQUESTS_TOTAL, "Encrypt")).isZero();
            assertThat(value(metrics, KmsCallSensors.REQUEST_RATE, "GenerateDataKey")).isPositive();
        }
    }

    @Test
    void aNewRegistryTakesOverWhenTheAppsStreamsAreReplaced() {
        try (Metrics first = new Metrics(); Metrics second = new Metrics()) {
            KmsCallSensors kms = new KmsCallSensors();
            kms.bind(SensorRegistry.of(first), "enc");
            kms.called(KmsOperation.DECRYPT, 1, false);
            kms.bind(SensorRegistry.of(second), "enc");
            kms.called(KmsOperation.DECRYPT, 1, false);
            kms.called(KmsOperation.DECRYPT, 1, false);

            assertThat(value(first, KmsCallSensors.REQUESTS_TOTAL, "Decrypt")).isEqualTo(1.0);
            assertThat(value(second, KmsCallSensors.REQUESTS_TOTAL, "Decrypt")).isEqualTo(2.0);
        }
    }
}
