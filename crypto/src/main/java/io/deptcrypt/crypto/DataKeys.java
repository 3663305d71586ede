package io.deptcrypt.crypto;

import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.AlgorithmSuiteId;
import software.amazon.cryptography.materialproviders.model.DecryptionMaterials;
import software.amazon.cryptography.materialproviders.model.ESDKAlgorithmSuiteId;
import software.amazon.cryptography.materialproviders.model.EncryptedDataKey;
import software.amazon.cryptography.materialproviders.model.EncryptionMaterials;
import software.amazon.cryptography.materialproviders.model.InitializeDecryptionMaterialsInput;
import software.amazon.cryptography.materialproviders.model.InitializeEncryptionMaterialsInput;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;
import software.amazon.cryptography.materialproviders.model.OnDecryptInput;
import software.amazon.cryptography.materialproviders.model.OnEncryptInput;

/**
 * Data keys through the Material Providers keyrings: encryption materials for an unsigned suite with the encryption
 * context {@code {"department": <department>}}, handed to the keyring's OnEncrypt (which generates and wraps the key,
 * e.g. one KMS GenerateDataKey) or OnDecrypt (which unwraps it, e.g. one KMS Decrypt).
 */
final class DataKeys {

    /** The only encryption-context key: the department the data key belongs to. */
    static final String CONTEXT_KEY = "department";

    static final MaterialProviders MPL = MaterialProviders.builder()
            .MaterialProvidersConfig(MaterialProvidersConfig.builder().build()).build();

    private DataKeys() {}

    /**
     * AES_GCM_V1 uses the data key directly as an AES-256-GCM key: the suite that says exactly that (32-byte key, no
     * KDF, no signature). ESDK_MESSAGE_V1 uses the committing, unsigned ESDK suite.
     */
    static ESDKAlgorithmSuiteId suite(EnvelopeFormatId format) {
        return switch (format) {
            case AES_GCM_V1 -> ESDKAlgorithmSuiteId.ALG_AES_256_GCM_IV12_TAG16_NO_KDF;
            case ESDK_MESSAGE_V1 -> ESDKAlgorithmSuiteId.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
        };
    }

    static Map<String, String> context(String department) {
        return Map.of(CONTEXT_KEY, department);
    }

    static EncryptionMaterials generate(IKeyring keyring, EnvelopeFormatId format, String department, String keyText) {
        try {
            EncryptionMaterials empty = MPL.InitializeEncryptionMaterials(InitializeEncryptionMaterialsInput.builder()
                    .algorithmSuiteId(AlgorithmSuiteId.builder().ESDK(suite(format)).build())
                    .encryptionContext(context(department))
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

    static DecryptionMaterials unwrap(IKeyring keyring, EnvelopeFormatId format, String department,
            List<EncryptedDataKey> edks, String keyText) {
        try {
            DecryptionMaterials empty = MPL.InitializeDecryptionMaterials(InitializeDecryptionMaterialsInput.builder()
                    .algorithmSuiteId(AlgorithmSuiteId.builder().ESDK(suite(format)).build())
                    .encryptionContext(context(department))
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

    static SecretKey aesKey(java.nio.ByteBuffer plaintextDataKey) {
        byte[] raw = WrappedKeys.bytes(plaintextDataKey);
        try {
            return new SecretKeySpec(raw, "AES");
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }
}
