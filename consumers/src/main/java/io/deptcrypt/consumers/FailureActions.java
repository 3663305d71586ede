package io.deptcrypt.consumers;

/**
 * What a consumer does with a record of its department it cannot open, per kind of reason. The defaults fail closed
 * where the cause is the consumer's own access (a revoked reader, a wrong key policy: an operator must look, and no
 * record is passed over while access is wrong) and quarantine records that are not envelopes or fail authentication
 * (to a topic the department owns, still sealed, with the reason), so that one bad record cannot stop a department
 * for good.
 *
 * @param accessDenied KMS refused this application ({@link OpenFailureReason#ACCESS_DENIED})
 * @param unreadable   not an envelope, tampered, moved, or sealed for another department than its key or header says
 */
public record FailureActions(FailureAction accessDenied, FailureAction unreadable) {

    public static final FailureActions DEFAULTS = new FailureActions(FailureAction.FAIL, FailureAction.DEAD_LETTER);

    /** The same action for every reason. */
    public static FailureActions all(FailureAction action) {
        return new FailureActions(action, action);
    }

    public FailureAction of(OpenFailureReason reason) {
        return reason == OpenFailureReason.ACCESS_DENIED ? accessDenied : unreadable;
    }

    public boolean anyDeadLetter() {
        return accessDenied == FailureAction.DEAD_LETTER || unreadable == FailureAction.DEAD_LETTER;
    }
}
