package io.deptcrypt.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import io.deptcrypt.crypto.avro.AudienceKey;
import io.deptcrypt.crypto.avro.DataKeyRecord;
import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The persisted identifiers of the wire format: changing one of these breaks every record already written. */
class WireFormatIdsTest {

    @Test
    void formatVersionsAndTheirPersistedInts() {
        assertThat(WireFormat.Version.V1.id()).isEqualTo(1);
        assertThat(WireFormat.Version.CURRENT).isEqualTo(WireFormat.Version.V1);
        assertThat(WireFormat.Version.fromId(1)).contains(WireFormat.Version.V1);
        assertThat(WireFormat.Version.V2.id()).isEqualTo(2);
        assertThat(WireFormat.Version.fromId(2)).contains(WireFormat.Version.V2);
        assertThat(WireFormat.Version.fromId(3)).isEmpty();
        assertThat(WireFormat.Version.knownIds()).containsExactly(1, 2);
        // version 2's second byte is what a version 1 (Avro) reader decodes as formatVersion: zig-zag 2
        assertThat(AesGcmV2.VERSION_BYTE).isEqualTo((byte) (2 << 1));
        assertThat(PublishedDataKey.MAGIC).isEqualTo((byte) 0xDD);
    }

    @Test
    void formatsAndTheirPersistedAvroEnumIndexes() {
        // An Avro enum is written as its symbol's index: new symbols go at the end.
        Schema format = Envelope.getClassSchema().getField("format").schema();
        assertThat(format.getEnumSymbols()).containsExactly("AES_GCM_V1", "ESDK_MESSAGE_V1", "AES_GCM_V2");
        assertThat(EnvelopeFormatId.AES_GCM_V1.ordinal()).isEqualTo(0);
        assertThat(EnvelopeFormatId.ESDK_MESSAGE_V1.ordinal()).isEqualTo(1);
        assertThat(EnvelopeFormatId.AES_GCM_V2.ordinal()).isEqualTo(2);
        assertThat(WireFormat.Format.AES_GCM_V2.version()).isEqualTo(WireFormat.Version.V2);
        assertThat(WireFormat.Format.AES_GCM_V1.version()).isEqualTo(WireFormat.Version.V1);
        for (EnvelopeFormatId id : EnvelopeFormatId.values()) {
            assertThat(WireFormat.Format.of(id).id()).isEqualTo(id);
        }
        assertThat(WireFormat.Format.values()).hasSameSizeAs(EnvelopeFormatId.values());
    }

    @Test
    void dataKeySuitesAreTheDocumentedEsdkSuiteIds() {
        assertThat(suiteId(WireFormat.Format.AES_GCM_V1)).as("ALG_AES_256_GCM_IV12_TAG16_NO_KDF").isEqualTo(0x0078);
        assertThat(suiteId(WireFormat.Format.AES_GCM_V2)).as("ALG_AES_256_GCM_IV12_TAG16_NO_KDF").isEqualTo(0x0078);
        assertThat(suiteId(WireFormat.Format.ESDK_MESSAGE_V1)).as("ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY")
                .isEqualTo(0x0478);
        assertThat(EsdkMessageV1.SUITE.name()).isEqualTo(WireFormat.Format.ESDK_MESSAGE_V1.dataKeySuite().name());
        // 0x0178 is the HKDF-SHA256 suite, which deptcrypt does not use
        assertThat(CryptoAlgorithm.ALG_AES_256_GCM_IV12_TAG16_HKDF_SHA256.getValue()).isEqualTo((short) 0x0178);
    }

    @Test
    void avroFieldsInTheirWrittenOrder() {
        assertThat(Envelope.getClassSchema().getFields()).extracting(Schema.Field::name).containsExactly(
                "formatVersion", "format", "department", "eventId", "timestamp", "contentType", "wrappedKeys", "nonce",
                "ciphertext");
        assertThat(EnvelopeSerde.MAGIC).isEqualTo((byte) 0xDC);
    }

    @Test
    void dataKeyRecordFieldsInTheirWrittenOrder() {
        assertThat(DataKeyRecord.getClassSchema().getFields()).extracting(Schema.Field::name)
                .containsExactly("recordVersion", "id", "format", "audiences", "wrappedKeys", "createdAt", "application");
        assertThat(AudienceKey.getClassSchema().getFields()).extracting(Schema.Field::name)
                .containsExactly("audience", "keyProvider", "keyProviderInfo", "encryptedDataKey");
        assertThat(PublishedDataKey.RECORD_VERSION).isEqualTo(1);
    }

    @Test
    void compactContentTypeCodes() {
        assertThat(AesGcmV2.contentTypeCode("application/json")).isEqualTo(1);
        assertThat(AesGcmV2.contentTypeCode("text/plain")).isEqualTo(2);
        assertThat(AesGcmV2.contentTypeCode("application/octet-stream")).isEqualTo(3);
        assertThat(AesGcmV2.contentTypeCode("image/png")).isEqualTo(0xFF);
        assertThat(AesGcmV2.contentTypeCode("")).isEqualTo(0xFF);
    }

    private static int suiteId(WireFormat.Format format) {
        return CryptoAlgorithm.valueOf(format.dataKeySuite().name()).getValue();
    }
}
