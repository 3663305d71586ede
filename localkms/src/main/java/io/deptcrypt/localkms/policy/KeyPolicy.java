package io.deptcrypt.localkms.policy;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A parsed key policy document and its evaluation. Parsing rejects what AWS rejects (and what localkms cannot
 * evaluate faithfully) with {@link MalformedPolicyException}; evaluation follows AWS: any matching Deny wins, else any
 * matching Allow, else an implicit deny.
 *
 * <p>Principals: {@code "*"} matches everyone; a role ARN matches that role; an {@code assumed-role} session ARN is
 * accepted but never matches (callers here are roles, not sessions); an account id or
 * {@code arn:aws:iam::<account>:root} means "delegate to IAM", and what it matches for one caller is the
 * {@link AccountScope} the caller's identity policy (or, without one, localkms's setting) gives.
 */
public final class KeyPolicy {

    private final List<Statement> statements;

    private KeyPolicy(List<Statement> statements) {
        this.statements = statements;
    }

    public static KeyPolicy parse(String document) throws MalformedPolicyException {
        return new KeyPolicy(PolicyDocument.statements(document, Statement.Kind.KEY_POLICY));
    }

    /** Every AWS principal entry the policy names (for checking that they exist). */
    public Set<String> principalEntries() {
        Set<String> all = new LinkedHashSet<>();
        statements.forEach(s -> all.addAll(s.principals));
        return all;
    }

    /**
     * @param action      e.g. {@code kms:Decrypt} (compared case-insensitively)
     * @param resourceArn the key ARN
     * @param account     what an account principal in the policy matches for this caller
     */
    public PolicyDecision evaluate(Principal principal, String action, String resourceArn, RequestContext context,
                                   AccountScope account) {
        return PolicyDocument.decide(statements,
                s -> s.reaches(principal, account) && s.covers(action, resourceArn, context));
    }
}
