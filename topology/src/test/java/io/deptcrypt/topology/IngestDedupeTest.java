package io.deptcrypt.topology;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.crypto.CleartextFields;
import io.deptcrypt.crypto.Sealer;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.testkit.InMemoryKeysTopic;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encryptor drops a second copy of an ingest event (the SQS source connector is at least once) before sealing it:
 * by eventId within its department, else by the connector's SQS message id, for {@code dedupe.window.ms} of record
 * time, in a changelogged store.
 */
class IngestDedupeTest {

    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path stateDir;

    Governance governance;
    EncryptorCounters counters;
    Sealer sealer;
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> ingest;
    TestOutputTopic<byte[], byte[]> shared;
    TestOutputTopic<byte[], byte[]> deadLetter;

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
        if (sealer != null) {
            sealer.close();
        }
    }

    private Topology start(Map<String, String> settings) throws Exception {
        EncryptorConfig cfg = EncryptorTopologyTest.config(settings);
        governance = cfg.governance();
        counters = new EncryptorCounters();
        sealer = Sealer.create(governance, RawAesKeyringProvider.generate(governance), cfg.sealer(), new InMemoryKeysTopic());
        Properties props = EncryptorApp.streamsProperties(cfg);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        Topology topology = EncryptorApp.topology(cfg, sealer, counters, () -> false);
        driver = new TopologyTestDriver(topology, props);
        ingest = driver.createInputTopic(governance.topics().ingest(), new ByteArraySerializer(), new ByteArraySerializer());
        shared = driver.createOutputTopic(governance.topics().shared(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        deadLetter = driver.createOutputTopic(governance.topics().deadLetter(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        return topology;
    }

    private void pipe(String json, String sqsMessageId, long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        if (sqsMessageId != null) {
            headers.add(IngestDeduplicator.MESSAGE_ID_HEADER, sqsMessageId.getBytes(UTF_8));
        }
        ingest.pipeInput(new TestRecord<>(null, json.getBytes(UTF_8), headers, timestamp));
    }

    private List<String> sharedEventIds() {
        return shared.readValuesToList().stream().map(v -> CleartextFields.read(v).eventId()).toList();
    }

    @Test
    void aSecondCopyOfAnEventIdWithinTheWindowIsDroppedAndCounted() throws Exception {
        start(Map.of());
        String e1 = "{\"department\":\"finance\",\"eventId\":\"e-1\",\"data\":\"a\"}";
        pipe(e1, "m-1", T0);
        pipe("{\"department\":\"finance\",\"eventId\":\"e-2\",\"data\":\"b\"}", "m-2", T0 + 1);
        pipe(e1, "m-1", T0); // the connector's copy: same message, same sent time
        pipe(e1, "m-3", T0 + 1_000); // the same event sent again as another SQS message a second later

        assertThat(sharedEventIds()).containsExactly("e-1", "e-2");
        assertThat(counters.sealed()).isEqualTo(2);
        assertThat(counters.deduplicated()).isEqualTo(2);
    }

    @Test
    void theSameEventIdInAnotherDepartmentIsAnotherEvent() throws Exception {
        start(Map.of());
        pipe("{\"department\":\"finance\",\"eventId\":\"e-1\",\"data\":\"a\"}", null, T0);
        pipe("{\"department\":\"sales\",\"eventId\":\"e-1\",\"data\":\"a\"}", null, T0);

        assertThat(sharedEventIds()).containsExactly("e-1", "e-1");
        assertThat(counters.deduplicated()).isZero();
    }

    @Test
    void aCopyOutsideTheWindowIsSealedAgain() throws Exception {
        start(Map.of(EncryptorConfig.DEDUPE_WINDOW_MS, "60000"));
        String e1 = "{\"department\":\"finance\",\"eventId\":\"e-1\",\"data\":\"a\"}";
        pipe(e1, null, T0);
        pipe(e1, null, T0 + 59_999);
        pipe(e1, null, T0 + 60_000);

        assertThat(sharedEventIds()).containsExactly("e-1", "e-1");
        assertThat(counters.deduplicated()).isEqualTo(1);
    }

    @Test
    void copiesLessThanAWindowAwayAreFoundAcrossEveryBucketEdge() throws Exception {
        long window = 60_000;
        start(Map.of(EncryptorConfig.DEDUPE_WINDOW_MS, Long.toString(window)));
        long bucket = 2 * window; // entries are filed by buckets of two windows (IngestDeduplicator)
        long edge = Math.floorDiv(T0, bucket) * bucket + bucket;
        // original, copy: the copy is in the next bucket's first half, a later bucket's, and (sent time earlier than
        // the original's) in the previous bucket's second half
        pipe(event("a"), null, edge - 1);
        pipe(event("a"), null, edge + window - 2);
        pipe(event("b"), null, edge + bucket - 1);
        pipe(event("b"), null, edge + bucket + window - 2);
        pipe(event("c"), null, edge + 3 * bucket);
        pipe(event("c"), null, edge + 3 * bucket - window + 1);
        // exactly a window away across an edge: another event
        pipe(event("d"), null, edge + 4 * bucket - 1);
        pipe(event("d"), null, edge + 4 * bucket + window - 1);

        assertThat(sharedEventIds()).containsExactly("a", "b", "c", "d", "d");
        assertThat(counters.deduplicated()).isEqualTo(3);
    }

    @Test
    void dropsExactlyTheCopiesLessThanAWindowAfterTheLastSealedOneOfTheirKey() throws Exception {
        long window = 1_000;
        start(Map.of(EncryptorConfig.DEDUPE_WINDOW_MS, Long.toString(window)));
        Random random = new Random(15);
        Map<String, Long> lastSealed = new HashMap<>();
        List<String> expected = new ArrayList<>();
        long t = T0 + 777;
        for (int i = 0; i < 3_000; i++) {
            t += random.nextInt((int) (window / 4)); // ingest time goes on, sometimes faster than a window per key
            String key = "k-" + random.nextInt(12);
            Long last = lastSealed.get(key);
            if (last == null || t - last >= window) {
                lastSealed.put(key, t);
                expected.add(key);
            }
            pipe(event(key), null, t);
        }

        assertThat(sharedEventIds()).containsExactlyElementsOf(expected);
        assertThat(counters.deduplicated()).isEqualTo(3_000 - expected.size()).isPositive();
    }

    @Test
    void anEntryWrittenBeforeBucketsIsStillFound() throws Exception {
        start(Map.of());
        long bucketStart = Math.floorDiv(T0, 2 * EncryptorConfig.DEDUPE_WINDOW_MS_DEFAULT)
                * 2 * EncryptorConfig.DEDUPE_WINDOW_MS_DEFAULT;
        RecordHeaders headers = new RecordHeaders();
        headers.add(IngestDeduplicator.MESSAGE_ID_HEADER, "m-old".getBytes(UTF_8));
        // the earlier layout: the entry filed under its own record time, holding the ingest offset alone
        WindowStore<Bytes, byte[]> store = driver.getWindowStore(IngestDeduplicator.STORE);
        store.put(new IngestDeduplicator(Duration.ofHours(1)).keyOf(headers), ByteBuffer.allocate(8).putLong(41).array(),
                bucketStart);
        pipe("{\"department\":\"finance\",\"data\":\"a\"}", "m-old", bucketStart);

        assertThat(shared.readValuesToList()).isEmpty();
        assertThat(counters.deduplicated()).isEqualTo(1);
    }

    private static String event(String eventId) {
        return "{\"department\":\"finance\",\"eventId\":\"" + eventId + "\",\"data\":\"a\"}";
    }

    @Test
    void withoutAnEventIdTheSqsMessageIdDecidesAndWithoutEitherNothingIsDropped() throws Exception {
        start(Map.of());
        String noId = "{\"department\":\"finance\",\"data\":\"a\"}";
        pipe(noId, "m-1", T0);
        pipe(noId, "m-1", T0); // the connector's copy
        pipe(noId, "m-2", T0); // another message with the same body: another event
        pipe(noId, null, T0);
        pipe(noId, null, T0); // no way to tell: both sealed

        assertThat(sharedEventIds()).hasSize(4).doesNotHaveDuplicates(); // ids derived from each ingest position
        assertThat(counters.deduplicated()).isEqualTo(1);
    }

    @Test
    void aCopyOfABadMessageGivesOneDeadLetter() throws Exception {
        start(Map.of());
        pipe("not json", "m-bad", T0);
        pipe("not json", "m-bad", T0);
        pipe("not json", null, T0);

        assertThat(deadLetter.readValuesToList()).hasSize(2);
        assertThat(counters.deadLettered()).isEqualTo(2);
        assertThat(counters.deduplicated()).isEqualTo(1);
    }

    @Test
    void theStoreIsChangeloggedAndKeepsNoEventIdInClear() throws Exception {
        Topology topology = start(Map.of());
        assertThat(topology.describe().toString()).contains(IngestDeduplicator.STORE);
        pipe("{\"department\":\"finance\",\"eventId\":\"visible-event-id\",\"data\":\"a\"}", "m-1", T0);

        String changelog = "deptcrypt-" + governance.owner() + "-" + IngestDeduplicator.STORE + "-changelog";
        assertThat(driver.producedTopicNames()).contains(changelog);
        List<TestRecord<byte[], byte[]>> entries = driver.createOutputTopic(changelog, new ByteArrayDeserializer(),
                new ByteArrayDeserializer()).readRecordsToList();
        assertThat(entries).hasSize(1);
        // a digest, not the event id or the message id
        assertThat(new String(entries.get(0).key(), UTF_8)).doesNotContain("visible-event-id").doesNotContain("m-1");
    }

    @Test
    void windowZeroMeansNoStoreAndNoDedupe() throws Exception {
        Topology topology = start(Map.of(EncryptorConfig.DEDUPE_WINDOW_MS, "0"));
        assertThat(topology.describe().toString()).doesNotContain(IngestDeduplicator.STORE);
        String e1 = "{\"department\":\"finance\",\"eventId\":\"e-1\",\"data\":\"a\"}";
        pipe(e1, "m-1", T0);
        pipe(e1, "m-1", T0);

        assertThat(sharedEventIds()).containsExactly("e-1", "e-1");
        assertThat(driver.producedTopicNames()).noneMatch(t -> t.endsWith("-changelog"));
    }

    @Test
    void theInMemoryStoreDropsCopiesToo() throws Exception {
        start(Map.of(EncryptorConfig.DEDUPE_STORE, "IN_MEMORY"));
        String e1 = "{\"department\":\"finance\",\"eventId\":\"e-1\",\"data\":\"a\"}";
        pipe(e1, null, T0);
        pipe(e1, null, T0);

        assertThat(sharedEventIds()).containsExactly("e-1");
        assertThat(counters.deduplicated()).isEqualTo(1);
    }
}
