package io.deptcrypt.crypto;

import io.deptcrypt.crypto.avro.Envelope;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The Kafka record value of a version 1 envelope (AES_GCM_V1, ESDK_MESSAGE_V1, dead letters): the byte {@link #MAGIC}
 * ({@code 0xDC}) followed by the Avro binary encoding of {@link Envelope} (no schema id, no container). Foreign bytes,
 * and version 2 records (whose second byte is {@code 0x04}, formatVersion 2 to an Avro reader), are refused with an
 * {@link EnvelopeException}. A null value (tombstone) maps to null both ways. Stateless and thread-safe.
 */
public final class EnvelopeSerde implements Serde<Envelope> {

    /** First byte of every serialized envelope (envelope encoding 1). */
    public static final byte MAGIC = (byte) 0xDC;

    private static final EnvelopeSerde INSTANCE = new EnvelopeSerde();
    private static final DatumWriter<Envelope> WRITER = new SpecificDatumWriter<>(Envelope.class);
    private static final DatumReader<Envelope> READER = new SpecificDatumReader<>(Envelope.class);

    /** Reused per thread: Avro re-points it at each input. */
    private static final ThreadLocal<BinaryDecoder> DECODER = new ThreadLocal<>();

    private final Serializer<Envelope> serializer = (topic, envelope) -> toBytes(envelope);
    private final Deserializer<Envelope> deserializer = (topic, data) -> fromBytes(data);

    public EnvelopeSerde() {}

    public static EnvelopeSerde instance() {
        return INSTANCE;
    }

    @Override
    public Serializer<Envelope> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<Envelope> deserializer() {
        return deserializer;
    }

    /** {@code MAGIC || avro(envelope)}; null for null. */
    public static byte[] toBytes(Envelope envelope) {
        if (envelope == null) {
            return null;
        }
        ByteBuffer ciphertext = envelope.getCiphertext();
        ArrayOutput out = new ArrayOutput(512 + (ciphertext == null ? 0 : ciphertext.remaining()));
        out.write(MAGIC);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            WRITER.write(envelope, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new EnvelopeException("cannot serialize envelope (a required field is missing?): "
                    + e.getClass().getSimpleName(), e);
        }
        return out.toByteArray();
    }

    /**
     * @throws EnvelopeException if {@code data} is empty, does not start with {@link #MAGIC}, is not a complete Avro
     *                           {@link Envelope}, or has bytes after it
     */
    public static Envelope fromBytes(byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length == 0) {
            throw new EnvelopeException("not a deptcrypt envelope: empty value");
        }
        if (data[0] != MAGIC) {
            throw new EnvelopeException(String.format("not a deptcrypt envelope: first byte is 0x%02x, expected 0x%02x",
                    data[0] & 0xff, MAGIC & 0xff));
        }
        if (AesGcmV2.isVersion2(data)) {
            throw new EnvelopeException("an envelope of format version 2 (AES_GCM_V2), which is not an Avro envelope:"
                    + " open it with Opener.open(topic, value, reader, audienceHeader)");
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, 1, data.length - 1, DECODER.get());
            DECODER.set(decoder);
            Envelope envelope = READER.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new EnvelopeException("not a deptcrypt envelope: unexpected bytes after the Avro record");
            }
            return envelope;
        } catch (EnvelopeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new EnvelopeException("not a deptcrypt envelope: Avro decoding failed ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    /**
     * A growable byte array without ByteArrayOutputStream's per-call locking (the direct encoder writes field by
     * field, ~20 calls per envelope).
     */
    private static final class ArrayOutput extends OutputStream {
        private byte[] buf;
        private int count;

        ArrayOutput(int capacity) {
            buf = new byte[capacity];
        }

        @Override
        public void write(int b) {
            ensure(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        private void ensure(int more) {
            if (buf.length - count < more) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
            }
        }

        byte[] toByteArray() {
            return count == buf.length ? buf : Arrays.copyOf(buf, count);
        }
    }
}
