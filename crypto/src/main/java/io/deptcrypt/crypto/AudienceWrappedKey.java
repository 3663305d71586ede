package io.deptcrypt.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import software.amazon.cryptography.materialproviders.model.EncryptedDataKey;

/**
 * A data key wrapped for one audience (a department) under that department's KMS key, with the encryption context
 * {@code {"department": audience}}: an ESDK encrypted data key and the audience it is for. Part of a
 * {@link PublishedDataKey}. The arrays are not copied; nothing here is secret.
 *
 * @param keyProviderInfo for {@code aws-kms}, the KMS key ARN as ASCII
 * @param encryptedDataKey for {@code aws-kms}, the KMS CiphertextBlob
 */
public record AudienceWrappedKey(String audience, String keyProvider, byte[] keyProviderInfo, byte[] encryptedDataKey) {

    public AudienceWrappedKey {
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(keyProvider, "keyProvider");
        Objects.requireNonNull(keyProviderInfo, "keyProviderInfo");
        Objects.requireNonNull(encryptedDataKey, "encryptedDataKey");
    }

    static AudienceWrappedKey of(String audience, EncryptedDataKey edk) {
        return new AudienceWrappedKey(audience, edk.keyProviderId(), WrappedKeys.bytes(edk.keyProviderInfo()),
                WrappedKeys.bytes(edk.ciphertext()));
    }

    EncryptedDataKey toMpl() {
        return EncryptedDataKey.builder().keyProviderId(keyProvider)
                .keyProviderInfo(ByteBuffer.wrap(keyProviderInfo.clone()))
                .ciphertext(ByteBuffer.wrap(encryptedDataKey.clone())).build();
    }

    /** The key provider info as text, for messages: for aws-kms the key ARN. */
    String keyText() {
        return new String(keyProviderInfo, StandardCharsets.ISO_8859_1);
    }
}
