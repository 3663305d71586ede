package io.deptcrypt.localkms.service;

import io.deptcrypt.localkms.policy.AccountScope;
import io.deptcrypt.localkms.policy.IdentityPolicy;
import io.deptcrypt.localkms.policy.KeyPolicy;
import io.deptcrypt.localkms.policy.PolicyDecision;
import io.deptcrypt.localkms.policy.PolicyDecision.Effect;
import io.deptcrypt.localkms.policy.Principal;
import io.deptcrypt.localkms.policy.RequestContext;
import io.deptcrypt.localkms.state.KmsState;
import io.deptcrypt.localkms.state.PrincipalRecord;
import java.util.Optional;

/**
 * AWS's evaluation of a key policy together with the caller's IAM identity policy, for a caller of the key's own
 * account (grants come after, in {@link Authorizer}):
 *
 * <ol>
 *   <li>an explicit Deny in the identity policy or the key policy refuses;</li>
 *   <li>a key-policy Allow naming the caller ({@code "*"}, its role ARN) allows, whatever the identity policy says;</li>
 *   <li>a key-policy Allow naming the account ({@code arn:aws:iam::<account>:root}) allows only if the identity
 *       policy also allows the action on the key's ARN, with its conditions;</li>
 *   <li>else nothing allows it.</li>
 * </ol>
 *
 * A caller without an identity policy keeps localkms's older rule: the account principal matches it if
 * {@code rootMeansAccount} (no identity policy = IAM allows everything), and nobody otherwise.
 */
final class SameAccountRule {

    /**
     * @param effect  the outcome
     * @param reason  what decided it, for the audit log ({@code policy:<Sid>}, {@code policy:<Sid> + identity:<Sid>}, ...)
     * @param because the end of AWS's AccessDenied message for a refusal
     */
    record Verdict(Effect effect, String reason, String because) {
        boolean allowed() {
            return effect == Effect.ALLOW;
        }
    }

    static final String NO_STATEMENT = "no matching policy statement or grant";

    private final boolean rootMeansAccount;

    SameAccountRule(boolean rootMeansAccount) {
        this.rootMeansAccount = rootMeansAccount;
    }

    /** The identity policy of the caller as the state knows it now; empty when it has none. */
    static Optional<IdentityPolicy> identityPolicy(KmsState s, Principal caller) {
        return s.principal(caller.name()).filter(p -> p.roleArn().equals(caller.arn())).map(PrincipalRecord::identityPolicy);
    }

    Verdict decide(KmsState s, KeyPolicy policy, Principal caller, String action, String keyArn, RequestContext context) {
        Optional<IdentityPolicy> identity = identityPolicy(s, caller);
        if (identity.isEmpty()) {
            AccountScope scope = rootMeansAccount ? AccountScope.EVERY_PRINCIPAL : AccountScope.NOBODY;
            return ofKeyPolicy(policy.evaluate(caller, action, keyArn, context, scope), action);
        }
        PolicyDecision iam = identity.get().evaluate(action, keyArn, context);
        if (iam.effect() == Effect.EXPLICIT_DENY) {
            return explicitIdentityDeny(iam);
        }
        PolicyDecision byName = policy.evaluate(caller, action, keyArn, context, AccountScope.DENY_ONLY);
        if (byName.effect() != Effect.IMPLICIT_DENY) {
            return ofKeyPolicy(byName, action);
        }
        PolicyDecision toAccount = policy.evaluate(caller, action, keyArn, context, AccountScope.EVERY_PRINCIPAL);
        if (toAccount.effect() != Effect.ALLOW) {
            return ofKeyPolicy(toAccount, action);
        }
        if (iam.effect() == Effect.ALLOW) {
            return new Verdict(Effect.ALLOW, "policy:" + toAccount.statementSid() + " + identity:" + iam.statementSid(), null);
        }
        return new Verdict(Effect.IMPLICIT_DENY, "policy:" + toAccount.statementSid()
                + " delegates to IAM; no identity-policy statement or grant allows", noIdentityAllows(action));
    }

    /** An action on no key (CreateKey, ListKeys, ...) or on an alias, decided by the identity policy alone. */
    static Verdict ofIdentityPolicy(IdentityPolicy identity, String action, String resource, RequestContext context) {
        PolicyDecision d = identity.evaluate(action, resource, context);
        return switch (d.effect()) {
            case ALLOW -> new Verdict(Effect.ALLOW, "identity:" + d.statementSid(), null);
            case EXPLICIT_DENY -> explicitIdentityDeny(d);
            case IMPLICIT_DENY -> new Verdict(Effect.IMPLICIT_DENY, "identity: no identity-policy statement allows",
                    noIdentityAllows(action));
        };
    }

    static String noIdentityAllows(String action) {
        return " because no identity-based policy allows the " + action + " action";
    }

    private static Verdict explicitIdentityDeny(PolicyDecision d) {
        return new Verdict(Effect.EXPLICIT_DENY, "identity:" + d.statementSid() + " (explicit deny)",
                " with an explicit deny in an identity-based policy");
    }

    private static Verdict ofKeyPolicy(PolicyDecision d, String action) {
        return switch (d.effect()) {
            case ALLOW -> new Verdict(Effect.ALLOW, "policy:" + d.statementSid(), null);
            case EXPLICIT_DENY -> new Verdict(Effect.EXPLICIT_DENY, "policy:" + d.statementSid() + " (explicit deny)",
                    " with an explicit deny in a resource-based policy");
            case IMPLICIT_DENY -> new Verdict(Effect.IMPLICIT_DENY, NO_STATEMENT,
                    " because no resource-based policy allows the " + action + " action");
        };
    }
}
