package io.deptcrypt.control.plan;

import java.io.PrintWriter;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Makes a plan's changes in order. Each change is a public API call (or a few); when one fails, apply stops and says
 * exactly which changes were made and which were not, so the operator can fix the cause and apply again (every
 * change is computed afresh from what is live, so a second apply only makes the missing ones).
 */
public final class Applier {

    private Applier() {}

    /** @throws ApplyException after the first failing change, listing what was and was not applied */
    public static ApplyResult apply(Plan plan, Target target, PrintWriter out) {
        if (!plan.problems().isEmpty()) {
            throw new ApplyException("nothing applied: " + String.join("; ", plan.problems()), List.of(), plan.changes());
        }
        ApplyResult result = new ApplyResult();
        List<Change> changes = plan.changes();
        for (int i = 0; i < changes.size(); i++) {
            Change c = changes.get(i);
            try {
                c.apply(target, result);
            } catch (RuntimeException e) {
                String why = describe(e);
                out.println(String.format("  %2d. FAILED %s", i + 1, c.lines().get(0)));
                out.println("      " + why);
                out.flush();
                throw new ApplyException("change " + (i + 1) + " of " + changes.size() + " failed: " + why,
                        result.applied(), changes.subList(i, changes.size()), e);
            }
            result.applied(c);
            out.println(String.format("  %2d. done   %s", i + 1, c.lines().get(0)));
            out.flush();
        }
        result.notes().forEach(n -> out.println("      " + n));
        out.flush();
        return result;
    }

    /** An AWS error as its code and message (the SDK's own message has neither the code nor less noise). */
    static String describe(RuntimeException e) {
        if (e instanceof AwsServiceException a && a.awsErrorDetails() != null) {
            return a.awsErrorDetails().errorCode() + ": " + a.awsErrorDetails().errorMessage();
        }
        return e.getMessage();
    }
}
