package io.deptcrypt.testkit;

import io.deptcrypt.crypto.KeyringProvider;
import io.deptcrypt.crypto.KmsAccessDeniedException;
import io.deptcrypt.crypto.KmsCallCounts;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.KmsArn;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.AesWrappingAlg;
import software.amazon.cryptography.materialproviders.model.CreateMultiKeyringInput;
import software.amazon.cryptography.materialproviders.model.CreateRawAesKeyringInput;
import software.amazon.cryptography.materialproviders.model.EncryptedDataKey;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;
import software.amazon.cryptography.materialproviders.model.OnDecryptInput;
import software.amazon.cryptography.materialproviders.model.OnDecryptOutput;
import software.amazon.cryptography.materialproviders.model.OnEncryptInput;
import software.amazon.cryptography.materialproviders.model.OnEncryptOutput;

/**
 * TEST AND BENCH ONLY: the MPL raw AES keyring with in-memory 256-bit wrapping keys, one per KMS key ARN, standing in
 * for KMS. The wrapped key's provider id is {@value #KEY_NAMESPACE} and its key name the KMS ARN text.
 * <p>
 * It imitates KMS authorisation: a provider holds only some wrapping keys ({@link #restrictedTo}, {@link #readerFor}),
 * and asking it for a key it does not hold throws {@link KmsAccessDeniedException}, as KMS would. "KMS calls" are
 * counted per keyring operation: wrapping a fresh data key is a generateDataKey, wrapping an existing one an
 * encrypt, an unwrap a decrypt.
 */
public final class RawAesKeyringProvider implements KeyringProvider {

    public static final String KEY_NAMESPACE = "deptcrypt-raw-aes";
    /** Raw AES provider info after the key name: tag length (4 B), IV length (4 B), IV (12 B). */
    private static final int PROVIDER_INFO_SUFFIX = 4 + 4 + 12;

    private static final MaterialProviders MPL = MaterialProviders.builder()
            .MaterialProvidersConfig(MaterialProvidersConfig.builder().build()).build();

    private final Map<KmsArn, byte[]> wrappingKeys;
    private final Map<KmsArn, IKeyring> keyrings = new LinkedHashMap<>();
    private final IKeyring decryptKeyring;
    private final AtomicLong generateDataKey = new AtomicLong();
    private final AtomicLong encrypt = new AtomicLong();
    private final AtomicLong decrypt = new AtomicLong();

    /** @param wrappingKeys 32-byte AES wrapping keys by the KMS ARN they stand for (copied) */
    public RawAesKeyringProvider(Map<KmsArn, byte[]> wrappingKeys) {
        Objects.requireNonNull(wrappingKeys, "wrappingKeys");
        Map<KmsArn, byte[]> copy = new LinkedHashMap<>();
        wrappingKeys.forEach((arn, key) -> {
            if (key == null || key.length != 32) {
                throw new IllegalArgumentException("wrapping key for " + arn + " must be 32 bytes");
            }
            copy.put(arn, key.clone());
        });
        this.wrappingKeys = Map.copyOf(copy);
        for (Map.Entry<KmsArn, byte[]> e : copy.entrySet()) {
            keyrings.put(e.getKey(), MPL.CreateRawAesKeyring(CreateRawAesKeyringInput.builder()
                    .keyNamespace(KEY_NAMESPACE)
                    .keyName(e.getKey().toString())
                    .wrappingKey(ByteBuffer.wrap(e.getValue().clone()))
                    .wrappingAlg(AesWrappingAlg.ALG_AES256_GCM_IV12_TAG16)
                    .build()));
        }
        IKeyring all = keyrings.isEmpty() ? null : MPL.CreateMultiKeyring(CreateMultiKeyringInput.builder()
                .childKeyrings(new ArrayList<>(keyrings.values())).build());
        this.decryptKeyring = new DecryptKeyring(all);
    }

    /** Random wrapping keys for every department key and the quarantine key of {@code governance}. */
    public static RawAesKeyringProvider generate(Governance governance) {
        SecureRandom random = new SecureRandom();
        Map<KmsArn, byte[]> keys = new LinkedHashMap<>();
        governance.departments().forEach(d -> keys.computeIfAbsent(d.key(), k -> randomKey(random)));
        keys.computeIfAbsent(governance.quarantine().key(), k -> randomKey(random));
        return new RawAesKeyringProvider(keys);
    }

    /** A provider holding only {@code keys} (each must be held by this one); its counters start at zero. */
    public RawAesKeyringProvider restrictedTo(Collection<KmsArn> keys) {
        Map<KmsArn, byte[]> subset = new LinkedHashMap<>();
        for (KmsArn k : keys) {
            byte[] key = wrappingKeys.get(k);
            if (key == null) {
                throw new IllegalArgumentException("this provider holds no wrapping key for " + k);
            }
            subset.put(k, key);
        }
        return new RawAesKeyringProvider(subset);
    }

    /**
     * What KMS would let {@code application} decrypt under {@code governance}: the keys of the departments it reads,
     * plus the quarantine key if it is a quarantine reader.
     */
    public RawAesKeyringProvider readerFor(Governance governance, String application) {
        governance.application(application);
        List<KmsArn> keys = new ArrayList<>();
        governance.departmentsReadBy(application).forEach(d -> keys.add(d.key()));
        if (governance.quarantine().readers().contains(application)) {
            keys.add(governance.quarantine().key());
        }
        return restrictedTo(keys);
    }

    @Override
    public IKeyring encryptKeyring(KmsArn key) {
        IKeyring keyring = keyrings.get(key);
        if (keyring == null) {
            throw new KmsAccessDeniedException(key.toString(),
                    "raw AES test provider holds no wrapping key for " + key, null);
        }
        return new IKeyring() {
            @Override
            public OnEncryptOutput OnEncrypt(OnEncryptInput input) {
                (input.materials().plaintextDataKey() == null ? generateDataKey : encrypt).incrementAndGet();
                return keyring.OnEncrypt(input);
            }

            @Override
            public OnDecryptOutput OnDecrypt(OnDecryptInput input) {
                return decryptKeyring.OnDecrypt(input);
            }
        };
    }

    @Override
    public IKeyring decryptKeyring() {
        return decryptKeyring;
    }

    @Override
    public KmsCallCounts kmsCalls() {
        return new KmsCallCounts(generateDataKey.get(), encrypt.get(), decrypt.get());
    }

    private static byte[] randomKey(SecureRandom random) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return key;
    }

    /** Refuses, like KMS, wrapped keys whose wrapping key this provider does not hold; unwraps the others. */
    private final class DecryptKeyring implements IKeyring {
        private final IKeyring all;

        DecryptKeyring(IKeyring all) {
            this.all = all;
        }

        @Override
        public OnEncryptOutput OnEncrypt(OnEncryptInput input) {
            throw new UnsupportedOperationException("decrypt keyring");
        }

        @Override
        public OnDecryptOutput OnDecrypt(OnDecryptInput input) {
            decrypt.incrementAndGet();
            String firstUnheld = null;
            for (EncryptedDataKey edk : input.encryptedDataKeys()) {
                if (!KEY_NAMESPACE.equals(edk.keyProviderId())) {
                    continue;
                }
                String name = keyName(edk.keyProviderInfo());
                if (name != null && holds(name)) {
                    return all.OnDecrypt(input);
                }
                if (firstUnheld == null) {
                    firstUnheld = name;
                }
            }
            String key = firstUnheld == null ? "(no " + KEY_NAMESPACE + " wrapped key)" : firstUnheld;
            throw new KmsAccessDeniedException(key, "raw AES test provider holds no wrapping key for " + key, null);
        }

        private boolean holds(String name) {
            for (KmsArn arn : wrappingKeys.keySet()) {
                if (arn.toString().equals(name)) {
                    return true;
                }
            }
            return false;
        }

        private String keyName(ByteBuffer info) {
            ByteBuffer b = info.duplicate();
            int n = b.remaining() - PROVIDER_INFO_SUFFIX;
            if (n <= 0) {
                return null;
            }
            byte[] name = new byte[n];
            b.get(name);
            return new String(name, StandardCharsets.UTF_8);
        }
    }
}
