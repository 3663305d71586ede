package io.deptcrypt.localkms.state;

import io.deptcrypt.localkms.AccessKey;
import java.util.Objects;

/**
 * A principal localkms knows (its stand-in for an IAM role): the application name, its role ARN and access key, and
 * whether it is a key admin (may call the IAM-only {@code CreateKey} and {@code SyncPrincipals}).
 */
public record PrincipalRecord(AccessKey accessKey, boolean keyAdmin) {

    public PrincipalRecord {
        Objects.requireNonNull(accessKey, "accessKey");
    }

    /** The application name, e.g. {@code finance-consumer}. */
    public String name() {
        return accessKey.application();
    }

    public String roleArn() {
        return accessKey.principalArn();
    }
}
