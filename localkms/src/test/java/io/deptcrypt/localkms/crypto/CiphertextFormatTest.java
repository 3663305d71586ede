package io.deptcrypt.localkms.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The context encoding cannot be ambiguous; the blob binds key, version and context, and has AWS's length. */
class CiphertextFormatTest {

    @Test
    void contextEncodingIsUnambiguousAndOrderIndependent() {
        assertThat(EncryptionContextEncoding.encode(Map.of("ab", "c"))).isNotEqualTo(EncryptionContextEncoding.encode(Map.of("a", "bc")));
        assertThat(EncryptionContextEncoding.encode(Map.of("a", ""))).isNotEqualTo(EncryptionContextEncoding.encode(Map.of()));
        Map<String, String> forward = new LinkedHashMap<>();
        forward.put("b", "2");
        forward.put("a", "1");
        forward.put("é", "3");
        Map<String, String> backward = new LinkedHashMap<>();
        backward.put("é", "3");
        backward.put("a", "1");
        backward.put("b", "2");
        assertThat(EncryptionContextEncoding.encode(forward)).isEqualTo(EncryptionContextEncoding.encode(backward));
        assertThat(EncryptionContextEncoding.encode(Map.of())).containsExactly(0, 0, 0, 0);
        assertThat(EncryptionContextEncoding.encode(Map.of("k", "v"))).containsExactly(0, 0, 0, 1, 0, 0, 0, 1, 'k', 0, 0, 0, 1, 'v');
    }

    @Test
    void blobRoundTripAndBinding() {
        KeyMaterial material = KeyMaterial.generate(3, Instant.now());
        byte[] aad = EncryptionContextEncoding.encode(Map.of("department", "finance"));
        CiphertextBlob blob = material.seal("1234abcd-key", "secret".getBytes(), aad);
        CiphertextBlob parsed = CiphertextBlob.parse(blob.toBytes()).orElseThrow();
        assertThat(parsed.keyId()).isEqualTo("1234abcd-key");
        assertThat(parsed.materialVersion()).isEqualTo(3);
        assertThat(material.open(parsed, aad)).hasValueSatisfying(p -> assertThat(new String(p)).isEqualTo("secret"));
        assertThat(material.open(parsed, EncryptionContextEncoding.encode(Map.of("department", "sales")))).isEmpty();
        // A header naming another key id is authenticated too.
        CiphertextBlob relabelled = CiphertextBlob.padded("1234abcd-kez", 3, parsed.nonce(), parsed.sealed());
        assertThat(material.open(relabelled, aad)).isEmpty();
        // So is the padding: a blob whose padding length was changed (and bytes added to match) does not open.
        CiphertextBlob repadded = new CiphertextBlob(2, "1234abcd-key", 3, parsed.padding() - 1, parsed.nonce(),
                parsed.sealed());
        assertThat(material.open(repadded, aad)).isEmpty();
        assertThat(CiphertextBlob.parse(new byte[] {1, 0})).isEmpty();
        assertThat(CiphertextBlob.parse(new byte[] {2, 1, 'a', 0, 0, 0, 0})).isEmpty();
        assertThat(material.toString()).doesNotContain(java.util.Base64.getEncoder().encodeToString(material.keyBytes()));
    }

    @Test
    void blobsHaveTheLengthOfAwsKmsBlobs() {
        KeyMaterial material = KeyMaterial.generate(0, Instant.now());
        byte[] aad = EncryptionContextEncoding.encode(Map.of("department", "finance"));
        String uuid = "1234abcd-12ab-34cd-56ef-1234567890ab";
        // AWS KMS: 184 bytes for a 32-byte data key (GenerateDataKey's CiphertextBlob), 152 + plaintext in general
        assertThat(material.seal(uuid, new byte[32], aad).toBytes()).hasSize(184);
        assertThat(material.seal(uuid, new byte[1], aad).toBytes()).hasSize(153);
        assertThat(material.seal(uuid, new byte[4096], aad).toBytes()).hasSize(152 + 4096);
        assertThat(material.seal("k", new byte[32], aad).toBytes()).hasSize(184);
        byte[] blob = material.seal(uuid, new byte[32], aad).toBytes();
        assertThat(blob[0]).isEqualTo((byte) CiphertextBlob.FORMAT);
        // a key id too long to pad (localkms allows 128 characters) gives a longer blob, never a broken one
        String longId = "k".repeat(128);
        CiphertextBlob longBlob = material.seal(longId, new byte[32], aad);
        assertThat(longBlob.toBytes()).hasSize(1 + 1 + 128 + 4 + 1 + 12 + 32 + 16);
        assertThat(material.open(CiphertextBlob.parse(longBlob.toBytes()).orElseThrow(), aad)).isPresent();
        // non-zero padding is not a blob localkms wrote
        blob[2 + uuid.length() + 4 + 1] = 1;
        assertThat(CiphertextBlob.parse(blob)).isEmpty();
    }

    /** A format 1 blob made by localkms before blobs were padded (key material and data key below, both public). */
    @Test
    void aStoredFormatOneBlobStillOpens() {
        byte[] keyMaterial = HexFormat.of().parseHex("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f");
        byte[] stored = HexFormat.of().parseHex("012431323334616263642d313261622d333463642d353665662d3132333435363738"
                + "393061620000000190" + "2da6bc350e4ed92eab978b32191b3b57679135e36e03230caab393a15bbab88a35f5955ece0df2"
                + "93d8a8dd7f0658494571e7fa62942140cfe45929");
        assertThat(stored).hasSize(102);
        CiphertextBlob blob = CiphertextBlob.parse(stored).orElseThrow();
        assertThat(blob.format()).isEqualTo(CiphertextBlob.UNPADDED_FORMAT);
        assertThat(blob.keyId()).isEqualTo("1234abcd-12ab-34cd-56ef-1234567890ab");
        assertThat(blob.materialVersion()).isEqualTo(1);
        assertThat(blob.toBytes()).isEqualTo(stored);
        KeyMaterial material = new KeyMaterial(1, Instant.parse("2026-01-01T00:00:00Z"), keyMaterial);
        assertThat(material.open(blob, EncryptionContextEncoding.encode(Map.of("department", "finance"))))
                .hasValueSatisfying(p -> assertThat(HexFormat.of().formatHex(p))
                        .isEqualTo("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"));
        assertThat(material.open(blob, EncryptionContextEncoding.encode(Map.of("department", "sales")))).isEmpty();
    }

    @Test
    void masterKeySealsWithALabel() {
        MasterKey master = new MasterKey(MasterKey.generateBytes());
        String sealed = master.seal("s3cret".getBytes(), "access-key/AKIA1");
        assertThat(new String(master.open(sealed, "access-key/AKIA1"))).isEqualTo("s3cret");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> master.open(sealed, "access-key/AKIA2"))
                .hasMessageContaining("does not decrypt under master.key");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MasterKey(MasterKey.generateBytes()).open(sealed, "access-key/AKIA1"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
