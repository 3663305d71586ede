package io.deptcrypt.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Remembers, per Streams task, the dedupe key of each ingest record sealed in the last {@code dedupe.window.ms} of
 * record time, so that a second copy of it (the SQS source connector is at least once) is dropped before sealing.
 * The key is a SHA-256 digest of the event's routing name and eventId, or else of the connector's
 * {@value #MESSAGE_ID_HEADER} header: no identifier of an event is written in clear to the store's changelog, and
 * every entry has the same size. A window store: its segments expire with stream time, no punctuator scans it; its
 * changelog (and, under exactly_once_v2, the same transaction as the output and offsets) makes it survive a restart
 * or a move of the task to another instance. One instance per processor, used on its task's thread only.
 *
 * <p>Entries are filed under buckets of twice the window, by the start of the bucket their record time falls in, and
 * hold that exact time. A record less than a window away from {@code t} is then in {@code t}'s bucket or in the one
 * on the side of {@code t}'s nearer edge, so a lookup is two point gets ({@link WindowStore#fetch(Object, long)}),
 * not a range scan: a RocksDB iterator per segment cost more than the sealing (docs/performance.md). Public for
 * the bench's {@code DedupeLookupBenchmark}, which measures this class on Kafka's own store.
 */
public final class IngestDeduplicator {

    public static final String STORE = "ingest-dedupe";
    /**
     * The ingest header the SQS source connector writes each message's id to ({@code SqsRecordMapper.HEADER_MESSAGE_ID}
     * in connectors/, which the encryptor does not depend on).
     */
    static final String MESSAGE_ID_HEADER = "sqs.message.id";

    private static final byte[] EVENT_ID_KIND = "eventId".getBytes(StandardCharsets.UTF_8);
    private static final byte[] MESSAGE_ID_KIND = MESSAGE_ID_HEADER.getBytes(StandardCharsets.UTF_8);
    /** An entry: the ingest offset the record was sealed from, then its record time. */
    private static final int ENTRY_BYTES = 2 * Long.BYTES;

    private final long windowMs;
    private final long bucketMs;
    private final MessageDigest sha256;
    private WindowStore<Bytes, byte[]> store;

    public IngestDeduplicator(Duration window) {
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("a dedupe window must be positive, was " + window);
        }
        this.windowMs = window.toMillis();
        this.bucketMs = bucketOf(window);
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e); // every Java SE runtime has it
        }
    }

    /**
     * The store the topology adds for {@code window}; changelogged (Kafka Streams' default for a store builder). Its
     * retention is three windows: an entry's bucket starts up to two windows before its record time, and it must
     * outlive that time by a window of stream time.
     */
    public static StoreBuilder<WindowStore<Bytes, byte[]>> storeBuilder(Duration window, DedupeStore kind) {
        Duration bucket = Duration.ofMillis(bucketOf(window));
        Duration retention = window.multipliedBy(3);
        WindowBytesStoreSupplier supplier = switch (kind) {
            case PERSISTENT -> Stores.persistentWindowStore(STORE, retention, bucket, false);
            case IN_MEMORY -> Stores.inMemoryWindowStore(STORE, retention, bucket, false);
        };
        return Stores.windowStoreBuilder(supplier, Serdes.Bytes(), Serdes.ByteArray());
    }

    private static long bucketOf(Duration window) {
        return Math.multiplyExact(window.toMillis(), 2);
    }

    void init(ProcessorContext<?, ?> context) {
        init(context.<WindowStore<Bytes, byte[]>>getStateStore(STORE));
    }

    /** Uses {@code store}, one that {@link #storeBuilder} built. */
    public void init(WindowStore<Bytes, byte[]> store) {
        this.store = store;
    }

    /**
     * The dedupe key of a valid event: by its eventId (within its department or type) when it has one, else by the
     * SQS message id; null when it has neither (never deduplicated).
     */
    Bytes keyOf(IngestParser.Valid event, Headers ingestHeaders) {
        if (event.eventId() != null) {
            return digest(EVENT_ID_KIND, event.routingName().getBytes(StandardCharsets.UTF_8),
                    event.eventId().getBytes(StandardCharsets.UTF_8));
        }
        return keyOf(ingestHeaders);
    }

    /** The dedupe key of an ingest record by its SQS message id alone (dead letters), or null without one. */
    Bytes keyOf(Headers ingestHeaders) {
        Header h = ingestHeaders.lastHeader(MESSAGE_ID_HEADER);
        if (h == null || h.value() == null || h.value().length == 0) {
            return null;
        }
        return digest(MESSAGE_ID_KIND, h.value());
    }

    /**
     * The ingest offset a record of the same key was sealed from, if its timestamp is less than the window away from
     * {@code timestamp}; else null.
     */
    public Long sealedFrom(Bytes key, long timestamp) {
        long bucket = bucketStart(timestamp);
        Long found = sealedFrom(key, bucket, timestamp);
        if (found != null) {
            return found;
        }
        boolean nearerEarlierEdge = timestamp - bucket < windowMs;
        if (nearerEarlierEdge) {
            return bucket >= bucketMs ? sealedFrom(key, bucket - bucketMs, timestamp) : null;
        }
        return bucket <= Long.MAX_VALUE - bucketMs ? sealedFrom(key, bucket + bucketMs, timestamp) : null;
    }

    private Long sealedFrom(Bytes key, long bucket, long timestamp) {
        byte[] entry = store.fetch(key, bucket);
        if (entry == null) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(entry);
        long offset = b.getLong();
        // an 8-byte entry predates buckets: it was filed under its own record time
        long sealedAt = entry.length >= ENTRY_BYTES ? b.getLong() : bucket;
        return Math.abs(timestamp - sealedAt) < windowMs ? offset : null;
    }

    /** Remembers that the record at {@code offset}, of {@code key} and {@code timestamp}, was sealed. */
    public void remember(Bytes key, long timestamp, long offset) {
        store.put(key, ByteBuffer.allocate(ENTRY_BYTES).putLong(offset).putLong(timestamp).array(), bucketStart(timestamp));
    }

    private long bucketStart(long timestamp) {
        return Math.floorDiv(timestamp, bucketMs) * bucketMs;
    }

    /** Each part prefixed by its length, so that no two different lists of parts give the same input. */
    private Bytes digest(byte[]... parts) {
        for (byte[] p : parts) {
            int n = p.length;
            sha256.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
            sha256.update(p);
        }
        return Bytes.wrap(sha256.digest());
    }
}
