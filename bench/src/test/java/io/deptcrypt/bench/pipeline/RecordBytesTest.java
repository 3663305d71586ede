package io.deptcrypt.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import org.junit.jupiter.api.Test;

class RecordBytesTest {

    @Test
    void overheadIsTheEncryptedRecordMinusThePlaintextItSealsAndPaddingMinusThePlaintextRecord() {
        // plaintext passthrough record: 20 B key + 1024 B value + 30 B headers; encrypted: 20 + 1100 + 60
        RecordBytes.Sample plain = new RecordBytes.Sample(1000, 20, 1024, 30, null, null);
        RecordBytes.Sample enc = new RecordBytes.Sample(1000, 20, 1100, 60, null, null);
        RecordBytes b = new RecordBytes(EnvelopeFormatId.AES_GCM_V2, enc, plain, 184, 0, 480);

        assertThat(plain.recordBytes()).isEqualTo(1074);
        assertThat(b.envelopeOverheadBytes()).isEqualTo(1180 - 1024);
        assertThat(b.extraBytesPerRecord()).isEqualTo(1180 - 1074);
    }
}
