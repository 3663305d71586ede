package io.deptcrypt.crypto;

import io.deptcrypt.crypto.avro.AudienceKey;
import io.deptcrypt.crypto.avro.DataKeyIdBytes;
import io.deptcrypt.crypto.avro.DataKeyRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * A data key's record on the keys topic (docs/wire-format.md, "Data key record"): Kafka key = the 16-byte
 * {@link DataKeyId}, value = {@link #MAGIC} then the Avro binary encoding of {@link DataKeyRecord}. It names the key's
 * audiences and carries the key wrapped once per audience, each under its department's KMS key with the context
 * {@code {"department": audience}}, so the generated key policies decide who unwraps it, unchanged.
 * <p>
 * Holds the exact value bytes it was decoded from (or encoded to) and their SHA-256, which every AES_GCM_V2 record
 * under the key has in its AAD: computed once per data key, never per record. Immutable.
 */
public final class PublishedDataKey {

    /** First byte of every keys-topic value ("deptcrypt data key record, encoding 1"). */
    public static final byte MAGIC = (byte) 0xDD;
    /** {@code DataKeyRecord.recordVersion} this code writes and reads. */
    public static final int RECORD_VERSION = 1;
    /** A data key has at most this many audiences (and wrapped keys). */
    public static final int MAX_AUDIENCES = WrappedKeys.MAX_WRAPPED_KEYS;
    /** Separates audiences in the {@code deptcrypt.audience} header. */
    public static final char AUDIENCE_SEPARATOR = ',';

    private static final DatumWriter<DataKeyRecord> WRITER = new SpecificDatumWriter<>(DataKeyRecord.class);
    private static final DatumReader<DataKeyRecord> READER = new SpecificDatumReader<>(DataKeyRecord.class);

    private final DataKeyId id;
    private final WireFormat.Format format;
    private final List<String> audiences;
    private final List<AudienceWrappedKey> wrappedKeys;
    private final long createdAtMillis;
    private final String application;
    private final byte[] value;
    private final byte[] sha256;
    private final byte[] audienceHeader;

    private PublishedDataKey(DataKeyId id, WireFormat.Format format, List<String> audiences,
            List<AudienceWrappedKey> wrappedKeys, long createdAtMillis, String application, byte[] value) {
        this.id = id;
        this.format = format;
        this.audiences = List.copyOf(audiences);
        this.wrappedKeys = List.copyOf(wrappedKeys);
        this.createdAtMillis = createdAtMillis;
        this.application = application;
        this.value = value;
        this.sha256 = sha256(value);
        this.audienceHeader = String.join(String.valueOf(AUDIENCE_SEPARATOR), audiences)
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A new record for a freshly generated data key, encoded.
     *
     * @param audiences   sorted by UTF-8 bytes here; unique, 1 to {@value #MAX_AUDIENCES}
     * @param wrappedKeys at least one per audience
     * @throws IllegalArgumentException if the audiences or wrapped keys break those rules
     */
    public static PublishedDataKey create(DataKeyId id, WireFormat.Format format, Set<String> audiences,
            List<AudienceWrappedKey> wrappedKeys, long createdAtMillis, String application) {
        List<String> sorted = sortedAudiences(audiences);
        String problem = problem(format, sorted, wrappedKeys);
        if (problem != null) {
            throw new IllegalArgumentException("invalid data key record " + id + ": " + problem);
        }
        List<AudienceKey> keys = new ArrayList<>(wrappedKeys.size());
        for (AudienceWrappedKey k : wrappedKeys) {
            keys.add(new AudienceKey(k.audience(), k.keyProvider(), ByteBuffer.wrap(k.keyProviderInfo()),
                    ByteBuffer.wrap(k.encryptedDataKey())));
        }
        DataKeyRecord record = new DataKeyRecord(RECORD_VERSION, new DataKeyIdBytes(id.bytes()), format.id(),
                new ArrayList<>(sorted), keys, createdAtMillis, application);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 256 * keys.size());
        out.write(MAGIC);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            WRITER.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode data key record " + id, e);
        }
        return new PublishedDataKey(id, format, sorted, wrappedKeys, createdAtMillis, application, out.toByteArray());
    }

    /**
     * Decodes a keys-topic record.
     *
     * @throws EnvelopeException if the value is not a data key record this code understands, or its id is not the key
     */
    public static PublishedDataKey decode(byte[] key, byte[] value) {
        if (key == null || key.length != DataKeyId.BYTES) {
            throw new EnvelopeException("not a data key record: the Kafka key must be a " + DataKeyId.BYTES
                    + "-byte data key id, has " + (key == null ? "none" : key.length + " bytes"));
        }
        DataKeyId id = DataKeyId.of(key);
        if (value == null || value.length == 0 || value[0] != MAGIC) {
            throw new EnvelopeException("data key record " + id + " is not one: its value does not start with 0x"
                    + Integer.toHexString(MAGIC & 0xff));
        }
        DataKeyRecord r;
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, 1, value.length - 1, null);
            r = READER.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new EnvelopeException("data key record " + id + " has bytes after its Avro record");
            }
        } catch (EnvelopeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new EnvelopeException("data key record " + id + " does not decode (" + e.getClass().getSimpleName()
                    + ")", e);
        }
        if (r.getRecordVersion() != RECORD_VERSION) {
            throw new EnvelopeException("data key record " + id + " has recordVersion " + r.getRecordVersion()
                    + ", this reader understands " + RECORD_VERSION);
        }
        if (!Arrays.equals(r.getId().bytes(), key)) {
            throw new EnvelopeException("data key record under key " + id + " names another id, "
                    + DataKeyId.of(r.getId().bytes()));
        }
        List<String> audiences = new ArrayList<>();
        r.getAudiences().forEach(a -> audiences.add(a.toString()));
        List<AudienceWrappedKey> wrapped = new ArrayList<>();
        for (AudienceKey k : r.getWrappedKeys()) {
            wrapped.add(new AudienceWrappedKey(k.getAudience(), k.getKeyProvider(),
                    WrappedKeys.bytes(k.getKeyProviderInfo()), WrappedKeys.bytes(k.getEncryptedDataKey())));
        }
        WireFormat.Format format = WireFormat.Format.of(r.getFormat());
        String problem = audiences.equals(sortedAudiences(audiences)) ? problem(format, audiences, wrapped)
                : "its audiences " + audiences + " are not sorted and unique";
        if (problem != null) {
            throw new EnvelopeException("data key record " + id + " is invalid: " + problem);
        }
        return new PublishedDataKey(id, format, audiences, wrapped, r.getCreatedAt(), r.getApplication(), value);
    }

    private static List<String> sortedAudiences(Collection<String> audiences) {
        TreeSet<String> s = new TreeSet<>((a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8),
                b.getBytes(StandardCharsets.UTF_8)));
        s.addAll(audiences);
        return List.copyOf(s);
    }

    private static String problem(WireFormat.Format format, List<String> audiences, List<AudienceWrappedKey> keys) {
        if (format != WireFormat.Format.AES_GCM_V2) {
            return "format " + format + " does not use published data keys";
        }
        if (audiences.isEmpty() || audiences.size() > MAX_AUDIENCES) {
            return "it must have 1 to " + MAX_AUDIENCES + " audiences, has " + audiences.size();
        }
        for (String a : audiences) {
            if (a.isEmpty() || a.indexOf(AUDIENCE_SEPARATOR) >= 0) {
                return "audience '" + a + "' is empty or contains '" + AUDIENCE_SEPARATOR + "'";
            }
        }
        if (keys.isEmpty() || keys.size() > MAX_AUDIENCES) {
            return "it must have 1 to " + MAX_AUDIENCES + " wrapped keys, has " + keys.size();
        }
        Set<String> covered = new TreeSet<>();
        for (AudienceWrappedKey k : keys) {
            if (!audiences.contains(k.audience())) {
                return "a wrapped key is for '" + k.audience() + "', not one of its audiences " + audiences;
            }
            covered.add(k.audience());
        }
        if (covered.size() != audiences.size()) {
            return "not every audience of " + audiences + " has a wrapped key";
        }
        return null;
    }

    private static byte[] sha256(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    public DataKeyId id() {
        return id;
    }

    public WireFormat.Format format() {
        return format;
    }

    /** Sorted by UTF-8 bytes, unique. */
    public List<String> audiences() {
        return audiences;
    }

    public boolean hasAudience(String audience) {
        return audiences.contains(audience);
    }

    public List<AudienceWrappedKey> wrappedKeys() {
        return wrappedKeys;
    }

    /** The wrapped keys for {@code audience}, in record order. */
    List<AudienceWrappedKey> wrappedKeysFor(String audience) {
        return wrappedKeys.stream().filter(k -> k.audience().equals(audience)).toList();
    }

    public long createdAtMillis() {
        return createdAtMillis;
    }

    public String application() {
        return application;
    }

    /** The Kafka key: the id's 16 bytes. */
    public byte[] key() {
        return id.bytes();
    }

    /** The Kafka value, a copy. */
    public byte[] value() {
        return value.clone();
    }

    /** SHA-256 of the Kafka value, as bound in the AAD of every record under the key (not a copy: do not change). */
    byte[] sha256() {
        return sha256;
    }

    /** The {@code deptcrypt.audience} header of records under this key: the audiences joined by ',' (not a copy). */
    byte[] audienceHeader() {
        return audienceHeader;
    }

    /** Whether this is the same record, byte for byte. */
    public boolean sameRecordAs(PublishedDataKey other) {
        return other != null && Arrays.equals(value, other.value);
    }

    /** Names id, audiences, creator and creation time; wrapped keys are left out (not secret, just long). */
    @Override
    public String toString() {
        return "PublishedDataKey[" + id + ", " + format + ", audiences=" + audiences + ", created "
                + Instant.ofEpochMilli(createdAtMillis) + " by " + application + "]";
    }
}
