package io.deptcrypt.crypto;

import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.EncryptionContext;
import java.util.List;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.AlgorithmSuiteId;
import software.amazon.cryptography.materialproviders.model.DecryptionMaterials;
import software.amazon.cryptography.materialproviders.model.EncryptedDataKey;
import software.amazon.cryptography.materialproviders.model.EncryptionMaterials;
import software.amazon.cryptography.materialproviders.model.InitializeDecryptionMaterialsInput;
import software.amazon.cryptography.materialproviders.model.InitializeEncryptionMaterialsInput;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;
import software.amazon.cryptography.materialproviders.model.OnDecryptInput;
import software.amazon.cryptography.materialproviders.model.OnEncryptInput;

/**
 * Data keys through the Material Providers keyrings: encryption materials for the format's suite
 * ({@link WireFormat.Format#dataKeySuite()}) with the encryption context {@link EncryptionContext#of}, handed to the
 * keyring's OnEncrypt (which generates and wraps the key, e.g. one KMS GenerateDataKey) or OnDecrypt (which unwraps
 * it, e.g. one KMS Decrypt).
 */
final class DataKeys {

    static final MaterialProviders MPL = MaterialProviders.builder()
            .MaterialProvidersConfig(MaterialProvidersConfig.builder().build()).build();

    private DataKeys() {}

    static EncryptionMaterials generate(IKeyring keyring, EnvelopeFormatId format, String department, String keyText) {
        try {
            EncryptionMaterials empty = MPL.InitializeEncryptionMaterials(InitializeEncryptionMaterialsInput.builder()
                    .algorithmSuiteId(suite(format))
                    .encryptionContext(EncryptionContext.of(department))
                    .requiredEncryptionContextKeys(List.of())
                    .build());
            EncryptionMaterials m = keyring.OnEncrypt(OnEncryptInput.builder().materials(empty).build()).materials();
            if (m.plaintextDataKey() == null || m.encryptedDataKeys() == null || m.encryptedDataKeys().isEmpty()) {
                throw new EnvelopeException("keyring for " + keyText + " returned no data key");
            }
            return m;
        } catch (RuntimeException e) {
            throw KmsErrorMapping.map(e, "generate a data key for department '" + department + "'", keyText);
        }
    }

    /**
     * Wraps the data key of {@code generated} for one more audience: {@code keyring}'s OnEncrypt of materials that
     * already hold the key, under the audience's own encryption context (e.g. one KMS Encrypt).
     */
    static List<EncryptedDataKey> wrap(IKeyring keyring, EncryptionMaterials generated, String department,
            String keyText) {
        try {
            EncryptionMaterials withKey = MPL.InitializeEncryptionMaterials(InitializeEncryptionMaterialsInput.builder()
                            .algorithmSuiteId(generated.algorithmSuite().id())
                            .encryptionContext(EncryptionContext.of(department))
                            .requiredEncryptionContextKeys(List.of())
                            .build())
                    .toBuilder().plaintextDataKey(generated.plaintextDataKey().duplicate()).build();
            EncryptionMaterials m = keyring.OnEncrypt(OnEncryptInput.builder().materials(withKey).build()).materials();
            if (m.encryptedDataKeys() == null || m.encryptedDataKeys().isEmpty()) {
                throw new EnvelopeException("keyring for " + keyText + " wrapped no data key");
            }
            return m.encryptedDataKeys();
        } catch (RuntimeException e) {
            throw KmsErrorMapping.map(e, "wrap a data key for department '" + department + "'", keyText);
        }
    }

    static DecryptionMaterials unwrap(IKeyring keyring, EnvelopeFormatId format, String department,
            List<EncryptedDataKey> edks, String keyText) {
        try {
            DecryptionMaterials empty = MPL.InitializeDecryptionMaterials(InitializeDecryptionMaterialsInput.builder()
                    .algorithmSuiteId(suite(format))
                    .encryptionContext(EncryptionContext.of(department))
                    .requiredEncryptionContextKeys(List.of())
                    .build());
            DecryptionMaterials m = keyring.OnDecrypt(OnDecryptInput.builder()
                    .materials(empty).encryptedDataKeys(edks).build()).materials();
            if (m.plaintextDataKey() == null) {
                throw new EnvelopeException("no keyring could unwrap the data key of department '" + department + "'");
            }
            return m;
        } catch (RuntimeException e) {
            throw KmsErrorMapping.map(e, "unwrap the data key of department '" + department + "'", keyText);
        }
    }

    private static AlgorithmSuiteId suite(EnvelopeFormatId format) {
        return AlgorithmSuiteId.builder().ESDK(WireFormat.Format.of(format).dataKeySuite()).build();
    }
}
