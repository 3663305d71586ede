package io.deptcrypt.crypto;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CommitmentPolicy;
import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import com.amazonaws.encryptionsdk.ParsedCiphertext;
import com.amazonaws.encryptionsdk.model.KeyBlob;
import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.crypto.avro.WrappedKey;
import io.deptcrypt.governance.EncryptionContext;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import software.amazon.cryptography.materialproviders.ICryptographicMaterialsManager;
import software.amazon.cryptography.materialproviders.model.DecryptMaterialsInput;
import software.amazon.cryptography.materialproviders.model.DecryptMaterialsOutput;
import software.amazon.cryptography.materialproviders.model.DecryptionMaterials;
import software.amazon.cryptography.materialproviders.model.EncryptionMaterials;
import software.amazon.cryptography.materialproviders.model.GetEncryptionMaterialsInput;
import software.amazon.cryptography.materialproviders.model.GetEncryptionMaterialsOutput;

/**
 * The ESDK_MESSAGE_V1 ciphertext (docs/wire-format.md): one complete AWS Encryption SDK message, message format 2,
 * suite ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY (committing, unsigned), encryption context exactly
 * {@code {"department": d}}, the envelope's wrapped keys as its encrypted data keys, and an empty {@code nonce}.
 * <p>
 * KMS is not called per message: a CMM hands the ESDK the data key the sealer or opener already holds, the way the
 * ESDK's caching CMM would. One ESDK client serves every sealer and opener (it is immutable).
 */
final class EsdkMessageV1 {

    static final CryptoAlgorithm SUITE = CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY;

    private static final AwsCrypto ESDK = AwsCrypto.builder()
            .withCommitmentPolicy(CommitmentPolicy.RequireEncryptRequireDecrypt)
            .withEncryptionAlgorithm(SUITE)
            .withMaxEncryptedDataKeys(WrappedKeys.MAX_WRAPPED_KEYS)
            .build();

    private EsdkMessageV1() {}

    static byte[] encrypt(EncryptionMaterials materials, String department, byte[] plaintext) {
        try {
            return ESDK.encryptData(FixedMaterials.sealing(materials), plaintext, EncryptionContext.of(department))
                    .getResult();
        } catch (RuntimeException e) {
            throw new DeptcryptCryptoException("AWS Encryption SDK encryption failed: " + e.getClass().getSimpleName(),
                    e);
        }
    }

    /**
     * Parses the message and checks, before any KMS call, that it is what this format promises: empty nonce, the one
     * suite, the envelope's department as the whole encryption context, the envelope's wrapped keys.
     */
    static ParsedCiphertext parse(Envelope env, String topic) {
        if (env.getNonce().remaining() != 0) {
            throw EnvelopeException.inRecord("ESDK_MESSAGE_V1 nonce must be empty", env, topic);
        }
        ParsedCiphertext parsed;
        try {
            parsed = new ParsedCiphertext(WrappedKeys.bytes(env.getCiphertext()), WrappedKeys.MAX_WRAPPED_KEYS);
        } catch (RuntimeException e) {
            throw EnvelopeException.inRecord("ciphertext is not an AWS Encryption SDK message: "
                    + e.getClass().getSimpleName(), env, topic, e);
        }
        if (parsed.getCryptoAlgoId() != SUITE) {
            throw EnvelopeException.inRecord("ESDK message uses suite " + parsed.getCryptoAlgoId() + ", only " + SUITE
                    + " is accepted", env, topic);
        }
        if (!EncryptionContext.of(env.getDepartment()).equals(parsed.getEncryptionContextMap())) {
            throw EnvelopeException.inRecord("ESDK message encryption context " + parsed.getEncryptionContextMap().keySet()
                    + " does not name the envelope's department", env, topic);
        }
        if (!sameKeys(env.getWrappedKeys(), parsed.getEncryptedKeyBlobs())) {
            throw EnvelopeException.inRecord("envelope wrappedKeys differ from the ESDK message's encrypted data keys",
                    env, topic);
        }
        return parsed;
    }

    static byte[] decrypt(ParsedCiphertext parsed, DecryptionMaterials materials, Envelope env, String topic) {
        try {
            return ESDK.decryptData(FixedMaterials.opening(materials), parsed).getResult();
        } catch (RuntimeException e) {
            throw EnvelopeException.inRecord("ESDK message failed to decrypt (tampered or wrong key): "
                    + e.getClass().getSimpleName(), env, topic, e);
        }
    }

    private static boolean sameKeys(List<WrappedKey> envelopeKeys, List<KeyBlob> messageKeys) {
        if (envelopeKeys.size() != messageKeys.size()) {
            return false;
        }
        for (int i = 0; i < envelopeKeys.size(); i++) {
            WrappedKey a = envelopeKeys.get(i);
            KeyBlob b = messageKeys.get(i);
            if (!a.getKeyProvider().equals(b.getProviderId())
                    || !Arrays.equals(a.getKeyId().getBytes(StandardCharsets.ISO_8859_1), b.getProviderInformation())
                    || !Arrays.equals(WrappedKeys.bytes(a.getEncryptedDataKey()), b.getEncryptedDataKey())) {
                return false;
            }
        }
        return true;
    }

    /** Hands the ESDK materials that are already at hand, for one direction, instead of asking a keyring. */
    private static final class FixedMaterials implements ICryptographicMaterialsManager {
        private final EncryptionMaterials sealing;
        private final DecryptionMaterials opening;

        private FixedMaterials(EncryptionMaterials sealing, DecryptionMaterials opening) {
            this.sealing = sealing;
            this.opening = opening;
        }

        static FixedMaterials sealing(EncryptionMaterials materials) {
            return new FixedMaterials(materials, null);
        }

        static FixedMaterials opening(DecryptionMaterials materials) {
            return new FixedMaterials(null, materials);
        }

        @Override
        public GetEncryptionMaterialsOutput GetEncryptionMaterials(GetEncryptionMaterialsInput input) {
            if (sealing == null) {
                throw new UnsupportedOperationException("opening only");
            }
            if (!sealing.encryptionContext().equals(input.encryptionContext())) {
                throw new IllegalStateException("encryption context differs from the data key's");
            }
            return GetEncryptionMaterialsOutput.builder().encryptionMaterials(sealing).build();
        }

        @Override
        public DecryptMaterialsOutput DecryptMaterials(DecryptMaterialsInput input) {
            if (opening == null) {
                throw new UnsupportedOperationException("sealing only");
            }
            if (!opening.encryptionContext().equals(input.encryptionContext())) {
                throw new IllegalStateException("encryption context differs from the data key's");
            }
            return DecryptMaterialsOutput.builder().decryptionMaterials(opening).build();
        }
    }
}
