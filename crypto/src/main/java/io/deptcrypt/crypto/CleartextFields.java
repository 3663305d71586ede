package io.deptcrypt.crypto;

import io.deptcrypt.crypto.avro.Envelope;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The cleartext fields of a sealed record value of any format, read without any key: for tools, logs and error
 * messages (nothing here is secret). Opening a record checks all of them; reading them here checks nothing.
 *
 * @param department      version 1: the envelope's department; empty for AES_GCM_V2 (its audiences are in its data
 *                        key's record and the {@code deptcrypt.audience} header)
 * @param dataKeys        AES_GCM_V2: the data key id of each part; empty for version 1
 * @param partFields      AES_GCM_V2: the fields (JSON Pointers) each part lists, empty for a whole-event part
 *                        (docs/event-types.md); empty for version 1
 * @param ciphertextBytes the bytes of ciphertext the record carries (tags included)
 */
public record CleartextFields(WireFormat.Format format, String eventId, long timestampMillis, String contentType,
                              Optional<String> department, List<DataKeyId> dataKeys, int ciphertextBytes,
                              List<List<String>> partFields) {

    public CleartextFields {
        dataKeys = List.copyOf(dataKeys);
        partFields = List.copyOf(partFields);
    }

    /** @throws EnvelopeException if {@code value} is not a record of a known format */
    public static CleartextFields read(byte[] value) {
        if (value == null) {
            throw new EnvelopeException("the record value is null (a tombstone)");
        }
        if (!AesGcmV2.isVersion2(value)) {
            Envelope env = EnvelopeSerde.fromBytes(value);
            return new CleartextFields(WireFormat.Format.of(env.getFormat()), env.getEventId(), env.getTimestamp(),
                    env.getContentType(), Optional.of(env.getDepartment()), List.of(), env.getCiphertext().remaining(),
                    List.of());
        }
        AesGcmV2.Layout l = AesGcmV2.parse(value, "(not given)");
        List<DataKeyId> keys = new ArrayList<>(l.partCount());
        List<List<String>> fields = new ArrayList<>(l.partCount());
        int ciphertext = 0;
        for (int k = 0; k < l.partCount(); k++) {
            keys.add(DataKeyId.at(value, l.keyIdOffset(k)));
            fields.add(l.fields(value, k));
            ciphertext += l.ciphertextLength(k);
        }
        return new CleartextFields(WireFormat.Format.AES_GCM_V2, l.eventId(value), l.timestamp(), l.contentType(value),
                Optional.empty(), keys, ciphertext, fields);
    }
}
