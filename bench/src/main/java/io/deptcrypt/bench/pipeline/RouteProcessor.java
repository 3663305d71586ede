package io.deptcrypt.bench.pipeline;

import io.deptcrypt.crypto.EnvelopeHeaders;
import io.deptcrypt.topology.IngestParser;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The encryptor's routing without its envelope: the same {@link IngestParser} validation, the same event id rule,
 * key = department, spread over the shared topic's partitions by event id as the encryptor does by default,
 * department and event id headers, ingest timestamp kept. What is written for a valid event is
 * up to {@link Protect}: the plaintext itself for the passthrough baseline, an ESDK message for the seed's way.
 */
final class RouteProcessor implements Processor<byte[], byte[], String, RouteProcessor.Routed> {

    static final String SHARED_SINK = "shared-topic";
    static final String DEAD_LETTER_SINK = "dead-letter-topic";

    /** A value on its way out, with the event id the partitioner spreads by (null for dead letters). */
    record Routed(String eventId, byte[] value) {}

    /** Writes {@link Routed#value()}. */
    static final class RoutedSerializer implements Serializer<Routed> {
        @Override
        public byte[] serialize(String topic, Routed data) {
            return data == null ? null : data.value();
        }
    }

    /** The encryptor's default shared-topic partitioning (EVENT_ID): murmur2 of the event id; the key stays the department. */
    static final class EventIdPartitioner implements StreamPartitioner<String, Routed> {
        @Override
        public Optional<Set<Integer>> partitions(String topic, String key, Routed value, Headers headers, int numPartitions) {
            byte[] basis = value.eventId().getBytes(StandardCharsets.UTF_8);
            return Optional.of(Set.of(Utils.toPositive(Utils.murmur2(basis)) % numPartitions));
        }

        /** Kafka 4.4 still declares this one abstract (deprecated for the variant with headers). */
        @Deprecated
        @SuppressWarnings("removal")
        @Override
        public Optional<Set<Integer>> partitions(String topic, String key, Routed value, int numPartitions) {
            return partitions(topic, key, value, null, numPartitions);
        }
    }

    /** Turns a valid event's plaintext into the value written to the shared topic. */
    @FunctionalInterface
    interface Protect {
        byte[] apply(IngestParser.Valid event, String eventId);
    }

    private final IngestParser parser;
    private final Protect protect;
    private final LongAdder processed;
    private ProcessorContext<String, Routed> context;

    RouteProcessor(IngestParser parser, Protect protect, LongAdder processed) {
        this.parser = parser;
        this.protect = protect;
        this.processed = processed;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        IngestParser.Decision decision = parser.parse(record.value());
        Headers headers = new RecordHeaders();
        if (decision instanceof IngestParser.Valid valid) {
            String eventId = valid.eventId() != null ? valid.eventId()
                    : IngestParser.derivedEventId(source.topic(), source.partition(), source.offset());
            headers.add(EnvelopeHeaders.DEPARTMENT, valid.department().getBytes(StandardCharsets.UTF_8));
            headers.add(EnvelopeHeaders.EVENT_ID, eventId.getBytes(StandardCharsets.UTF_8));
            context.forward(new Record<>(valid.department(), new Routed(eventId, protect.apply(valid, eventId)),
                    record.timestamp(), headers), SHARED_SINK);
        } else {
            IngestParser.DeadLetter dead = (IngestParser.DeadLetter) decision;
            headers.add("deptcrypt.reason", dead.reason().name().getBytes(StandardCharsets.UTF_8));
            context.forward(new Record<>(null, new Routed(null, record.value()), record.timestamp(), headers), DEAD_LETTER_SINK);
        }
        processed.increment();
    }
}
