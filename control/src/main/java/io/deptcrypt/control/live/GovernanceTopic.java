package io.deptcrypt.control.live;

import io.deptcrypt.governance.AppliedGovernance;
import io.deptcrypt.governance.GovernanceException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The governance topic: one partition, compacted, one record key; each value an {@link AppliedGovernance}. Apply
 * reads the latest version and publishes the next; the running apps watch it.
 */
public final class GovernanceTopic {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(GovernanceTopic.class);

    private final String topic;
    private final Map<String, Object> clientProperties;

    /** @param clientProperties bootstrap servers and security settings for an admin, a producer and a consumer */
    public GovernanceTopic(String topic, Map<String, Object> clientProperties) {
        this.topic = topic;
        this.clientProperties = Map.copyOf(clientProperties);
    }

    public String name() {
        return topic;
    }

    /** Creates the topic (compacted, one partition) unless it exists. */
    public void ensureExists(short replicationFactor) {
        try (Admin admin = Admin.create(clientProperties)) {
            if (admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).contains(topic)) {
                return;
            }
            NewTopic t = new NewTopic(topic, 1, replicationFactor).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(Math.max(1, replicationFactor - 1))));
            admin.createTopics(List.of(t)).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the governance topic " + topic + ": " + e.getCause().getMessage(),
                        e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + TIMEOUT + " (governance topic " + topic + ")", e);
        }
    }

    /** The highest applied version on the topic, if any (reads it all: it holds one record per apply at most). */
    public Optional<AppliedGovernance> latest() {
        Map<String, Object> p = new HashMap<>(clientProperties);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            if (c.partitionsFor(topic, TIMEOUT).isEmpty()) {
                return Optional.empty();
            }
            c.assign(Set.of(tp));
            c.seekToBeginning(Set.of(tp));
            long end = c.endOffsets(Set.of(tp), TIMEOUT).get(tp);
            AppliedGovernance latest = null;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (c.position(tp, TIMEOUT) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the governance topic " + topic + " to its end within " + TIMEOUT);
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        continue;
                    }
                    AppliedGovernance a;
                    try {
                        a = AppliedGovernance.fromJson(r.value(), topic + "@" + r.offset());
                    } catch (GovernanceException e) {
                        // Not written by apply (only key admins may write here): it must not stop the next apply.
                        LOG.warn("skipped a record that is not an applied governance version: {}", e.getMessage());
                        continue;
                    }
                    if (latest == null || a.version() > latest.version()) {
                        latest = a;
                    }
                }
            }
            return Optional.ofNullable(latest);
        }
    }

    /** Publishes {@code applied} and waits until every in-sync replica has it. */
    public void publish(AppliedGovernance applied) {
        Map<String, Object> p = new HashMap<>(clientProperties);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, AppliedGovernance.RECORD_KEY, applied.toJson()))
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot publish governance version " + applied.version() + " to " + topic + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not acknowledge governance version " + applied.version() + " within "
                    + TIMEOUT, e);
        }
    }
}
