package io.deptcrypt.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.consumers.ConsumerMetrics;
import io.deptcrypt.crypto.KmsOperation;
import io.deptcrypt.runtime.KmsCallSensors;
import io.deptcrypt.runtime.MetricDefinition;
import io.deptcrypt.runtime.SensorRegistry;
import io.deptcrypt.topology.EncryptorMetrics;
import java.util.Map;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.junit.jupiter.api.Test;

/** The report's lines sum each app's metrics over their tags. */
class MetricsReportTest {

    static Sensor counter(SensorRegistry r, MetricDefinition total, String tag, String value) {
        return r.counter(total, null, Map.of(MetricDefinition.APPLICATION_TAG, "app", tag, value));
    }

    @Test
    void theEncryptorsLineAddsUpDepartmentsReasonsAndOperations() {
        try (Metrics metrics = new Metrics()) {
            SensorRegistry r = SensorRegistry.of(metrics);
            Sensor finance = counter(r, EncryptorMetrics.SEALED_TOTAL, MetricDefinition.DEPARTMENT_TAG, "finance");
            Sensor sales = counter(r, EncryptorMetrics.SEALED_TOTAL, MetricDefinition.DEPARTMENT_TAG, "sales");
            Sensor notJson = counter(r, EncryptorMetrics.DEAD_LETTERED_TOTAL, MetricDefinition.REASON_TAG, "NOT_JSON");
            KmsCallSensors kms = new KmsCallSensors();
            kms.bind(r, "app");
            finance.record();
            finance.record();
            sales.record();
            notJson.record();
            kms.called(KmsOperation.GENERATE_DATA_KEY, 1_000, false);
            kms.called(KmsOperation.GENERATE_DATA_KEY, 1_000, true);

            assertThat(MetricsReport.encryptorLine(metrics.metrics())).isEqualTo(
                    "metrics: encryptor sealed=3 dead-lettered=1 data-keys=0 kms-calls=2 kms-errors=1");
        }
    }

    @Test
    void aConsumersLineNamesItsDepartment() {
        try (Metrics metrics = new Metrics()) {
            SensorRegistry r = SensorRegistry.of(metrics);
            counter(r, ConsumerMetrics.OPENED_TOTAL, MetricDefinition.DEPARTMENT_TAG, "finance").record();
            assertThat(MetricsReport.consumerLine("finance", metrics.metrics())).isEqualTo(
                    "metrics: finance consumer opened=1 ignored=0 open-failed=0 kms-calls=0 kms-errors=0");
        }
    }
}
