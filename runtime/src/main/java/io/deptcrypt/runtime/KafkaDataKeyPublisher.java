package io.deptcrypt.runtime;

import io.deptcrypt.crypto.DataKeyPublisher;
import io.deptcrypt.crypto.DeptcryptCryptoException;
import io.deptcrypt.crypto.KeysTopicUnavailableException;
import io.deptcrypt.crypto.PublishedDataKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Publishes data keys' records to the keys topic ({@code topics.keys}, compacted) with a producer of its own:
 * idempotent, {@code acks=all}, outside the encryptor's Streams transaction, so a record is durable, and visible to
 * every reader, before the first shared-topic record that refers to it is even sent. Each {@link #publish} waits for
 * the acknowledgement (once per data key lifetime). Thread-safe.
 */
public final class KafkaDataKeyPublisher implements DataKeyPublisher, AutoCloseable {

    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Duration ackTimeout;

    private KafkaDataKeyPublisher(String topic, KafkaProducer<byte[], byte[]> producer, Duration ackTimeout) {
        this.topic = topic;
        this.producer = producer;
        this.ackTimeout = ackTimeout;
    }

    /**
     * @param clientProperties bootstrap servers and security settings for a producer (its durability settings are
     *                         set here)
     * @param ackTimeout       how long one publication waits for the acknowledgement before it counts as an outage
     */
    public static KafkaDataKeyPublisher create(Map<String, Object> clientProperties, String topic, Duration ackTimeout) {
        Map<String, Object> p = new HashMap<>(clientProperties);
        p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0); // one record per data key lifetime: send it at once
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ackTimeout.toMillis());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, ackTimeout.toMillis()));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, ackTimeout.toMillis()));
        return new KafkaDataKeyPublisher(Objects.requireNonNull(topic, "topic"),
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()), ackTimeout);
    }

    /** With the producer settings of a Streams app (its bootstrap servers, security and producer overrides). */
    public static KafkaDataKeyPublisher forStreamsApp(Properties streamsProperties, String topic, String clientId) {
        Map<String, Object> p = new StreamsConfig(streamsProperties).getProducerConfigs(clientId + "-keys-publisher");
        return create(p, topic, DEFAULT_ACK_TIMEOUT);
    }

    @Override
    public void publish(PublishedDataKey key) {
        try {
            producer.send(new ProducerRecord<>(topic, key.key(), key.value()))
                    .get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new KeysTopicUnavailableException("the keys topic " + topic + " did not acknowledge data key "
                    + key.id() + " within " + ackTimeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeysTopicUnavailableException("interrupted while publishing data key " + key.id() + " to "
                    + topic, e);
        } catch (ExecutionException e) {
            throw failure(key, e.getCause());
        } catch (KafkaException e) {
            throw failure(key, e);
        }
    }

    private DeptcryptCryptoException failure(PublishedDataKey key, Throwable cause) {
        String what = "data key " + key.id() + " could not be published to the keys topic " + topic + ": " + cause;
        return cause instanceof RetriableException ? new KeysTopicUnavailableException(what, cause)
                : new DeptcryptCryptoException(what + " (not retried: fix the topic or the encryptor's access to it)",
                        cause);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
