package io.deptcrypt.runtime;

import io.deptcrypt.crypto.DataKeyDirectory;
import io.deptcrypt.crypto.DataKeyId;
import io.deptcrypt.crypto.EnvelopeException;
import io.deptcrypt.crypto.KeysTopicUnavailableException;
import io.deptcrypt.crypto.PublishedDataKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data keys a reader can use: the keys topic ({@code topics.keys}) read from its start, {@code read_committed},
 * by a consumer of its own (assigned, no group) in a thread of its own, every record decoded once into memory.
 * <p>
 * A lookup of a known id answers from memory. A lookup of an id not seen yet asks the thread to read the topic up to
 * its end offsets as of that moment and waits (at most the catch-up timeout): a record sealed after its key was
 * published (the encryptor waits for the acknowledgement first) therefore always finds it, wherever the reader
 * started. If the topic, read that far, has no such record the answer is empty (the opener then refuses the record);
 * if it cannot be read that far in time, {@link KeysTopicUnavailableException} (retried, like a KMS outage).
 * Records that are not valid data key records are logged and skipped; a tombstone removes its key.
 */
public final class KafkaDataKeyDirectory implements DataKeyDirectory, AutoCloseable {

    public static final Duration DEFAULT_CATCH_UP_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(KafkaDataKeyDirectory.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Duration catchUpTimeout;
    private final Map<DataKeyId, PublishedDataKey> keys = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<CatchUp> requests = new ConcurrentLinkedQueue<>();
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean closing;
    /** Why the topic cannot be read right now, for the message of a lookup that timed out; null when it can. */
    private volatile String trouble = "not read yet";

    private KafkaDataKeyDirectory(String topic, Map<String, Object> clientProperties, Duration catchUpTimeout,
            String name) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.catchUpTimeout = catchUpTimeout;
        Map<String, Object> p = new HashMap<>(clientProperties);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false); // a missing keys topic is a deployment error
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, name + "-keys");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, name + "-keys-directory");
        this.thread.setDaemon(true);
    }

    /**
     * Starts reading {@code topic} from its start.
     *
     * @param clientProperties bootstrap servers and security settings for a consumer
     * @param name             names the thread and client id
     */
    public static KafkaDataKeyDirectory start(Map<String, Object> clientProperties, String topic,
            Duration catchUpTimeout, String name) {
        KafkaDataKeyDirectory d = new KafkaDataKeyDirectory(topic, clientProperties, catchUpTimeout, name);
        d.thread.start();
        return d;
    }

    /** With the consumer settings of a Streams app (bootstrap servers, security and consumer overrides). */
    public static KafkaDataKeyDirectory forStreamsApp(Properties streamsProperties, String topic, String name) {
        Map<String, Object> p = new StreamsConfig(streamsProperties).getGlobalConsumerConfigs(name + "-keys");
        return start(p, topic, DEFAULT_CATCH_UP_TIMEOUT, name);
    }

    @Override
    public Optional<PublishedDataKey> find(DataKeyId id) {
        PublishedDataKey known = keys.get(id);
        if (known != null) {
            return Optional.of(known);
        }
        if (closing) {
            throw new IllegalStateException("the data key directory of " + topic + " is closed");
        }
        CatchUp request = new CatchUp();
        requests.add(request);
        consumer.wakeup(); // the thread may be in a poll
        try {
            if (!request.done.await(catchUpTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                requests.remove(request);
                throw new KeysTopicUnavailableException("could not read the keys topic " + topic + " to its end within "
                        + catchUpTimeout.toMillis() + " ms to find data key " + id + " (" + trouble + ")", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeysTopicUnavailableException("interrupted while looking up data key " + id + " in " + topic, e);
        }
        return Optional.ofNullable(keys.get(id));
    }

    /** Waits until the topic has been read to its end once. */
    public boolean awaitLoaded(Duration timeout) throws InterruptedException {
        return loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Data keys known right now. */
    public int size() {
        return keys.size();
    }

    private void run() {
        Map<TopicPartition, Long> target = null; // end offsets the requests being served wait for
        boolean needTarget = true; // the initial load waits for the end offsets of the start
        List<CatchUp> serving = new ArrayList<>();
        Set<TopicPartition> assigned = new HashSet<>();
        while (!closing) {
            try {
                if (assigned.isEmpty() || !requests.isEmpty()) {
                    assignNewPartitions(assigned);
                }
                if (assigned.isEmpty()) {
                    trouble = "the topic does not exist";
                    waitBeforeRetry();
                    continue;
                }
                if (!requests.isEmpty()) {
                    // every request asked before these end offsets were read is answered once the thread is there
                    for (CatchUp r; (r = requests.poll()) != null; ) {
                        serving.add(r);
                    }
                    needTarget = true;
                }
                if (needTarget) {
                    target = consumer.endOffsets(assigned, Duration.ofSeconds(10));
                    needTarget = false;
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    accept(r);
                }
                trouble = null;
                if (target != null && reached(target)) {
                    loaded.countDown();
                    serving.forEach(r -> r.done.countDown());
                    serving.clear();
                    target = null;
                }
            } catch (WakeupException e) {
                // a new lookup: served on the next turn
            } catch (InterruptException e) {
                break;
            } catch (RuntimeException e) {
                if (closing) {
                    break;
                }
                trouble = e.toString();
                LOG.warn("cannot read the keys topic {} now ({}); readers wait, then retry", topic, e.toString());
                needTarget = true;
                waitBeforeRetry();
            }
        }
        // close() interrupts this thread to end a blocking call; the consumer's close would throw on that flag
        Thread.interrupted();
        try {
            consumer.close(Duration.ofSeconds(2));
        } catch (InterruptException | WakeupException e) {
            LOG.debug("keys topic reader of {} closed while interrupted", topic);
        }
    }

    private void assignNewPartitions(Set<TopicPartition> assigned) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
        Set<TopicPartition> fresh = new HashSet<>();
        for (PartitionInfo i : infos == null ? List.<PartitionInfo>of() : infos) {
            TopicPartition tp = new TopicPartition(topic, i.partition());
            if (!assigned.contains(tp)) {
                fresh.add(tp);
            }
        }
        if (!fresh.isEmpty()) {
            assigned.addAll(fresh);
            consumer.assign(assigned);
            consumer.seekToBeginning(fresh);
        }
    }

    private boolean reached(Map<TopicPartition, Long> target) {
        for (Map.Entry<TopicPartition, Long> e : target.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void accept(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            if (r.key() != null && r.key().length == DataKeyId.BYTES) {
                keys.remove(DataKeyId.of(r.key()));
            }
            return;
        }
        try {
            PublishedDataKey k = PublishedDataKey.decode(r.key(), r.value());
            PublishedDataKey before = keys.put(k.id(), k);
            if (before != null && !before.sameRecordAs(k)) {
                LOG.warn("the keys topic {} has another record for data key {} at {}-{}@{}; records sealed under the"
                        + " earlier one no longer open", topic, k.id(), r.topic(), r.partition(), r.offset());
            }
        } catch (EnvelopeException e) {
            LOG.warn("skipped an invalid record of the keys topic at {}-{}@{}: {}", r.topic(), r.partition(),
                    r.offset(), e.getMessage());
        }
    }

    private void waitBeforeRetry() {
        try {
            stopped.await(500, TimeUnit.MILLISECONDS); // the broker or topic is away: no record to wait on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = true;
        }
    }

    /** Counted down by {@link #close()}: ends a wait before a retry. */
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public void close() {
        closing = true;
        stopped.countDown();
        consumer.wakeup(); // ends a poll; no interrupt: the consumer must close cleanly on its thread
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (CatchUp r; (r = requests.poll()) != null; ) {
            r.done.countDown();
        }
    }

    /** One lookup waiting for the thread to have read the topic to the end offsets of when it was asked. */
    private static final class CatchUp {
        final CountDownLatch done = new CountDownLatch(1);
    }
}
