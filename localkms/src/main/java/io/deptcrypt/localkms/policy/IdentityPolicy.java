package io.deptcrypt.localkms.policy;

import java.util.List;
import java.util.Objects;

/**
 * An IAM identity policy attached to one principal, parsed, with its text (what the state keeps). Statements have no
 * Principal; {@code Action}/{@code NotAction} may name any service (only {@code kms:} ones ever match a localkms
 * call); {@code Resource}/{@code NotResource} are ARNs with wildcards (a key's ARN, {@code key/*}, an alias ARN, or
 * {@code *}); conditions as in key policies, plus {@link ConditionKeys#RESOURCE_ALIASES}. Evaluation: any matching
 * Deny wins, else any matching Allow, else nothing is allowed.
 */
public final class IdentityPolicy {

    private final String document;
    private final List<Statement> statements;

    private IdentityPolicy(String document, List<Statement> statements) {
        this.document = document;
        this.statements = statements;
    }

    /** @throws MalformedPolicyException naming the statement and what is wrong with it */
    public static IdentityPolicy parse(String document) throws MalformedPolicyException {
        return new IdentityPolicy(document, PolicyDocument.statements(document, Statement.Kind.IDENTITY_POLICY));
    }

    /** The document exactly as given. */
    public String document() {
        return document;
    }

    /**
     * @param action   e.g. {@code kms:Decrypt} (compared case-insensitively)
     * @param resource the key ARN, the alias ARN, or {@code *} for operations on no particular resource
     */
    public PolicyDecision evaluate(String action, String resource, RequestContext context) {
        return PolicyDocument.decide(statements, s -> s.covers(action, resource, context));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdentityPolicy other && document.equals(other.document);
    }

    @Override
    public int hashCode() {
        return Objects.hash(document);
    }

    @Override
    public String toString() {
        return "IdentityPolicy[" + statements.size() + " statements]";
    }
}
