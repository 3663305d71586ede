package io.deptcrypt.bench.pipeline;

import io.deptcrypt.crypto.EnvelopeHeaders;
import io.deptcrypt.topology.IngestParser;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The encryptor's routing without its envelope: the same {@link IngestParser} validation, the same event id rule,
 * key = department, department and event id headers, ingest timestamp kept. What is written for a valid event is
 * up to {@link Protect}: the plaintext itself for the passthrough baseline, an ESDK message for the seed's way.
 */
final class RouteProcessor implements Processor<byte[], byte[], String, byte[]> {

    static final String SHARED_SINK = "shared-topic";
    static final String DEAD_LETTER_SINK = "dead-letter-topic";

    /** Turns a valid event's plaintext into the value written to the shared topic. */
    @FunctionalInterface
    interface Protect {
        byte[] apply(IngestParser.Valid event, String eventId);
    }

    private final IngestParser parser;
    private final Protect protect;
    private final LongAdder processed;
    private ProcessorContext<String, byte[]> context;

    RouteProcessor(IngestParser parser, Protect protect, LongAdder processed) {
        this.parser = parser;
        this.protect = protect;
        this.processed = processed;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
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
            context.forward(new Record<>(valid.department(), protect.apply(valid, eventId), record.timestamp(), headers),
                    SHARED_SINK);
        } else {
            IngestParser.DeadLetter dead = (IngestParser.DeadLetter) decision;
            headers.add("deptcrypt.reason", dead.reason().name().getBytes(StandardCharsets.UTF_8));
            context.forward(new Record<>(null, record.value(), record.timestamp(), headers), DEAD_LETTER_SINK);
        }
        processed.increment();
    }
}
