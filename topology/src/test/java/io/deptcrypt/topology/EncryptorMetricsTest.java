package io.deptcrypt.topology;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.crypto.Sealer;
import io.deptcrypt.governance.EncryptionContext;
import io.deptcrypt.runtime.KmsCallSensors;
import io.deptcrypt.runtime.MetricDefinition;
import io.deptcrypt.testkit.InMemoryKeysTopic;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The encryptor's counts appear among its Kafka Streams metrics, by department and by dead-letter reason. */
class EncryptorMetricsTest {

    @TempDir
    Path stateDir;

    @Test
    void sealedDeadLetteredAndNewDataKeysAreCountedAsKafkaMetrics() throws Exception {
        EncryptorConfig cfg = EncryptorTopologyTest.config(Map.of("data.key.max.records", "2"));
        RawAesKeyringProvider keys = RawAesKeyringProvider.generate(cfg.governance());
        EncryptorCounters counters = new EncryptorCounters();
        Properties props = EncryptorApp.streamsProperties(cfg);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (Sealer sealer = Sealer.create(cfg.governance(), keys, cfg.sealer(), new InMemoryKeysTopic());
             AutoCloseable observed = EncryptorApp.observe(sealer, keys, counters);
             TopologyTestDriver driver = new TopologyTestDriver(
                     EncryptorApp.topology(cfg, sealer, counters, () -> false), props)) {
            TestInputTopic<byte[], byte[]> ingest = driver.createInputTopic(cfg.governance().topics().ingest(),
                    new ByteArraySerializer(), new ByteArraySerializer());
            for (String json : new String[] {
                    "{\"department\":\"finance\",\"data\":\"f1\"}",
                    "{\"department\":\"finance\",\"data\":\"f2\"}",
                    "{\"department\":\"finance\",\"data\":\"f3\"}", // a second finance data key
                    "{\"department\":\"sales\",\"data\":\"s1\"}",
                    "not json",
                    "{\"department\":\"hr\",\"data\":\"h1\"}"}) {
                ingest.pipeInput(null, json.getBytes(UTF_8));
            }
            Map<MetricName, ? extends Metric> metrics = driver.metrics();
            String app = cfg.applicationId();

            assertThat(value(metrics, EncryptorMetrics.SEALED_TOTAL, app, "department", "finance")).isEqualTo(3);
            assertThat(value(metrics, EncryptorMetrics.SEALED_TOTAL, app, "department", "sales")).isEqualTo(1);
            assertThat(value(metrics, EncryptorMetrics.SEALED_RATE, app, "department", "finance")).isPositive();
            assertThat(value(metrics, EncryptorMetrics.DEAD_LETTERED_TOTAL, app, "reason", "NOT_JSON")).isEqualTo(1);
            assertThat(value(metrics, EncryptorMetrics.DEAD_LETTERED_TOTAL, app, "reason", "UNKNOWN_DEPARTMENT"))
                    .isEqualTo(1);
            assertThat(value(metrics, EncryptorMetrics.DEAD_LETTERED_TOTAL, app, "reason", "TOO_LARGE")).isZero();
            assertThat(value(metrics, EncryptorMetrics.DATA_KEY_ROTATIONS_TOTAL, app, "department", "finance"))
                    .isEqualTo(2);
            assertThat(value(metrics, EncryptorMetrics.DATA_KEY_ROTATIONS_TOTAL, app, "department", "sales"))
                    .isEqualTo(1);
            assertThat(value(metrics, EncryptorMetrics.DATA_KEY_ROTATIONS_TOTAL, app, "department",
                    EncryptionContext.QUARANTINE_DEPARTMENT)).isEqualTo(1);
            // the in-process counts say the same
            assertThat(counters.sealed()).isEqualTo(4);
            assertThat(counters.deadLettered()).isEqualTo(2);
            assertThat(counters.dataKeysGenerated()).isEqualTo(4);
        }
    }

    @Test
    void everyMetricIsInTheEncryptorsOrTheKmsGroupAndCarriesTheApplicationTag() {
        assertThat(EncryptorMetrics.ALL).extracting(MetricDefinition::group)
                .containsOnly(EncryptorMetrics.GROUP, KmsCallSensors.GROUP);
        assertThat(EncryptorMetrics.ALL).allSatisfy(m -> assertThat(m.tags()).first()
                .isEqualTo(MetricDefinition.APPLICATION_TAG));
        assertThat(EncryptorMetrics.ALL).extracting(MetricDefinition::name).doesNotHaveDuplicates();
    }

    static double value(Map<MetricName, ? extends Metric> metrics, MetricDefinition metric, String application,
                        String tag, String tagValue) {
        MetricName name = metric.metricName(Map.of(MetricDefinition.APPLICATION_TAG, application, tag, tagValue));
        Metric m = metrics.get(name);
        assertThat(m).as("metric " + name).isNotNull();
        return ((Number) m.metricValue()).doubleValue();
    }
}
