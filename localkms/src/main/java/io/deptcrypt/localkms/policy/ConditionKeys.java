package io.deptcrypt.localkms.policy;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The condition keys localkms evaluates: the names requests carry (the Authorizer fills {@link RequestContext} with
 * these constants) and the check that a policy names no other. A policy naming a key localkms does not know is
 * refused when parsed: evaluating it as "absent" would silently turn an Allow off and, worse, a Deny off.
 */
public final class ConditionKeys {

    public static final String ENCRYPTION_CONTEXT_PREFIX = "kms:EncryptionContext:";
    public static final String ENCRYPTION_CONTEXT_KEYS = "kms:EncryptionContextKeys";
    public static final String CALLER_ACCOUNT = "kms:CallerAccount";
    public static final String PRINCIPAL_ARN = "aws:PrincipalArn";
    public static final String PRINCIPAL_ACCOUNT = "aws:PrincipalAccount";
    public static final String SECURE_TRANSPORT = "aws:SecureTransport";
    /** The alias the request named the key by ({@code alias/<name>}), absent when it used the key id or ARN. */
    public static final String REQUEST_ALIAS = "kms:RequestAlias";
    /** Multi-valued: every alias pointing at the key. AWS evaluates it in IAM identity policies only. */
    public static final String RESOURCE_ALIASES = "kms:ResourceAliases";
    public static final String ENCRYPTION_ALGORITHM = "kms:EncryptionAlgorithm";
    public static final String KEY_SPEC = "kms:KeySpec";
    public static final String KEY_USAGE = "kms:KeyUsage";
    public static final String KEY_ORIGIN = "kms:KeyOrigin";
    public static final String GRANT_OPERATIONS = "kms:GrantOperations";
    public static final String GRANTEE_PRINCIPAL = "kms:GranteePrincipal";
    public static final String RETIRING_PRINCIPAL = "kms:RetiringPrincipal";
    public static final String GRANT_CONSTRAINT_TYPE = "kms:GrantConstraintType";
    public static final String GRANT_IS_FOR_AWS_RESOURCE = "kms:GrantIsForAWSResource";
    /** Present only when an AWS service calls on a principal's behalf; localkms callers call directly, so never. */
    public static final String VIA_SERVICE = "kms:ViaService";

    private static final List<String> FIXED = List.of(ENCRYPTION_CONTEXT_KEYS, CALLER_ACCOUNT, PRINCIPAL_ARN,
            PRINCIPAL_ACCOUNT, SECURE_TRANSPORT, REQUEST_ALIAS, RESOURCE_ALIASES, ENCRYPTION_ALGORITHM, KEY_SPEC,
            KEY_USAGE, KEY_ORIGIN, GRANT_OPERATIONS, GRANTEE_PRINCIPAL, RETIRING_PRINCIPAL, GRANT_CONSTRAINT_TYPE,
            GRANT_IS_FOR_AWS_RESOURCE, VIA_SERVICE);
    private static final Set<String> KNOWN = FIXED.stream().map(k -> k.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());

    private ConditionKeys() {}

    /**
     * @param key   a condition key as a policy names it (names compare case-insensitively, as in IAM)
     * @param where the statement, for the message
     * @throws MalformedPolicyException for a key localkms does not evaluate, or one AWS does not evaluate in this
     *                                  kind of policy
     */
    static void check(String key, Statement.Kind kind, String where) throws MalformedPolicyException {
        String lower = key.toLowerCase(Locale.ROOT);
        String contextPrefix = ENCRYPTION_CONTEXT_PREFIX.toLowerCase(Locale.ROOT);
        if (lower.startsWith(contextPrefix) && lower.length() > contextPrefix.length()) {
            return;
        }
        if (!KNOWN.contains(lower)) {
            throw new MalformedPolicyException(where + " uses the condition key '" + key + "', which localkms does not"
                    + " evaluate (known: " + ENCRYPTION_CONTEXT_PREFIX + "<key>, " + String.join(", ", FIXED) + ")");
        }
        if (lower.equals(RESOURCE_ALIASES.toLowerCase(Locale.ROOT)) && kind == Statement.Kind.KEY_POLICY) {
            throw new MalformedPolicyException(where + " uses the condition key '" + key + "', which AWS evaluates only"
                    + " in IAM identity policies, not in key policies");
        }
    }
}
