package io.deptcrypt.topology;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.crypto.Sealer;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.runtime.KmsRetry;
import io.deptcrypt.testkit.InMemoryKeysTopic;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-key order: an event's partition key (its {@code partitionKey} field, else the SQS FIFO group id header the
 * connector writes) decides its shared-topic partition, whatever its department; events without one spread as before.
 */
class PerKeyOrderTest {

    private static final int PARTITIONS = 6;

    private Sealer sealer;
    private MockProcessorContext<byte[], SealedEvent> context;
    private SealProcessor processor;
    private long offset;

    @BeforeEach
    void setUp() throws Exception {
        EncryptorConfig cfg = EncryptorTopologyTest.config(Map.of());
        Governance g = cfg.governance();
        sealer = Sealer.create(g, RawAesKeyringProvider.generate(g), cfg.sealer(), new InMemoryKeysTopic());
        processor = new SealProcessor(new IngestParser(g.departmentNames(), 4096), sealer, KmsRetry.defaults(),
                () -> false, new EncryptorCounters(), g.topics().shared(), g.topics().deadLetter(), null);
        context = new MockProcessorContext<>();
        processor.init(context);
    }

    @AfterEach
    void tearDown() {
        sealer.close();
    }

    private SealedEvent seal(String json, String groupIdHeader) {
        context.setRecordMetadata("deptcrypt.ingest", 0, offset++);
        RecordHeaders headers = new RecordHeaders();
        if (groupIdHeader != null) {
            headers.add(IngestParser.PARTITION_KEY_HEADER, groupIdHeader.getBytes(UTF_8));
        }
        context.resetForwards();
        processor.process(new Record<>(null, json.getBytes(UTF_8), 1_700_000_000_000L, headers));
        List<MockProcessorContext.CapturedForward<? extends byte[], ? extends SealedEvent>> out = context.forwarded();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).childName()).hasValue(SealProcessor.SHARED_SINK);
        return out.get(0).record().value();
    }

    private static int partition(Partitioning p, SealedEvent e) {
        return new SharedTopicPartitioner(p).partitions("shared", null, e, PARTITIONS).orElseThrow().iterator().next();
    }

    @Test
    void theFieldDecidesThePartitionForEveryDepartmentAndBothSettings() {
        Set<Integer> forOrder42 = new HashSet<>();
        for (String dept : List.of("finance", "sales")) {
            for (int i = 0; i < 20; i++) {
                SealedEvent e = seal("{\"department\":\"" + dept + "\",\"data\":\"x\",\"eventId\":\"" + dept + i
                        + "\",\"partitionKey\":\"order-42\"}", null);
                assertThat(e.partitionKey()).isEqualTo("order-42");
                forOrder42.add(partition(Partitioning.EVENT_ID, e));
                forOrder42.add(partition(Partitioning.DEPARTMENT, e));
            }
        }
        assertThat(forOrder42).as("one partition for one key, whatever department or setting").hasSize(1);
    }

    @Test
    void theFieldWinsOverTheGroupIdHeaderWhichIsUsedWithoutIt() {
        SealedEvent both = seal("{\"department\":\"finance\",\"data\":\"x\",\"partitionKey\":\"account-7\"}", "group-1");
        SealedEvent header = seal("{\"department\":\"finance\",\"data\":\"x\"}", "group-1");
        SealedEvent none = seal("{\"department\":\"finance\",\"data\":\"x\"}", null);
        assertThat(both.partitionKey()).isEqualTo("account-7");
        assertThat(header.partitionKey()).isEqualTo("group-1");
        assertThat(none.partitionKey()).isNull();
        // the key is not carried in clear: not in the sealed value
        assertThat(new String(both.value(), UTF_8)).doesNotContain("account-7");
    }

    @Test
    void keysSpreadOverEveryPartitionAndEventsWithoutOneStillSpread() {
        Set<Integer> byKey = new HashSet<>();
        Set<Integer> byEventId = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            byKey.add(partition(Partitioning.DEPARTMENT, seal("{\"department\":\"finance\",\"data\":\"x\","
                    + "\"partitionKey\":\"customer-" + i + "\"}", null)));
            byEventId.add(partition(Partitioning.EVENT_ID, seal("{\"department\":\"finance\",\"data\":\"x\"}", null)));
        }
        assertThat(byKey).as("many keys of one department use every partition").hasSize(PARTITIONS);
        assertThat(byEventId).hasSize(PARTITIONS);
    }
}
