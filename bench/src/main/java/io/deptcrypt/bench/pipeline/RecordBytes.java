package io.deptcrypt.bench.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.deptcrypt.crypto.EnvelopeSerde;
import io.deptcrypt.crypto.PublishedDataKey;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
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
 * @param format           the envelope format of the encrypted records
 * @param encrypted        the encryptor's records
 * @param plaintext        the passthrough's records, whose value is the sealed plaintext itself
 * @param wrappedKeyBytes  the wrapped data key (KMS ciphertext blob) of one record's data key, wherever it is carried
 * @param wrappedKeyBytesPerRecord how many of those bytes every record carries (0 when records refer to the key)
 * @param dataKeyRecordBytes the data key's own record on the keys topic (key + value), written once per data key;
 *                         0 for self-contained formats
 */
public record RecordBytes(EnvelopeFormatId format, Sample encrypted, Sample plaintext, int wrappedKeyBytes,
                          int wrappedKeyBytesPerRecord, int dataKeyRecordBytes) {

    /** Mean bytes per record of one topic, and its first record. */
    public record Sample(int records, double keyBytes, double valueBytes, double headerBytes,
                         @JsonIgnore byte[] firstKey, @JsonIgnore byte[] firstValue) {
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

    /**
     * Measures a run's records: {@code sharedTopic} holds the encryptor's records in {@code format}, {@code keysTopic}
     * the data keys they refer to (AES_GCM_V2), {@code plaintextTopic} the passthrough's records of the same events.
     */
    static RecordBytes measure(KafkaEndpoint kafka, EnvelopeFormatId format, String sharedTopic, String keysTopic,
                               String plaintextTopic) {
        Sample encrypted = sample(kafka, sharedTopic, SAMPLE_RECORDS);
        Sample plaintext = sample(kafka, plaintextTopic, SAMPLE_RECORDS);
        if (format == EnvelopeFormatId.AES_GCM_V2) {
            // records carry a reference; the wrapped key sits once per data key on the keys topic
            Sample keys = sample(kafka, keysTopic, 1);
            PublishedDataKey key = PublishedDataKey.decode(keys.firstKey(), keys.firstValue());
            return new RecordBytes(format, encrypted, plaintext, key.wrappedKeys().get(0).encryptedDataKey().length, 0,
                    key.key().length + key.value().length);
        }
        if (format == EnvelopeFormatId.AES_GCM_V1) {
            int blob = EnvelopeSerde.fromBytes(encrypted.firstValue()).getWrappedKeys().get(0).getEncryptedDataKey()
                    .remaining();
            return new RecordBytes(format, encrypted, plaintext, blob, blob, 0);
        }
        throw new IllegalArgumentException("the pipeline benchmark measures AES_GCM_V1 and AES_GCM_V2, not " + format);
    }

    private static final int SAMPLE_RECORDS = 1_000;

    /** Means over the first {@code max} committed records of {@code topic} (as many as come within 30 s). */
    static Sample sample(KafkaEndpoint kafka, String topic, int max) {
        Properties p = new Properties();
        p.putAll(kafka.clientProperties());
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
            byte[] firstKey = null;
            byte[] firstValue = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (records < max && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(200))) {
                    keys += Math.max(0, rec.serializedKeySize());
                    values += Math.max(0, rec.serializedValueSize());
                    for (Header h : rec.headers()) {
                        headers += h.key().getBytes(StandardCharsets.UTF_8).length + (h.value() == null ? 0 : h.value().length);
                    }
                    if (firstValue == null) {
                        firstKey = rec.key();
                        firstValue = rec.value();
                    }
                    records++;
                }
            }
            if (records == 0) {
                throw new IllegalStateException("no records on " + topic + " within 30 s");
            }
            return new Sample(records, keys / (double) records, values / (double) records, headers / (double) records,
                    firstKey, firstValue);
        }
    }
}
