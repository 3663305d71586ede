package io.deptcrypt.bench.pipeline;

import io.deptcrypt.bench.Payloads;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The seed's ingest events, {@code {"department": ..., "eventId": ..., "data": "..."}}, each exactly
 * {@link #EVENT_BYTES} bytes of JSON, departments taken in turn. Deterministic, so every variant sees the same bytes.
 */
final class IngestEvents {

    static final int EVENT_BYTES = 1024;

    private final List<String> departments;

    IngestEvents(List<String> departments) {
        if (departments.isEmpty()) {
            throw new IllegalArgumentException("the governance file declares no departments");
        }
        this.departments = List.copyOf(departments);
    }

    String department(int i) {
        return departments.get(i % departments.size());
    }

    /** How many of the first {@code n} events belong to {@code department}. */
    int countFor(String department, int n) {
        int d = departments.indexOf(department);
        if (d < 0) {
            throw new IllegalArgumentException("unknown department " + department);
        }
        int k = departments.size();
        return n / k + (d < n % k ? 1 : 0);
    }

    /** The {@code i}-th event, {@link #EVENT_BYTES} bytes of JSON. */
    byte[] event(int i) {
        String head = "{\"department\":\"" + department(i) + "\",\"eventId\":\"" + eventId(i) + "\",\"data\":\"";
        String tail = "\"}";
        int pad = EVENT_BYTES - head.length() - tail.length();
        return (head + Payloads.text(pad, i) + tail).getBytes(StandardCharsets.US_ASCII);
    }

    static String eventId(int i) {
        return String.format("bench-%09d", i);
    }

    /** Produces events {@code 0..count-1} to {@code topic} and waits until all are acknowledged. */
    void preload(KafkaEndpoint kafka, String topic, int count) {
        try (KafkaProducer<byte[], byte[]> p = producer(kafka, Map.of())) {
            for (int i = 0; i < count; i++) {
                p.send(new ProducerRecord<>(topic, null, event(i)), (md, e) -> {
                    if (e != null) {
                        throw new IllegalStateException("pre-loading " + topic + " failed", e);
                    }
                });
            }
            p.flush();
        }
    }

    static KafkaProducer<byte[], byte[]> producer(KafkaEndpoint kafka, Map<String, Object> overrides) {
        Properties p = new Properties();
        p.putAll(kafka.clientProperties());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L << 20);
        p.putAll(overrides);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
