package io.deptcrypt.localkms.policy;

/**
 * What an account principal in a key policy ({@code arn:aws:iam::<account>:root}, or the bare account id) matches,
 * for a caller of that account. In AWS such an Allow delegates to IAM: it reaches a principal only if the
 * principal's own identity policy allows the request too; a Deny naming the account reaches every principal of it.
 */
public enum AccountScope {
    /** Matches no one: a caller without an identity policy when localkms is told the root means nobody. */
    NOBODY,
    /**
     * Matches every principal of the account, in Allow and Deny statements: a caller whose identity policy allows the
     * request, or a caller without one when the root means the whole account ("no identity policy = IAM allows
     * everything").
     */
    EVERY_PRINCIPAL,
    /** Matches in Deny statements only: a caller whose identity policy does not allow the request. */
    DENY_ONLY;

    boolean matches(boolean denyStatement) {
        return switch (this) {
            case NOBODY -> false;
            case EVERY_PRINCIPAL -> true;
            case DENY_ONLY -> denyStatement;
        };
    }
}
