package io.deptcrypt.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.crypto.avro.WrappedKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class EnvelopeSerdeTest {

    static Envelope sample() {
        return new Envelope(1, EnvelopeFormatId.AES_GCM_V1, "finance", "e-1", 1_700_000_000_000L, "application/json",
                List.of(new WrappedKey("aws-kms", "arn:aws:kms:us-east-1:111122223333:key/k",
                        ByteBuffer.wrap(new byte[] {1, 2, 3}))),
                ByteBuffer.wrap(new byte[12]), ByteBuffer.wrap(new byte[] {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9}));
    }

    @Test
    void roundTripsThroughTheKafkaSerdeWithTheMagicByteFirst() {
        EnvelopeSerde serde = EnvelopeSerde.instance();
        byte[] bytes = serde.serializer().serialize("t", sample());

        assertThat(bytes[0]).isEqualTo(EnvelopeSerde.MAGIC);
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(sample());
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void foreignBytesAreRefusedClearly() {
        byte[] good = EnvelopeSerde.toBytes(sample());
        assertThatThrownBy(() -> EnvelopeSerde.fromBytes(new byte[0])).isInstanceOf(EnvelopeException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> EnvelopeSerde.fromBytes("{\"department\":\"finance\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EnvelopeException.class).hasMessageContaining("first byte is 0x7b, expected 0xdc");
        assertThatThrownBy(() -> EnvelopeSerde.fromBytes(new byte[] {0, 0, 0, 0, 1}))
                .isInstanceOf(EnvelopeException.class).hasMessageContaining("first byte is 0x00");
        assertThatThrownBy(() -> EnvelopeSerde.fromBytes(Arrays.copyOf(good, good.length - 5)))
                .isInstanceOf(EnvelopeException.class).hasMessageContaining("Avro");
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> EnvelopeSerde.fromBytes(trailing)).isInstanceOf(EnvelopeException.class)
                .hasMessageContaining("after the Avro record");
        byte[] badEnum = good.clone();
        badEnum[2] = 0x7e;  // format enum index 63
        assertThatThrownBy(() -> EnvelopeSerde.fromBytes(badEnum)).isInstanceOf(EnvelopeException.class);
    }

    @Test
    void incompleteEnvelopeCannotBeSerialized() {
        Envelope e = sample();
        e.setCiphertext(ByteBuffer.allocate(0));
        e.setDepartment(null);
        assertThatThrownBy(() -> EnvelopeSerde.toBytes(e)).isInstanceOf(EnvelopeException.class);
        Envelope noCiphertext = sample();
        noCiphertext.setCiphertext(null);
        assertThatThrownBy(() -> EnvelopeSerde.toBytes(noCiphertext)).isInstanceOf(EnvelopeException.class);
    }

    @Test
    void headersRepeatDepartmentAndEventIdOnlyAndAreReplacedNotDuplicated() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EnvelopeHeaders.DEPARTMENT, "stale".getBytes(StandardCharsets.UTF_8));
        EnvelopeHeaders.write(headers, sample());

        assertThat(EnvelopeHeaders.department(headers)).contains("finance");
        assertThat(EnvelopeHeaders.eventId(headers)).contains("e-1");
        assertThat(headers.toArray()).hasSize(2);  // no format header: it is byte 2 of the value
        assertThat(headers.headers(EnvelopeHeaders.DEPARTMENT)).hasSize(1);
        assertThat(EnvelopeHeaders.department(new RecordHeaders())).isEmpty();
        assertThat(EnvelopeHeaders.department(null)).isEmpty();
    }
}
