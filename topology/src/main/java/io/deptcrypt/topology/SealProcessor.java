package io.deptcrypt.topology;

import io.deptcrypt.crypto.EnvelopeHeaders;
import io.deptcrypt.crypto.EnvelopeSerde;
import io.deptcrypt.crypto.SealContext;
import io.deptcrypt.crypto.Sealer;
import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.EncryptionContext;
import io.deptcrypt.runtime.DeadLetterHeaders;
import io.deptcrypt.runtime.KmsRetry;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates an ingest record, seals it and forwards it: valid events to the shared topic, everything else to the
 * dead-letter topic sealed under the quarantine key (always a self-contained version 1 envelope, keyed by event id).
 * On the shared topic an AES_GCM_V2 record has a null key and the {@code deptcrypt.audience} header; a version 1
 * record is keyed by department. Output records get fresh headers (ingest headers could carry plaintext) and keep the
 * ingest timestamp. With a {@link IngestDeduplicator}, a second copy of an event sealed within the dedupe window is
 * dropped before sealing: no KMS call, no output, only counted.
 */
final class SealProcessor implements Processor<byte[], byte[], byte[], SealedEvent> {

    static final String SHARED_SINK = "shared-topic";
    static final String DEAD_LETTER_SINK = "dead-letter-topic";
    /** The SealContext department of a dead-lettered record; the Sealer writes the same into the envelope. */
    static final String QUARANTINE = EncryptionContext.QUARANTINE_DEPARTMENT;

    private static final Logger LOG = LoggerFactory.getLogger(SealProcessor.class);

    private final IngestParser parser;
    private final Sealer sealer;
    private final KmsRetry retry;
    private final BooleanSupplier closing;
    private final EncryptorCounters counters;
    private final String sharedTopic;
    private final String deadLetterTopic;
    /** AES_GCM_V2: each cleartext field once, so no record key (the department is in the audience header). */
    private final boolean keyByDepartment;
    /** Null: no deduplication. */
    private final IngestDeduplicator dedupe;
    private ProcessorContext<byte[], SealedEvent> context;

    SealProcessor(IngestParser parser, Sealer sealer, KmsRetry retry, BooleanSupplier closing,
                  EncryptorCounters counters, String sharedTopic, String deadLetterTopic, IngestDeduplicator dedupe) {
        this.parser = parser;
        this.dedupe = dedupe;
        this.sealer = sealer;
        this.retry = retry;
        this.closing = closing;
        this.counters = counters;
        this.sharedTopic = sharedTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.keyByDepartment = sealer.config().format() != EnvelopeFormatId.AES_GCM_V2;
    }

    @Override
    public void init(ProcessorContext<byte[], SealedEvent> context) {
        this.context = context;
        counters.bind(context);
        if (dedupe != null) {
            dedupe.init(context);
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata()
                .orElseThrow(() -> new IllegalStateException("ingest record without source metadata"));
        IngestParser.Decision decision = parser.parse(record.value());

        // The derived id is an MD5 name-based UUID: only computed for events that carry no id, and dead letters.
        if (decision instanceof IngestParser.Valid valid) {
            Bytes dedupeKey = dedupe == null ? null : dedupe.keyOf(valid, record.headers());
            if (isCopy(dedupeKey, record, source, valid.routingName())) {
                return;
            }
            String eventId = valid.eventId() != null ? valid.eventId()
                    : IngestParser.derivedEventId(source.topic(), source.partition(), source.offset());
            Headers headers = new RecordHeaders();
            byte[] value = retry.call(() -> "sealing a " + valid.routingName() + " event from " + position(source),
                    () -> valid.parts() != null // a typed event: one record for all its audiences
                            ? sealer.sealParts(eventId, sharedTopic, record.timestamp(), valid.contentType(),
                                    valid.parts(), headers)
                            : sealer.sealRecord(new SealContext(valid.department(), eventId, sharedTopic,
                                    record.timestamp(), valid.contentType()), valid.plaintext(), headers),
                    closing, counters.kmsRetryCounter());
            byte[] key = keyByDepartment ? valid.department().getBytes(StandardCharsets.UTF_8) : null;
            String partitionKey = valid.partitionKey() != null ? valid.partitionKey() : groupId(record.headers());
            context.forward(new Record<>(key, new SealedEvent(valid.routingName(), eventId, partitionKey, value),
                    record.timestamp(), headers), SHARED_SINK);
            counters.countSealed(valid.routingName());
            remember(dedupeKey, record, source);
        } else {
            IngestParser.DeadLetter dead = (IngestParser.DeadLetter) decision;
            Bytes dedupeKey = dedupe == null ? null : dedupe.keyOf(record.headers());
            if (isCopy(dedupeKey, record, source, QUARANTINE)) {
                return;
            }
            String derivedId = IngestParser.derivedEventId(source.topic(), source.partition(), source.offset());
            byte[] raw = record.value() == null ? new byte[0] : record.value();
            SealContext ctx = new SealContext(QUARANTINE, derivedId, deadLetterTopic, record.timestamp(), IngestParser.RAW);
            Envelope envelope = retry.call(() -> "sealing a dead-letter record from " + position(source),
                    () -> sealer.sealQuarantine(ctx, raw), closing, counters.kmsRetryCounter());
            Headers headers = new RecordHeaders();
            EnvelopeHeaders.write(headers, envelope);
            DeadLetterHeaders.write(headers, dead.reason().name(), dead.message(), source.topic(), source.partition(), source.offset());
            context.forward(new Record<>(derivedId.getBytes(StandardCharsets.UTF_8),
                    new SealedEvent(QUARANTINE, derivedId, EnvelopeSerde.toBytes(envelope)), record.timestamp(), headers),
                    DEAD_LETTER_SINK);
            counters.countDeadLetter(dead.reason());
            remember(dedupeKey, record, source);
        }
    }

    /** Whether a record of the same dedupe key was sealed within the window (then this one is counted and dropped). */
    private boolean isCopy(Bytes dedupeKey, Record<byte[], byte[]> record, RecordMetadata source, String department) {
        if (dedupeKey == null) {
            return false;
        }
        Long first = dedupe.sealedFrom(dedupeKey, record.timestamp());
        if (first == null) {
            return false;
        }
        counters.countDeduplicated(department);
        LOG.debug("dropped {}: a copy of the {} event sealed from offset {}", position(source), department, first);
        return true;
    }

    private void remember(Bytes dedupeKey, Record<byte[], byte[]> record, RecordMetadata source) {
        if (dedupeKey != null) {
            dedupe.remember(dedupeKey, record.timestamp(), source.offset());
        }
    }

    /** The SQS FIFO message group id the connector carried, or null. */
    private static String groupId(Headers ingestHeaders) {
        Header h = ingestHeaders.lastHeader(IngestParser.PARTITION_KEY_HEADER);
        return h == null || h.value() == null || h.value().length == 0 ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String position(RecordMetadata m) {
        return m.topic() + "-" + m.partition() + "@" + m.offset();
    }
}
