package io.deptcrypt.runtime;

import io.deptcrypt.governance.AppliedGovernance;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the governance topic ({@code topics.governance}) in a thread of its own and hands every applied version
 * newer than the last one seen to a listener: how a running app learns of a change {@code governance apply} made,
 * within a second or so, without a restart. It reads with its own consumer (assigned, no group), from the start of the
 * one partition, so a restarted app also catches up with the latest version.
 *
 * <p>Nothing on the topic can grant an app anything: the key policies decide what KMS allows. A version only tells
 * a reader to drop cached data keys (after which KMS is asked again) and the encryptor which departments to seal for;
 * the broker's ACLs let only key admins write it. Versions that do not parse, or that change what an app cannot take
 * over while running (account, region, owner, topics), are logged and skipped.
 */
public final class GovernanceWatcher implements AutoCloseable {

    /** Receives each newer applied version, on the watcher's thread. */
    @FunctionalInterface
    public interface Listener {
        void applied(AppliedGovernance applied, Governance governance);
    }

    private static final Logger LOG = LoggerFactory.getLogger(GovernanceWatcher.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** How long {@link #startCaughtUp} waits for the topic to be read to its end. */
    public static final Duration CATCH_UP_AT_START = Duration.ofSeconds(15);

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Listener listener;
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile Governance current;
    private volatile long version;
    private volatile boolean closing;

    private GovernanceWatcher(String topic, Map<String, Object> clientProperties, Governance running, Listener listener,
                              String name) {
        this.topic = topic;
        this.listener = listener;
        this.current = running;
        Map<String, Object> p = new HashMap<>(clientProperties);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 200);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, name + "-governance");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, name + "-governance-watcher");
        this.thread.setDaemon(true);
    }

    /**
     * Starts following {@code running.topics().governance()}.
     *
     * @param clientProperties bootstrap servers and security settings for a consumer
     * @param running          the governance the app started with
     * @param name             names the thread and client id
     */
    public static GovernanceWatcher start(Map<String, Object> clientProperties, Governance running, Listener listener,
                                          String name) {
        GovernanceWatcher w = new GovernanceWatcher(running.topics().governance(), clientProperties, running,
                Objects.requireNonNull(listener), name);
        w.thread.start();
        return w;
    }

    /**
     * As {@link #start}, then waits up to {@link #CATCH_UP_AT_START} until the topic was read to its end, so that an
     * app starting after an apply begins on the version in force rather than its file's (it runs on, and says so, if
     * not).
     */
    public static GovernanceWatcher startCaughtUp(Map<String, Object> clientProperties, Governance running,
                                                  Listener listener, String name) {
        GovernanceWatcher w = start(clientProperties, running, listener, name);
        try {
            if (!w.awaitCaughtUp(CATCH_UP_AT_START)) {
                LOG.warn("{}: the governance topic {} was not read to its end within {}; starting on governance {}"
                        + " and taking newer versions as they are read", name, w.topic, CATCH_UP_AT_START, running.source());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            w.close();
            throw new IllegalStateException(name + ": interrupted while reading the governance topic " + w.topic, e);
        }
        return w;
    }

    /** The governance in force: the last version accepted, or the one the app started with. */
    public Governance current() {
        return current;
    }

    /** The last applied version accepted (0: none yet). */
    public long version() {
        return version;
    }

    /** Waits until the watcher has read the topic to its end once (or found it missing). */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Why {@code next} cannot replace {@code running} in a running app, if it cannot: the account, region, owner and
     * topics are fixed for the app's life (a change to them is a redeploy).
     */
    public static Optional<String> incompatible(Governance running, Governance next) {
        if (!running.account().equals(next.account()) || !running.region().equals(next.region())) {
            return Optional.of("it moves to account " + next.account() + " / region " + next.region());
        }
        if (!running.owner().equals(next.owner())) {
            return Optional.of("it changes the owner from " + running.owner() + " to " + next.owner());
        }
        if (!running.topics().equals(next.topics())) {
            return Optional.of("it changes the topics (" + running.topics() + " -> " + next.topics() + ")");
        }
        return Optional.empty();
    }

    /** Counted down by {@link #close()}: ends the wait for the topic to appear. */
    private final CountDownLatch stopped = new CountDownLatch(1);

    private void run() {
        TopicPartition tp = new TopicPartition(topic, 0);
        try {
            while (!closing && consumer.partitionsFor(topic, Duration.ofSeconds(5)).isEmpty()) {
                caughtUp.countDown(); // nothing applied yet: the app runs on its own file
                // the topic appears with the first apply; no records to wait on before that. close() ends the wait.
                if (stopped.await(1, TimeUnit.SECONDS)) {
                    break;
                }
            }
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(Set.of(tp));
            long end = consumer.endOffsets(Set.of(tp)).get(tp);
            while (!closing) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                    accept(r);
                }
                if (caughtUp.getCount() > 0 && consumer.position(tp) >= end) {
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException | InterruptException e) {
            if (!closing) {
                LOG.error("governance watcher of {} stopped unexpectedly", topic, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("governance watcher of {} stopped: {}; governance changes now reach this app only at its"
                    + " data-key cache TTL or a restart", topic, e.toString());
        } finally {
            caughtUp.countDown();
            Thread.interrupted(); // a consumer closed on an interrupted thread logs an ERROR and leaves its fetcher
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void accept(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return;
        }
        AppliedGovernance applied;
        Governance next;
        try {
            applied = AppliedGovernance.fromJson(r.value(), topic + "@" + r.offset());
            next = applied.governance(topic);
        } catch (GovernanceException e) {
            LOG.error("skipped an invalid governance record: {}", e.getMessage());
            return;
        }
        if (applied.version() <= version) {
            return;
        }
        Optional<String> why = incompatible(current, next);
        if (why.isPresent()) {
            LOG.error("skipped governance version {}: a running app cannot take it, because {}; restart the app with"
                    + " the new file", applied.version(), why.get());
            return;
        }
        version = applied.version();
        current = next;
        LOG.info("governance version {} applied by {} at {}", applied.version(), applied.appliedBy(), applied.appliedAt());
        try {
            listener.applied(applied, next);
        } catch (RuntimeException e) {
            LOG.error("reacting to governance version {} failed: {}", applied.version(), e.toString());
        }
    }

    @Override
    public void close() {
        closing = true;
        stopped.countDown();
        consumer.wakeup(); // ends a poll; no interrupt: the consumer must close cleanly on that thread
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
