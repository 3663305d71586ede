package io.deptcrypt.consumers;

import io.deptcrypt.crypto.CleartextFields;
import io.deptcrypt.crypto.DeptcryptCryptoException;
import io.deptcrypt.crypto.EnvelopeException;
import io.deptcrypt.crypto.EnvelopeHeaders;
import io.deptcrypt.crypto.KmsAccessDeniedException;
import io.deptcrypt.crypto.NotForReaderException;
import io.deptcrypt.crypto.OpenedRecord;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.TemporarilyUnavailableException;
import io.deptcrypt.runtime.DeadLetterHeaders;
import io.deptcrypt.runtime.KmsRetry;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this department's records (the {@code deptcrypt.audience} header of AES_GCM_V2 records; the record key or
 * {@code deptcrypt.department} header of version 1 records; other departments' values are never decoded), opens
 * them and hands the plaintext to the sink and, if configured, the plaintext topic. Of a record of several audiences
 * (docs/event-types.md) it opens exactly the parts sealed for this department; the fields of the others are absent
 * and listed in the {@value OpenedEvent#WITHHELD_HEADER} header. A record of the department that
 * cannot be opened follows the {@link FailureAction}. What goes to the department's topics keeps its shared-topic
 * partition number ({@link SourcedValue}), so per-key order holds there too.
 */
final class OpenProcessor implements Processor<byte[], byte[], byte[], SourcedValue> {

    static final String PLAINTEXT_SINK = "plaintext-topic";
    static final String DEAD_LETTER_SINK = "failure-topic";

    private static final Logger LOG = LoggerFactory.getLogger(OpenProcessor.class);

    private final String department;
    private final byte[] departmentBytes;
    private final Opener opener;
    private final KmsRetry retry;
    private final BooleanSupplier closing;
    private final ConsumerCounters counters;
    private final DepartmentSink sink;
    private final boolean toPlaintextTopic;
    private final FailureActions failureActions;
    private ProcessorContext<byte[], SourcedValue> context;

    OpenProcessor(String department, Opener opener, KmsRetry retry, BooleanSupplier closing, ConsumerCounters counters,
                  DepartmentSink sink, boolean toPlaintextTopic, FailureActions failureActions) {
        this.department = department;
        this.departmentBytes = department.getBytes(StandardCharsets.UTF_8);
        this.opener = opener;
        this.retry = retry;
        this.closing = closing;
        this.counters = counters;
        this.sink = sink;
        this.toPlaintextTopic = toPlaintextTopic;
        this.failureActions = failureActions;
    }

    @Override
    public void init(ProcessorContext<byte[], SourcedValue> context) {
        this.context = context;
        counters.bind(context, department);
    }

    /**
     * Ours by the audience header if there is one, else by record key or department header (version 1); nothing
     * else about the record is looked at.
     */
    static boolean isFor(byte[] departmentBytes, String department, byte[] key, Headers headers) {
        byte[] audience = EnvelopeHeaders.audience(headers);
        if (audience != null) {
            return EnvelopeHeaders.audienceIncludes(audience, departmentBytes);
        }
        if (key != null && Arrays.equals(key, departmentBytes)) {
            return true;
        }
        return EnvelopeHeaders.department(headers).map(department::equals).orElse(false);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (!isFor(departmentBytes, department, record.key(), record.headers())) {
            counters.countIgnored();
            return;
        }
        RecordMetadata at = context.recordMetadata()
                .orElseThrow(() -> new IllegalStateException("shared-topic record without source metadata"));

        OpenedRecord opened;
        try {
            opened = retry.call(() -> "opening a " + department + " record at " + position(at),
                    () -> opener.open(at.topic(), record.value(), department, EnvelopeHeaders.audience(record.headers())),
                    closing, counters.kmsRetryCounter());
        } catch (NotForReaderException e) {
            fail(record, at, OpenFailureReason.DEPARTMENT_MISMATCH, "the record key or header says '"
                    + department + "' but " + e.getMessage(), null);
            return;
        } catch (KmsAccessDeniedException e) {
            fail(record, at, OpenFailureReason.ACCESS_DENIED, e.getMessage(), e);
            return;
        } catch (TemporarilyUnavailableException e) {
            throw e; // only when closing: the record stays uncommitted
        } catch (DeptcryptCryptoException e) { // untrusted bytes: not an envelope, tampered, unknown data key
            fail(record, at, OpenFailureReason.INVALID_ENVELOPE, e.getMessage(), e);
            return;
        }

        String eventId = opened.eventId();
        byte[] plaintext = opened.plaintext();
        sink.accept(new OpenedEvent(at.topic(), at.partition(), at.offset(), department, record.value(), opened));
        if (toPlaintextTopic) {
            Headers headers = new RecordHeaders();
            headers.add(EnvelopeHeaders.DEPARTMENT, departmentBytes);
            headers.add(EnvelopeHeaders.EVENT_ID, eventId.getBytes(StandardCharsets.UTF_8));
            headers.add(DepartmentConsumerApp.CONTENT_TYPE_HEADER, opened.contentType().getBytes(StandardCharsets.UTF_8));
            if (!opened.withheldFields().isEmpty()) {
                headers.add(OpenedEvent.WITHHELD_HEADER, OpenedEvent.withheldHeader(opened.withheldFields()));
            }
            context.forward(new Record<>(eventId.getBytes(StandardCharsets.UTF_8), new SourcedValue(at.partition(), plaintext),
                    record.timestamp(), headers),
                    PLAINTEXT_SINK);
        }
        counters.countOpened();
    }

    private void fail(Record<byte[], byte[]> record, RecordMetadata at, OpenFailureReason reason, String detail,
                      Throwable cause) {
        String eventId = eventIdOf(record);
        String message = "cannot open " + position(at) + " (eventId " + eventId + ", department " + department + "): "
                + reason + ": " + detail;
        FailureAction action = failureActions.of(reason);
        counters.countOpenFailed(reason);
        String key = reason == OpenFailureReason.ACCESS_DENIED ? DepartmentConsumerConfig.FAILURE_ACTION_ACCESS_DENIED
                : DepartmentConsumerConfig.FAILURE_ACTION_UNREADABLE;
        switch (action) {
            case FAIL -> throw new RecordOpenFailedException(reason, message + ". " + key + "=FAIL stops the"
                    + " consumer; fix the cause (key policy, credentials) or set " + key + "=SKIP or DEAD_LETTER"
                    + " to go past such records.", cause);
            case SKIP -> {
                counters.countSkipped();
                LOG.warn("{}; skipped ({}=SKIP)", message, key);
            }
            case DEAD_LETTER -> {
                Headers headers = new RecordHeaders(record.headers().toArray());
                DeadLetterHeaders.write(headers, reason.name(), message, at.topic(), at.partition(), at.offset());
                context.forward(new Record<>(record.key(), new SourcedValue(at.partition(), record.value()), record.timestamp(),
                        headers), DEAD_LETTER_SINK);
                counters.countDeadLettered();
                LOG.warn("{}; forwarded sealed to the failure topic ({}=DEAD_LETTER)", message, key);
            }
            default -> throw new IllegalStateException("unknown failure action " + action);
        }
    }

    /** For failure messages only: the version 1 header, else the record's cleartext event id, if it has one. */
    static String eventIdOf(Record<byte[], byte[]> record) {
        Optional<String> header = EnvelopeHeaders.eventId(record.headers());
        if (header.isPresent()) {
            return header.get();
        }
        try {
            return CleartextFields.read(record.value()).eventId();
        } catch (EnvelopeException e) {
            return "(unreadable)";
        }
    }

    static String position(RecordMetadata m) {
        return m.topic() + "-" + m.partition() + "@" + m.offset();
    }
}
