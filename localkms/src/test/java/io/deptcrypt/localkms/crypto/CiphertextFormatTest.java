package io.deptcrypt.localkms.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The context encoding cannot be ambiguous; the blob binds key, version and context. */
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
        CiphertextBlob relabelled = new CiphertextBlob("1234abcd-kez", 3, parsed.nonce(), parsed.sealed());
        assertThat(material.open(relabelled, aad)).isEmpty();
        assertThat(CiphertextBlob.parse(new byte[] {1, 0})).isEmpty();
        assertThat(CiphertextBlob.parse(new byte[] {2, 1, 'a', 0, 0, 0, 0})).isEmpty();
        assertThat(material.toString()).doesNotContain(java.util.Base64.getEncoder().encodeToString(material.keyBytes()));
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
