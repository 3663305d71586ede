package io.deptcrypt.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.crypto.EnvelopeHeaders;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.topology.IngestParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** The baselines do the encryptor's routing work on the benchmark's events (no broker, no benchmark run). */
class RouteTopologyTest {

    private static final Governance G = PipelineSuite.withTopics(
            GovernanceLoader.load(Path.of("../config/governance.yaml")), "in", "out", "dlq");

    @Test
    void benchmarkEventsAreOneKilobyteValidEventsOfEachDepartmentInTurn() {
        IngestEvents events = new IngestEvents(G.departmentNames());
        IngestParser parser = new IngestParser(G.departmentNames(), 1 << 20);
        for (int i = 0; i < 4; i++) {
            byte[] e = events.event(i);
            assertThat(e).hasSize(IngestEvents.EVENT_BYTES);
            IngestParser.Valid v = (IngestParser.Valid) parser.parse(e);
            assertThat(v.department()).isEqualTo(G.departmentNames().get(i % 2));
            assertThat(v.eventId()).isEqualTo(IngestEvents.eventId(i));
        }
        assertThat(events.countFor(G.departmentNames().get(0), 5)).isEqualTo(3);
        assertThat(events.countFor(G.departmentNames().get(1), 5)).isEqualTo(2);
    }

    @Test
    void passthroughKeysByDepartmentAndWritesThePlaintextWithHeaders() {
        IngestEvents events = new IngestEvents(G.departmentNames());
        LongAdder processed = new LongAdder();
        try (TopologyTestDriver driver = new TopologyTestDriver(RouteTopology.plaintext(G, processed), props())) {
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic("in", new ByteArraySerializer(), new ByteArraySerializer());
            TestOutputTopic<String, byte[]> out = driver.createOutputTopic("out", new StringDeserializer(), new ByteArrayDeserializer());
            TestOutputTopic<String, byte[]> dlq = driver.createOutputTopic("dlq", new StringDeserializer(), new ByteArrayDeserializer());
            in.pipeInput(events.event(0));
            in.pipeInput("not json".getBytes(StandardCharsets.UTF_8));

            List<TestRecord<String, byte[]>> shared = out.readRecordsToList();
            assertThat(shared).hasSize(1);
            TestRecord<String, byte[]> r = shared.get(0);
            assertThat(r.key()).isEqualTo(G.departmentNames().get(0));
            IngestParser.Valid v = (IngestParser.Valid) new IngestParser(G.departmentNames(), 1 << 20).parse(events.event(0));
            assertThat(r.value()).isEqualTo(v.plaintext());
            assertThat(EnvelopeHeaders.department(r.headers())).contains(G.departmentNames().get(0));
            assertThat(EnvelopeHeaders.eventId(r.headers())).contains(IngestEvents.eventId(0));
            assertThat(dlq.readRecordsToList()).hasSize(1);
            assertThat(processed.sum()).isEqualTo(2);
        }
    }

    @Test
    void plainConsumerKeepsOnlyItsDepartment() {
        AtomicLong delivered = new AtomicLong();
        LongAdder seen = new LongAdder();
        String mine = G.departmentNames().get(0);
        try (TopologyTestDriver driver = new TopologyTestDriver(
                PlainConsumerTopology.build("out", mine, (ts, bytes) -> delivered.incrementAndGet(), seen), props())) {
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic("out", new ByteArraySerializer(), new ByteArraySerializer());
            in.pipeInput(mine.getBytes(StandardCharsets.UTF_8), new byte[10]);
            in.pipeInput(G.departmentNames().get(1).getBytes(StandardCharsets.UTF_8), new byte[10]);
            assertThat(delivered.get()).isEqualTo(1);
            assertThat(seen.sum()).isEqualTo(2);

            // AES_GCM_V2 records: no key, kept by the audience header alone
            in.pipeInput(new TestRecord<>(null, new byte[10], new RecordHeaders()
                    .add(EnvelopeHeaders.AUDIENCE, mine.getBytes(StandardCharsets.UTF_8))));
            in.pipeInput(new TestRecord<>(null, new byte[10], new RecordHeaders()
                    .add(EnvelopeHeaders.AUDIENCE, G.departmentNames().get(1).getBytes(StandardCharsets.UTF_8))));
            assertThat(delivered.get()).isEqualTo(2);
            assertThat(seen.sum()).isEqualTo(4);
        }
    }

    private static Properties props() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        return p;
    }
}
