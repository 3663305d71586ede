package io.deptcrypt.control.live;

import io.deptcrypt.governance.KmsArn;
import java.util.Optional;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/** Reads governed keys through the KMS API with the key admin's credentials (DescribeKey, GetKeyPolicy). */
public final class KmsLive {

    private final KmsClient kms;

    public KmsLive(KmsClient kms) {
        this.kms = kms;
    }

    /** The key the governance ARN names (an alias ARN resolves to its target), or empty if there is none. */
    public Optional<LiveKey> read(KmsArn arn) {
        KeyMetadata m;
        try {
            m = kms.describeKey(r -> r.keyId(arn.toString())).keyMetadata();
        } catch (NotFoundException e) {
            return Optional.empty();
        }
        String policy = kms.getKeyPolicy(r -> r.keyId(m.arn()).policyName("default")).policy();
        return Optional.of(new LiveKey(m.arn(), m.keyStateAsString(), policy, Optional.ofNullable(m.deletionDate())));
    }
}
