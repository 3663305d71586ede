package io.deptcrypt.localkms.service;

import io.deptcrypt.localkms.policy.KeyPolicy;
import io.deptcrypt.localkms.policy.PolicyDecision;
import io.deptcrypt.localkms.policy.Principal;
import io.deptcrypt.localkms.policy.RequestContext;
import io.deptcrypt.localkms.state.GrantRecord;
import io.deptcrypt.localkms.state.KeyRecord;
import io.deptcrypt.localkms.state.KmsState;
import io.deptcrypt.localkms.state.PrincipalRecord;
import java.util.Map;

/**
 * Every authorization decision localkms makes, as AWS makes it. Each method either records {@code allow} and its
 * reason in the {@link AuditEntry} and returns, or records {@code deny} and throws AccessDeniedException in AWS's
 * wording.
 *
 * <ul>
 *   <li>Key operations: a matching Deny statement in the key policy refuses (explicit deny, even over a grant);
 *       else a matching Allow, or a grant for the caller that includes the operation and whose constraints admit the
 *       request's encryption context, allows; else refused (implicit deny).</li>
 *   <li>CreateGrant: the policy allowing {@code kms:CreateGrant} (with the grant's condition keys), or a grant with
 *       CreateGrant whose operations include the new grant's and whose constraints are no looser.</li>
 *   <li>RetireGrant: the grant's retiring principal, a grantee holding RetireGrant, or {@code kms:RetireGrant} in
 *       the policy.</li>
 *   <li>Identity-only operations (no key policy to ask; AWS uses IAM policies, which localkms does not have):
 *       CreateKey and SyncPrincipals for key admins, ListKeys, ListAliases and GenerateRandom for every principal.</li>
 *   <li>The lockout safety check: a new policy must still let the caller call PutKeyPolicy.</li>
 * </ul>
 */
public final class Authorizer {

    /** The IAM-style action of localkms's own principal sync, as it appears in its AccessDenied message. */
    public static final String SYNC_PRINCIPALS_ACTION = "DeptcryptLocalIam:SyncPrincipals";

    private enum IdentityRule { KEY_ADMINS, EVERY_PRINCIPAL }

    private static final Map<String, IdentityRule> IDENTITY_ACTIONS = Map.of(
            "kms:CreateKey", IdentityRule.KEY_ADMINS,
            SYNC_PRINCIPALS_ACTION, IdentityRule.KEY_ADMINS,
            "kms:ListKeys", IdentityRule.EVERY_PRINCIPAL,
            "kms:ListAliases", IdentityRule.EVERY_PRINCIPAL,
            "kms:GenerateRandom", IdentityRule.EVERY_PRINCIPAL);

    private final boolean rootMeansAccount;

    /** @param rootMeansAccount whether {@code arn:aws:iam::<account>:root} in a policy matches every principal of the account */
    public Authorizer(boolean rootMeansAccount) {
        this.rootMeansAccount = rootMeansAccount;
    }

    /**
     * Allows {@code kms:<operation>} on the key if its policy allows it and no statement denies it, or a grant for the
     * caller includes the operation and its constraints admit {@code context}.
     *
     * @param s       the state whose grants count
     * @param context the request's encryption context (null for operations without one)
     */
    public void authorize(KmsState s, Principal caller, String operation, ResolvedKey k, Map<String, String> context,
                          AuditEntry audit) {
        RequestContext.Builder b = baseContext(caller, k.alias());
        if (context != null) {
            b.encryptionContext(context);
            b.put("kms:EncryptionAlgorithm", KeyRecord.SYMMETRIC_DEFAULT);
        }
        PolicyDecision d = evaluate(k.key().parsedPolicy(), caller, "kms:" + operation, k.key().arn(), b.build());
        switch (d.effect()) {
            case EXPLICIT_DENY -> throw deny(caller, operation, k.key(), d, audit);
            case ALLOW -> {
                audit.decided(AuditEntry.Decision.allow, "policy:" + d.statementSid());
                return;
            }
            case IMPLICIT_DENY -> { }
        }
        if (GrantRecord.OPERATIONS.contains(operation)) {
            Map<String, String> offered = context == null ? Map.of() : context;
            for (GrantRecord g : s.grantsFor(k.key().keyId())) {
                if (g.granteePrincipal().equals(caller.arn()) && g.operations().contains(operation)
                        && (!GrantRecord.CONTEXT_OPERATIONS.contains(operation) || g.admits(offered))) {
                    audit.decided(AuditEntry.Decision.allow, "grant:" + g.grantId());
                    return;
                }
            }
        }
        throw deny(caller, operation, k.key(), d, audit);
    }

    /**
     * An operation AWS authorizes with IAM policies alone ({@code kms:CreateKey}, {@code kms:ListKeys},
     * {@code kms:ListAliases}, {@code kms:GenerateRandom}, {@link #SYNC_PRINCIPALS_ACTION}).
     *
     * @param s the state that says who is a key admin now
     */
    public void authorizeIdentity(KmsState s, Principal caller, String action, AuditEntry audit) {
        IdentityRule rule = IDENTITY_ACTIONS.get(action);
        if (rule == null) {
            throw new IllegalArgumentException(action + " is not an identity-only action; known: " + IDENTITY_ACTIONS.keySet());
        }
        boolean allowed = rule == IdentityRule.EVERY_PRINCIPAL
                || s.principal(caller.name()).filter(p -> p.roleArn().equals(caller.arn())).map(PrincipalRecord::keyAdmin)
                        .orElse(false);
        if (!allowed) {
            audit.decided(AuditEntry.Decision.deny, "identity: not a key admin");
            throw KmsException.accessDenied("User: " + caller.arn() + " is not authorized to perform: " + action
                    + " on resource: * because no identity-based policy allows the " + action + " action");
        }
        audit.decided(AuditEntry.Decision.allow, "identity");
    }

    /**
     * CreateGrant: a key policy allowing {@code kms:CreateGrant} (seeing the proposed grant's condition keys), or a
     * grant for the caller with CreateGrant whose operations include the proposed ones and whose constraints are no
     * looser than the proposed grant's.
     */
    public void authorizeCreateGrant(KmsState s, Principal caller, ResolvedKey k, GrantRecord proposed, AuditEntry audit) {
        RequestContext.Builder full = baseContext(caller, k.alias());
        grantContextInto(full, proposed);
        PolicyDecision d = evaluate(k.key().parsedPolicy(), caller, "kms:CreateGrant", k.key().arn(), full.build());
        if (d.effect() == PolicyDecision.Effect.EXPLICIT_DENY) {
            throw deny(caller, "CreateGrant", k.key(), d, audit);
        }
        if (d.effect() == PolicyDecision.Effect.ALLOW) {
            audit.decided(AuditEntry.Decision.allow, "policy:" + d.statementSid());
            return;
        }
        for (GrantRecord g : s.grantsFor(k.key().keyId())) {
            if (g.granteePrincipal().equals(caller.arn()) && g.operations().contains("CreateGrant")
                    && g.operations().containsAll(proposed.operations()) && atLeastAsStrict(proposed, g)) {
                audit.decided(AuditEntry.Decision.allow, "grant:" + g.grantId());
                return;
            }
        }
        throw deny(caller, "CreateGrant", k.key(), d, audit);
    }

    /** RetireGrant: the retiring principal, a grantee whose grant includes RetireGrant, or the key policy. */
    public void authorizeRetireGrant(Principal caller, KeyRecord key, GrantRecord g, AuditEntry audit) {
        if (caller.arn().equals(g.retiringPrincipal())) {
            audit.decided(AuditEntry.Decision.allow, "retiring-principal");
            return;
        }
        if (caller.arn().equals(g.granteePrincipal()) && g.operations().contains("RetireGrant")) {
            audit.decided(AuditEntry.Decision.allow, "grant:" + g.grantId());
            return;
        }
        PolicyDecision d = evaluate(key.parsedPolicy(), caller, "kms:RetireGrant", key.arn(), baseContext(caller, null).build());
        if (d.effect() != PolicyDecision.Effect.ALLOW) {
            throw deny(caller, "RetireGrant", key, d, audit);
        }
        audit.decided(AuditEntry.Decision.allow, "policy:" + d.statementSid());
    }

    /**
     * The policy lockout safety check of CreateKey and PutKeyPolicy (unless the caller bypasses it): the new policy
     * must let the caller call PutKeyPolicy on the key.
     *
     * @throws KmsException MalformedPolicyDocumentException
     */
    public void checkLockout(KeyPolicy policy, Principal caller, String keyArn) {
        PolicyDecision d = evaluate(policy, caller, "kms:PutKeyPolicy", keyArn, baseContext(caller, null).build());
        if (d.effect() != PolicyDecision.Effect.ALLOW) {
            throw new KmsException(KmsErrorCode.MALFORMED_POLICY_DOCUMENT,
                    "The new key policy will not allow you to update the key policy in the future.");
        }
    }

    private PolicyDecision evaluate(KeyPolicy policy, Principal caller, String action, String keyArn, RequestContext context) {
        return policy.evaluate(caller, action, keyArn, context, rootMeansAccount);
    }

    /** The condition keys every request carries. */
    private static RequestContext.Builder baseContext(Principal caller, String alias) {
        RequestContext.Builder b = RequestContext.builder()
                .put("kms:CallerAccount", caller.account())
                .put("aws:PrincipalArn", caller.arn())
                .put("aws:PrincipalAccount", caller.account())
                .put("aws:SecureTransport", "false")
                .put("kms:KeySpec", KeyRecord.SYMMETRIC_DEFAULT)
                .put("kms:KeyUsage", KeyRecord.KEY_USAGE)
                .put("kms:KeyOrigin", KeyRecord.ORIGIN);
        if (alias != null) {
            b.put("kms:RequestAlias", alias);
        }
        return b;
    }

    private static void grantContextInto(RequestContext.Builder b, GrantRecord g) {
        b.putAll("kms:GrantOperations", g.operations());
        b.put("kms:GranteePrincipal", g.granteePrincipal());
        b.put("kms:GrantIsForAWSResource", "false");
        if (g.retiringPrincipal() != null) {
            b.put("kms:RetiringPrincipal", g.retiringPrincipal());
        }
        if (g.encryptionContextEquals() != null) {
            b.put("kms:GrantConstraintType", "EncryptionContextEquals");
        } else if (g.encryptionContextSubset() != null) {
            b.put("kms:GrantConstraintType", "EncryptionContextSubset");
        }
    }

    /** A grant made through a constrained grant must be constrained at least as tightly. */
    private static boolean atLeastAsStrict(GrantRecord proposed, GrantRecord parent) {
        if (!parent.hasConstraints()) {
            return true;
        }
        if (parent.encryptionContextEquals() != null) {
            return parent.encryptionContextEquals().equals(proposed.encryptionContextEquals());
        }
        Map<String, String> required = parent.encryptionContextSubset();
        Map<String, String> offered = proposed.encryptionContextEquals() != null ? proposed.encryptionContextEquals()
                : proposed.encryptionContextSubset();
        return offered != null && offered.entrySet().containsAll(required.entrySet());
    }

    /** Records the refusal and returns AWS's AccessDenied for it (explicit or implicit, from {@code d}). */
    private static KmsException deny(Principal caller, String operation, KeyRecord key, PolicyDecision d, AuditEntry audit) {
        boolean explicit = d.effect() == PolicyDecision.Effect.EXPLICIT_DENY;
        audit.decided(AuditEntry.Decision.deny, explicit ? "policy:" + d.statementSid() + " (explicit deny)"
                : "no matching policy statement or grant");
        return KmsException.accessDenied("User: " + caller.arn() + " is not authorized to perform: kms:" + operation
                + " on resource: " + key.arn()
                + (explicit ? " with an explicit deny in a resource-based policy"
                        : " because no resource-based policy allows the kms:" + operation + " action"));
    }
}
