package io.deptcrypt.devstack;

import io.deptcrypt.crypto.CleartextFields;
import io.deptcrypt.crypto.EnvelopeException;
import io.deptcrypt.crypto.EnvelopeHeaders;
import io.deptcrypt.crypto.WireFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A sealed record of the shared or dead-letter topic with what anyone can read of it without a key, whatever its
 * format: event id and format from the value ({@link CleartextFields}), the department from the envelope (version 1)
 * or the {@code deptcrypt.audience} header (AES_GCM_V2, whose value names no department). Nothing here is
 * authenticated; opening the record checks it all.
 *
 * @param department the department it is sealed for (AES_GCM_V2: its audiences joined by ',', today one)
 */
public record SealedRecord(ConsumerRecord<byte[], byte[]> record, CleartextFields fields, String department) {

    /** The record's cleartext fields; empty if its value is not a sealed record of a known format (foreign input). */
    public static Optional<SealedRecord> of(ConsumerRecord<byte[], byte[]> record) {
        CleartextFields fields;
        try {
            fields = CleartextFields.read(record.value());
        } catch (EnvelopeException notSealed) {
            return Optional.empty();
        }
        Optional<String> department = fields.department().or(() -> Optional.ofNullable(audienceHeader(record))
                .map(h -> new String(h, StandardCharsets.UTF_8)));
        return Optional.of(new SealedRecord(record, fields, department.orElse("")));
    }

    /** Every sealed record of {@code topic}, committed ones, in partition order; foreign values are left out. */
    public static List<SealedRecord> readAll(Map<String, ?> clientProperties, String topic, Duration timeout) {
        return TopicReader.readAll(clientProperties, topic, timeout).stream()
                .map(SealedRecord::of).flatMap(Optional::stream).toList();
    }

    public String eventId() {
        return fields.eventId();
    }

    public WireFormat.Format format() {
        return fields.format();
    }

    public String topic() {
        return record.topic();
    }

    public byte[] value() {
        return record.value();
    }

    /** The raw {@code deptcrypt.audience} header (AES_GCM_V2), or null: what the opener checks. */
    public byte[] audienceHeader() {
        return audienceHeader(record);
    }

    private static byte[] audienceHeader(ConsumerRecord<byte[], byte[]> record) {
        return EnvelopeHeaders.audience(record.headers());
    }
}
