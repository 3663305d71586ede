package io.deptcrypt.consumers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.crypto.EnvelopeHeaders;
import io.deptcrypt.crypto.EnvelopeSerde;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.SealContext;
import io.deptcrypt.crypto.Sealer;
import io.deptcrypt.crypto.SealerConfig;
import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.runtime.KmsCallSensors;
import io.deptcrypt.runtime.MetricDefinition;
import io.deptcrypt.testkit.InMemoryKeysTopic;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A department consumer's counts appear among its Kafka Streams metrics, failures by reason. */
class ConsumerMetricsTest {

    @TempDir
    Path stateDir;

    @Test
    void openedIgnoredAndOpenFailuresAreCountedAsKafkaMetrics() throws Exception {
        DepartmentConsumerConfig cfg = DepartmentConsumerTopologyTest.config(Map.of("failure.action", "SKIP"));
        RawAesKeyringProvider keys = RawAesKeyringProvider.generate(cfg.governance());
        ConsumerCounters counters = new ConsumerCounters();
        Properties props = DepartmentConsumerApp.streamsProperties(cfg);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (Sealer encryptor = Sealer.create(cfg.governance(), keys, SealerConfig.defaults());
             Opener opener = Opener.create(keys.readerFor(cfg.governance(), "finance-consumer"), cfg.opener(),
                     new InMemoryKeysTopic());
             TopologyTestDriver driver = new TopologyTestDriver(
                     DepartmentConsumerApp.topology(cfg, opener, e -> { }, counters, () -> false), props)) {
            TestInputTopic<byte[], byte[]> shared = driver.createInputTopic(cfg.sharedTopic(),
                    new ByteArraySerializer(), new ByteArraySerializer());
            shared.pipeInput(sealed(encryptor, cfg, "finance", "f-1"));
            shared.pipeInput(sealed(encryptor, cfg, "finance", "f-2"));
            shared.pipeInput(sealed(encryptor, cfg, "sales", "s-1"));
            shared.pipeInput(DepartmentConsumerTopologyTest.raw("finance", DepartmentConsumerTopologyTest.garbage(),
                    "finance"));
            TestRecord<byte[], byte[]> sales = sealed(encryptor, cfg, "sales", "s-2");
            shared.pipeInput(new TestRecord<>("finance".getBytes(UTF_8), sales.value(), new RecordHeaders()));

            Map<MetricName, ? extends Metric> metrics = driver.metrics();
            Map<String, String> tags = Map.of(MetricDefinition.APPLICATION_TAG, cfg.applicationId(),
                    MetricDefinition.DEPARTMENT_TAG, "finance");
            assertThat(value(metrics, ConsumerMetrics.OPENED_TOTAL, tags)).isEqualTo(2);
            assertThat(value(metrics, ConsumerMetrics.OPENED_RATE, tags)).isPositive();
            assertThat(value(metrics, ConsumerMetrics.IGNORED_TOTAL, tags)).isEqualTo(1);
            assertThat(value(metrics, ConsumerMetrics.OPEN_FAILED_TOTAL, withReason(tags, "INVALID_ENVELOPE")))
                    .isEqualTo(1);
            assertThat(value(metrics, ConsumerMetrics.OPEN_FAILED_TOTAL, withReason(tags, "DEPARTMENT_MISMATCH")))
                    .isEqualTo(1);
            assertThat(value(metrics, ConsumerMetrics.OPEN_FAILED_TOTAL, withReason(tags, "ACCESS_DENIED"))).isZero();
            assertThat(counters.openFailed()).isEqualTo(2);
            assertThat(counters.skipped()).isEqualTo(2);
        }
    }

    @Test
    void everyMetricIsInTheConsumersOrTheKmsGroupAndCarriesTheApplicationTag() {
        assertThat(ConsumerMetrics.ALL).extracting(MetricDefinition::group)
                .containsOnly(ConsumerMetrics.GROUP, KmsCallSensors.GROUP);
        assertThat(ConsumerMetrics.ALL).allSatisfy(m -> assertThat(m.tags()).first()
                .isEqualTo(MetricDefinition.APPLICATION_TAG));
        assertThat(ConsumerMetrics.ALL).extracting(MetricDefinition::name).doesNotHaveDuplicates();
    }

    static TestRecord<byte[], byte[]> sealed(Sealer encryptor, DepartmentConsumerConfig cfg, String department,
                                             String eventId) {
        Envelope env = encryptor.seal(new SealContext(department, eventId, cfg.sharedTopic(), 1_000L, "text/plain"),
                "text".getBytes(UTF_8));
        Headers headers = new RecordHeaders();
        EnvelopeHeaders.write(headers, env);
        return new TestRecord<>(department.getBytes(UTF_8), EnvelopeSerde.toBytes(env), headers);
    }

    static Map<String, String> withReason(Map<String, String> tags, String reason) {
        Map<String, String> m = new HashMap<>(tags);
        m.put(MetricDefinition.REASON_TAG, reason);
        return m;
    }

    static double value(Map<MetricName, ? extends Metric> metrics, MetricDefinition metric, Map<String, String> tags) {
        Metric m = metrics.get(metric.metricName(tags));
        assertThat(m).as("metric " + metric.name() + tags).isNotNull();
        return ((Number) m.metricValue()).doubleValue();
    }
}
