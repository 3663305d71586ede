package io.deptcrypt.bench.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.deptcrypt.crypto.EnvelopeSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the records on the shared topic are made of, per record (means over the first records of a topic): the
 * encrypted records' key, value and headers, the plaintext passthrough's, and the wrapped data key inside.
 *
 * @param encrypted        the encryptor's records
 * @param plaintext        the passthrough's records, whose value is the sealed plaintext itself
 * @param wrappedKeyBytes  the wrapped data key (KMS ciphertext blob) of one record's data key, wherever it is carried
 * @param wrappedKeyBytesPerRecord how many of those bytes every record carries (0 when records refer to the key)
 */
public record RecordBytes(Sample encrypted, Sample plaintext, int wrappedKeyBytes, int wrappedKeyBytesPerRecord) {

    /** Mean bytes per record of one topic, and one value of it. */
    public record Sample(int records, double keyBytes, double valueBytes, double headerBytes,
                         @JsonIgnore byte[] firstValue) {
        /** Key + value + header keys and values: what the producer, broker and readers move per record. */
        public double recordBytes() {
            return keyBytes + valueBytes + headerBytes;
        }
    }

    /** Everything the encrypted record carries beyond the plaintext it seals (its key, headers, envelope). */
    public double envelopeOverheadBytes() {
        return encrypted.recordBytes() - plaintext.valueBytes();
    }

    /** Encrypted record minus plaintext record: what the size-matched baseline pads by. */
    public double extraBytesPerRecord() {
        return encrypted.recordBytes() - plaintext.recordBytes();
    }

    static RecordBytes of(Sample encrypted, Sample plaintext, int[] wrappedKey) {
        return new RecordBytes(encrypted, plaintext, wrappedKey[0], wrappedKey[1]);
    }

    /**
     * The wrapped data key of a self-contained (AES_GCM_V1) record: {@code {blob bytes, blob bytes}}, as every record
     * carries it.
     */
    static int[] wrappedKeyBytes(Sample encrypted) {
        int blob = EnvelopeSerde.fromBytes(encrypted.firstValue()).getWrappedKeys().get(0).getEncryptedDataKey().remaining();
        return new int[] {blob, blob};
    }

    /** Means over the first 1,000 committed records of {@code topic} (within 30 s). */
    static Sample sample(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long keys = 0;
            long values = 0;
            long headers = 0;
            int records = 0;
            byte[] first = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (records < 1_000 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(200))) {
                    keys += Math.max(0, rec.serializedKeySize());
                    values += Math.max(0, rec.serializedValueSize());
                    for (Header h : rec.headers()) {
                        headers += h.key().getBytes(StandardCharsets.UTF_8).length + (h.value() == null ? 0 : h.value().length);
                    }
                    if (first == null) {
                        first = rec.value();
                    }
                    records++;
                }
            }
            if (records == 0) {
                throw new IllegalStateException("no records on " + topic + " within 30 s");
            }
            return new Sample(records, keys / (double) records, values / (double) records, headers / (double) records, first);
        }
    }
}
