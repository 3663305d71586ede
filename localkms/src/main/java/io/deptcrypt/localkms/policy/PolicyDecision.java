package io.deptcrypt.localkms.policy;

/**
 * The outcome of evaluating one policy (a key policy or an identity policy) for one request.
 *
 * @param effect       allowed, explicitly denied, or not allowed by any statement
 * @param statementSid the Sid of the deciding statement ({@code "#<index>"} when it has none); null for
 *                     {@link Effect#IMPLICIT_DENY}
 */
public record PolicyDecision(Effect effect, String statementSid) {

    public enum Effect { ALLOW, EXPLICIT_DENY, IMPLICIT_DENY }

    public static final PolicyDecision IMPLICIT_DENY = new PolicyDecision(Effect.IMPLICIT_DENY, null);
}
