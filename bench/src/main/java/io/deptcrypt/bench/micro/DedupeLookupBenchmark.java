package io.deptcrypt.bench.micro;

import io.deptcrypt.topology.DedupeStore;
import io.deptcrypt.topology.IngestDeduplicator;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Why the encryptor's dedupe store ({@code IngestDeduplicator} in topology/) files its entries under buckets of two
 * windows and looks up with two point gets: what a new event costs the stream thread (a lookup that finds nothing,
 * then an entry remembered) in Kafka's RocksDB window store holding an hour of events, by the earlier layout
 * ({@code RANGE}: entries under their own record time, a fetch over the window either side, a RocksDB iterator per
 * segment; no longer in the encryptor, so written out here) and the current one ({@code BUCKETS}: the encryptor's
 * {@link IngestDeduplicator} on the store it builds). Both keep the store's changelog off: it costs the same in both.
 * Not in the micro suite's tables; run it with JMH's own runner (docs/performance.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DedupeLookupBenchmark {

    private static final long WINDOW_MS = 3_600_000; // dedupe.window.ms's default
    /** Events per millisecond of record time: about the encryptor's rate on this machine. */
    private static final int EVENTS_PER_MS = 40;

    @Param({"RANGE", "BUCKETS"})
    public String layout;

    /** Entries already in the store, spread over the last window. */
    @Param({"200000"})
    public int entries;

    private Path stateDir;
    private TopologyTestDriver driver;
    private WindowStore<Bytes, byte[]> store;
    private IngestDeduplicator dedupe;
    private final SplittableRandom random = new SplittableRandom(15);
    private long start;
    private long events;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        stateDir = Files.createTempDirectory("deptcrypt-dedupe-bench");
        boolean buckets = layout.equals("BUCKETS");
        Duration window = Duration.ofMillis(WINDOW_MS);
        StoreBuilder<WindowStore<Bytes, byte[]>> builder = (buckets
                ? IngestDeduplicator.storeBuilder(window, DedupeStore.PERSISTENT)
                : Stores.windowStoreBuilder(Stores.persistentWindowStore(IngestDeduplicator.STORE, window, window, false),
                        Serdes.Bytes(), Serdes.ByteArray())).withLoggingDisabled();
        Topology topology = new Topology();
        topology.addSource("in", new ByteArrayDeserializer(), new ByteArrayDeserializer(), "in");
        topology.addProcessor("noop", () -> new Processor<byte[], byte[], Void, Void>() {
            @Override
            public void process(Record<byte[], byte[]> record) {}
        }, "in");
        topology.addStateStore(builder, "noop");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "dedupe-bench");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(topology, props);
        store = driver.getWindowStore(IngestDeduplicator.STORE);
        dedupe = new IngestDeduplicator(window);
        dedupe.init(store);
        start = 1_700_000_000_000L;
        for (int i = 0; i < entries; i++) {
            newEvent(start + (long) i * WINDOW_MS / entries);
        }
        start += WINDOW_MS;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        driver.close();
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** One event not seen before: look it up (nothing found), then remember it. */
    @Benchmark
    public boolean newEvent() {
        return newEvent(start + events++ / EVENTS_PER_MS);
    }

    /** The lookup alone, of a key the store does not hold. */
    @Benchmark
    public boolean lookupOnly() {
        return lookup(randomKey(), start + events / EVENTS_PER_MS);
    }

    private boolean newEvent(long timestamp) {
        Bytes key = randomKey();
        boolean found = lookup(key, timestamp);
        if (layout.equals("BUCKETS")) {
            dedupe.remember(key, timestamp, events);
        } else {
            store.put(key, ByteBuffer.allocate(8).putLong(events).array(), timestamp);
        }
        return found;
    }

    private boolean lookup(Bytes key, long timestamp) {
        if (layout.equals("BUCKETS")) {
            return dedupe.sealedFrom(key, timestamp) != null;
        }
        try (WindowStoreIterator<byte[]> it = store.fetch(key, timestamp - WINDOW_MS + 1, timestamp + WINDOW_MS - 1)) {
            return it.hasNext();
        }
    }

    private Bytes randomKey() {
        byte[] digest = new byte[32]; // a SHA-256 dedupe key
        ByteBuffer.wrap(digest).putLong(random.nextLong()).putLong(random.nextLong()).putLong(random.nextLong())
                .putLong(random.nextLong());
        return Bytes.wrap(digest);
    }
}
