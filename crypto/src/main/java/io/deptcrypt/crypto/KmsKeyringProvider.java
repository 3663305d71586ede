package io.deptcrypt.crypto;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.KmsArn;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.CreateAwsKmsDiscoveryKeyringInput;
import software.amazon.cryptography.materialproviders.model.CreateAwsKmsKeyringInput;
import software.amazon.cryptography.materialproviders.model.DiscoveryFilter;

/**
 * Keyrings over AWS KMS with an injected {@link KmsClient} (real AWS, or localkms through an endpoint override).
 * <ul>
 *   <li>encrypt: the MPL AWS KMS keyring for the department's key (key ARN or alias ARN); KMS resolves an alias and
 *       the wrapped key records the key ARN.</li>
 *   <li>decrypt: the MPL AWS KMS discovery keyring, limited to the governance account and partition. It asks KMS to
 *       decrypt each wrapped key it finds, so KMS authorisation (the key policy) decides what a reader can open.
 *       A strict keyring over the governance keys would not work: governance names aliases, wrapped keys name key
 *       ARNs.</li>
 * </ul>
 * Every KMS call goes through a counting decorator of the injected client, so {@link #kmsCalls()} is exact and
 * {@link #observeKmsCalls} sees each call's duration and outcome.
 */
public final class KmsKeyringProvider implements KeyringProvider {

    private final CountingKmsClient kms;
    private final MaterialProviders mpl = DataKeys.MPL;
    private final Map<KmsArn, IKeyring> encryptKeyrings = new ConcurrentHashMap<>();
    private final IKeyring decryptKeyring;

    public KmsKeyringProvider(KmsClient kms, Governance governance) {
        Objects.requireNonNull(kms, "kms");
        Objects.requireNonNull(governance, "governance");
        this.kms = new CountingKmsClient(kms);
        DiscoveryFilter filter = DiscoveryFilter.builder()
                .accountIds(List.of(governance.account()))
                .partition(governance.quarantine().key().partition())
                .build();
        this.decryptKeyring = mpl.CreateAwsKmsDiscoveryKeyring(CreateAwsKmsDiscoveryKeyringInput.builder()
                .kmsClient(this.kms)
                .discoveryFilter(filter)
                .build());
    }

    @Override
    public IKeyring encryptKeyring(KmsArn key) {
        Objects.requireNonNull(key, "key");
        return encryptKeyrings.computeIfAbsent(key, k -> mpl.CreateAwsKmsKeyring(CreateAwsKmsKeyringInput.builder()
                .kmsKeyId(k.toString())
                .kmsClient(kms)
                .build()));
    }

    @Override
    public IKeyring decryptKeyring() {
        return decryptKeyring;
    }

    @Override
    public KmsCallCounts kmsCalls() {
        return kms.counts();
    }

    @Override
    public AutoCloseable observeKmsCalls(KmsCallObserver observer) {
        return kms.observe(Objects.requireNonNull(observer, "observer"));
    }
}
