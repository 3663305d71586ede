package io.deptcrypt.crypto;

import io.deptcrypt.crypto.avro.Envelope;
import java.util.List;

/**
 * One record opened by {@link Opener#open(String, byte[], String, byte[])}: its cleartext fields and the plaintext.
 * The cleartext fields of an AES_GCM_V2 record are decoded from the record's bytes when asked for (most consumers
 * need only the plaintext). {@link #toString()} leaves the plaintext out.
 */
public final class OpenedRecord {

    private final WireFormat.Format format;
    private final List<String> audiences;
    private final byte[] plaintext;
    private final Envelope envelope;
    private final byte[] value;
    private final AesGcmV2.Layout layout;
    private final List<String> withheld;

    private OpenedRecord(WireFormat.Format format, List<String> audiences, byte[] plaintext, Envelope envelope,
            byte[] value, AesGcmV2.Layout layout, List<String> withheld) {
        this.withheld = List.copyOf(withheld);
        this.format = format;
        this.audiences = audiences;
        this.plaintext = plaintext;
        this.envelope = envelope;
        this.value = value;
        this.layout = layout;
    }

    static OpenedRecord of(Envelope envelope, byte[] plaintext) {
        return new OpenedRecord(WireFormat.Format.of(envelope.getFormat()), List.of(envelope.getDepartment()),
                plaintext, envelope, null, null, List.of());
    }

    static OpenedRecord of(byte[] value, AesGcmV2.Layout layout, List<String> audiences, byte[] plaintext) {
        return of(value, layout, audiences, plaintext, List.of());
    }

    static OpenedRecord of(byte[] value, AesGcmV2.Layout layout, List<String> audiences, byte[] plaintext,
            List<String> withheld) {
        return new OpenedRecord(WireFormat.Format.AES_GCM_V2, audiences, plaintext, null, value, layout, withheld);
    }

    public WireFormat.Format format() {
        return format;
    }

    /** Who the record is for: its data key's audiences (version 1: its department). */
    public List<String> audiences() {
        return audiences;
    }

    public String eventId() {
        return envelope != null ? envelope.getEventId() : layout.eventId(value);
    }

    /** Event time, epoch milliseconds. */
    public long timestampMillis() {
        return envelope != null ? envelope.getTimestamp() : layout.timestamp();
    }

    public String contentType() {
        return envelope != null ? envelope.getContentType() : layout.contentType(value);
    }

    /**
     * The JSON Pointers of the fields this reader may not open (docs/event-types.md): absent from
     * {@link #plaintext()}, in record order. Empty for a record of one part.
     */
    public List<String> withheldFields() {
        return withheld;
    }

    /**
     * The opened data; owned by the receiver. For a record of several parts: the event put together from the parts
     * this reader opened (JSON), without the {@link #withheldFields()}.
     */
    public byte[] plaintext() {
        return plaintext;
    }

    @Override
    public String toString() {
        return "OpenedRecord[" + format + ", audiences=" + audiences + ", eventId=" + eventId() + ", contentType="
                + contentType() + ", plaintext=" + plaintext.length + " bytes"
                + (withheld.isEmpty() ? "" : ", withheld=" + withheld) + "]";
    }
}
