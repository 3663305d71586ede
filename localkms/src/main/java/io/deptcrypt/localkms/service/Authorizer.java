package io.deptcrypt.localkms.service;

import io.deptcrypt.localkms.policy.ConditionKeys;
import io.deptcrypt.localkms.policy.IdentityPolicy;
import io.deptcrypt.localkms.policy.KeyPolicy;
import io.deptcrypt.localkms.policy.PolicyDecision.Effect;
import io.deptcrypt.localkms.policy.Principal;
import io.deptcrypt.localkms.policy.RequestContext;
import io.deptcrypt.localkms.service.SameAccountRule.Verdict;
import io.deptcrypt.localkms.state.GrantRecord;
import io.deptcrypt.localkms.state.KeyRecord;
import io.deptcrypt.localkms.state.KmsState;
import io.deptcrypt.localkms.state.PrincipalRecord;
import java.util.Map;
import java.util.Optional;

/**
 * Every authorization decision localkms makes, as AWS makes it. Each method either records {@code allow} and its
 * reason in the {@link AuditEntry} and returns, or records {@code deny} and throws AccessDeniedException in AWS's
 * wording.
 *
 * <ul>
 *   <li>Key operations: the key policy with the caller's identity policy, by AWS's same-account rule
 *       ({@link SameAccountRule}: an explicit Deny in either refuses, even over a grant; an Allow naming the caller
 *       allows; an Allow naming the account allows if the identity policy allows too); else a grant for the caller
 *       that includes the operation and whose constraints admit the request's encryption context allows; else
 *       refused (implicit deny).</li>
 *   <li>CreateGrant: the policies allowing {@code kms:CreateGrant} (with the grant's condition keys), or a grant with
 *       CreateGrant whose operations include the new grant's and whose constraints are no looser.</li>
 *   <li>RetireGrant: the grant's retiring principal, a grantee holding RetireGrant, or {@code kms:RetireGrant} in
 *       the policies.</li>
 *   <li>Operations on no key (CreateKey, ListKeys, ListAliases, GenerateRandom): the caller's identity policy on
 *       resource {@code *}; a caller without one follows fixed rules (CreateKey for key admins, the others for every
 *       principal). SyncPrincipals, localkms's own, is for key admins only.</li>
 *   <li>Alias operations also need the identity policy (if the caller has one) to allow them on the alias ARN.</li>
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

    private final SameAccountRule rule;

    /**
     * @param rootMeansAccount whether {@code arn:aws:iam::<account>:root} in a policy matches every principal of the
     *                         account that has no identity policy
     */
    public Authorizer(boolean rootMeansAccount) {
        this.rule = new SameAccountRule(rootMeansAccount);
    }

    /**
     * Allows {@code kms:<operation>} on the key if the key policy and the caller's identity policy allow it and
     * neither denies it, or a grant for the caller includes the operation and its constraints admit {@code context}.
     *
     * @param s       the state whose grants, aliases and identity policies count
     * @param context the request's encryption context (null for operations without one)
     */
    public void authorize(KmsState s, Principal caller, String operation, ResolvedKey k, Map<String, String> context,
                          AuditEntry audit) {
        RequestContext.Builder b = keyContext(s, caller, k.key(), k.alias());
        if (context != null) {
            b.encryptionContext(context);
            b.put(ConditionKeys.ENCRYPTION_ALGORITHM, KeyRecord.SYMMETRIC_DEFAULT);
        }
        String action = "kms:" + operation;
        Verdict v = rule.decide(s, k.key().parsedPolicy(), caller, action, k.key().arn(), b.build());
        if (v.allowed()) {
            audit.decided(AuditEntry.Decision.allow, v.reason());
            return;
        }
        if (v.effect() == Effect.IMPLICIT_DENY && GrantRecord.OPERATIONS.contains(operation)) {
            Map<String, String> offered = context == null ? Map.of() : context;
            for (GrantRecord g : s.grantsFor(k.key().keyId())) {
                if (g.granteePrincipal().equals(caller.arn()) && g.operations().contains(operation)
                        && (!GrantRecord.CONTEXT_OPERATIONS.contains(operation) || g.admits(offered))) {
                    audit.decided(AuditEntry.Decision.allow, "grant:" + g.grantId());
                    return;
                }
            }
        }
        throw deny(caller, action, k.key().arn(), v, audit);
    }

    /**
     * An operation AWS authorizes with IAM policies alone ({@code kms:CreateKey}, {@code kms:ListKeys},
     * {@code kms:ListAliases}, {@code kms:GenerateRandom}, {@link #SYNC_PRINCIPALS_ACTION}).
     *
     * @param s the state that says who is a key admin now, and who has which identity policy
     */
    public void authorizeIdentity(KmsState s, Principal caller, String action, AuditEntry audit) {
        IdentityRule fixed = IDENTITY_ACTIONS.get(action);
        if (fixed == null) {
            throw new IllegalArgumentException(action + " is not an identity-only action; known: " + IDENTITY_ACTIONS.keySet());
        }
        Optional<IdentityPolicy> identity = action.equals(SYNC_PRINCIPALS_ACTION) ? Optional.empty()
                : SameAccountRule.identityPolicy(s, caller);
        if (identity.isPresent()) {
            Verdict v = SameAccountRule.ofIdentityPolicy(identity.get(), action, "*", baseContext(caller, null).build());
            if (!v.allowed()) {
                throw deny(caller, action, "*", v, audit);
            }
            audit.decided(AuditEntry.Decision.allow, v.reason());
            return;
        }
        boolean allowed = fixed == IdentityRule.EVERY_PRINCIPAL
                || s.principal(caller.name()).filter(p -> p.roleArn().equals(caller.arn())).map(PrincipalRecord::keyAdmin)
                        .orElse(false);
        if (!allowed) {
            throw deny(caller, action, "*", new Verdict(Effect.IMPLICIT_DENY, "identity: not a key admin",
                    SameAccountRule.noIdentityAllows(action)), audit);
        }
        audit.decided(AuditEntry.Decision.allow, "identity");
    }

    /**
     * The alias half of CreateAlias, UpdateAlias and DeleteAlias: a caller with an identity policy needs it to allow
     * {@code kms:<operation>} on the alias ARN (AWS grants alias permissions in IAM only). Records only a refusal;
     * the key half ({@link #authorize}) records the decision.
     */
    public void authorizeAlias(KmsState s, Principal caller, String operation, String aliasArn, AuditEntry audit) {
        Optional<IdentityPolicy> identity = SameAccountRule.identityPolicy(s, caller);
        if (identity.isEmpty()) {
            return;
        }
        String action = "kms:" + operation;
        Verdict v = SameAccountRule.ofIdentityPolicy(identity.get(), action, aliasArn, baseContext(caller, null).build());
        if (!v.allowed()) {
            throw deny(caller, action, aliasArn, v, audit);
        }
    }

    /**
     * CreateGrant: the policies allowing {@code kms:CreateGrant} (seeing the proposed grant's condition keys), or a
     * grant for the caller with CreateGrant whose operations include the proposed ones and whose constraints are no
     * looser than the proposed grant's.
     */
    public void authorizeCreateGrant(KmsState s, Principal caller, ResolvedKey k, GrantRecord proposed, AuditEntry audit) {
        RequestContext.Builder full = keyContext(s, caller, k.key(), k.alias());
        grantContextInto(full, proposed);
        Verdict v = rule.decide(s, k.key().parsedPolicy(), caller, "kms:CreateGrant", k.key().arn(), full.build());
        if (v.allowed()) {
            audit.decided(AuditEntry.Decision.allow, v.reason());
            return;
        }
        if (v.effect() == Effect.IMPLICIT_DENY) {
            for (GrantRecord g : s.grantsFor(k.key().keyId())) {
                if (g.granteePrincipal().equals(caller.arn()) && g.operations().contains("CreateGrant")
                        && g.operations().containsAll(proposed.operations()) && atLeastAsStrict(proposed, g)) {
                    audit.decided(AuditEntry.Decision.allow, "grant:" + g.grantId());
                    return;
                }
            }
        }
        throw deny(caller, "kms:CreateGrant", k.key().arn(), v, audit);
    }

    /** RetireGrant: the retiring principal, a grantee whose grant includes RetireGrant, or the policies. */
    public void authorizeRetireGrant(KmsState s, Principal caller, KeyRecord key, GrantRecord g, AuditEntry audit) {
        if (caller.arn().equals(g.retiringPrincipal())) {
            audit.decided(AuditEntry.Decision.allow, "retiring-principal");
            return;
        }
        if (caller.arn().equals(g.granteePrincipal()) && g.operations().contains("RetireGrant")) {
            audit.decided(AuditEntry.Decision.allow, "grant:" + g.grantId());
            return;
        }
        Verdict v = rule.decide(s, key.parsedPolicy(), caller, "kms:RetireGrant", key.arn(),
                keyContext(s, caller, key, null).build());
        if (!v.allowed()) {
            throw deny(caller, "kms:RetireGrant", key.arn(), v, audit);
        }
        audit.decided(AuditEntry.Decision.allow, v.reason());
    }

    /**
     * The policy lockout safety check of CreateKey and PutKeyPolicy (unless the caller bypasses it): the new policy
     * (with the caller's identity policy) must let the caller call PutKeyPolicy on the key.
     *
     * @throws KmsException MalformedPolicyDocumentException
     */
    public void checkLockout(KmsState s, KeyPolicy policy, Principal caller, String keyArn) {
        Verdict v = rule.decide(s, policy, caller, "kms:PutKeyPolicy", keyArn, baseContext(caller, null).build());
        if (!v.allowed()) {
            throw new KmsException(KmsErrorCode.MALFORMED_POLICY_DOCUMENT,
                    "The new key policy will not allow you to update the key policy in the future.");
        }
    }

    /** The condition keys every request carries. */
    private static RequestContext.Builder baseContext(Principal caller, String alias) {
        RequestContext.Builder b = RequestContext.builder()
                .put(ConditionKeys.CALLER_ACCOUNT, caller.account())
                .put(ConditionKeys.PRINCIPAL_ARN, caller.arn())
                .put(ConditionKeys.PRINCIPAL_ACCOUNT, caller.account())
                .put(ConditionKeys.SECURE_TRANSPORT, "false")
                .put(ConditionKeys.KEY_SPEC, KeyRecord.SYMMETRIC_DEFAULT)
                .put(ConditionKeys.KEY_USAGE, KeyRecord.KEY_USAGE)
                .put(ConditionKeys.KEY_ORIGIN, KeyRecord.ORIGIN);
        if (alias != null) {
            b.put(ConditionKeys.REQUEST_ALIAS, alias);
        }
        return b;
    }

    /** The base keys plus those of the key itself: the aliases pointing at it now. */
    private static RequestContext.Builder keyContext(KmsState s, Principal caller, KeyRecord key, String alias) {
        return baseContext(caller, alias).putAll(ConditionKeys.RESOURCE_ALIASES, s.aliasNamesOf(key.keyId()));
    }

    private static void grantContextInto(RequestContext.Builder b, GrantRecord g) {
        b.putAll(ConditionKeys.GRANT_OPERATIONS, g.operations());
        b.put(ConditionKeys.GRANTEE_PRINCIPAL, g.granteePrincipal());
        b.put(ConditionKeys.GRANT_IS_FOR_AWS_RESOURCE, "false");
        if (g.retiringPrincipal() != null) {
            b.put(ConditionKeys.RETIRING_PRINCIPAL, g.retiringPrincipal());
        }
        if (g.encryptionContextEquals() != null) {
            b.put(ConditionKeys.GRANT_CONSTRAINT_TYPE, "EncryptionContextEquals");
        } else if (g.encryptionContextSubset() != null) {
            b.put(ConditionKeys.GRANT_CONSTRAINT_TYPE, "EncryptionContextSubset");
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

    /** Records the refusal and returns AWS's AccessDenied for it. */
    private static KmsException deny(Principal caller, String action, String resource, Verdict v, AuditEntry audit) {
        audit.decided(AuditEntry.Decision.deny, v.reason());
        return KmsException.accessDenied("User: " + caller.arn() + " is not authorized to perform: " + action
                + " on resource: " + resource + v.because());
    }
}
