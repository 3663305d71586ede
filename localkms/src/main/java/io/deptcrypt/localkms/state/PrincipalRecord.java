package io.deptcrypt.localkms.state;

import io.deptcrypt.localkms.AccessKey;
import io.deptcrypt.localkms.policy.IdentityPolicy;
import java.util.Objects;

/**
 * A principal localkms knows (its stand-in for an IAM role): the application name, its role ARN and access key,
 * whether it is a key admin (may call the IAM-only {@code CreateKey} and {@code SyncPrincipals} when it has no
 * identity policy), and its IAM identity policy, if it was given one.
 *
 * @param identityPolicy null when the principal has none: then IAM is taken to allow everything (see
 *                       {@code rootMeansAccount})
 */
public record PrincipalRecord(AccessKey accessKey, boolean keyAdmin, IdentityPolicy identityPolicy) {

    public PrincipalRecord {
        Objects.requireNonNull(accessKey, "accessKey");
    }

    /** A principal without an identity policy. */
    public PrincipalRecord(AccessKey accessKey, boolean keyAdmin) {
        this(accessKey, keyAdmin, null);
    }

    /** The application name, e.g. {@code finance-consumer}. */
    public String name() {
        return accessKey.application();
    }

    public String roleArn() {
        return accessKey.principalArn();
    }
}
