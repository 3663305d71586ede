package io.deptcrypt.control.plan;

import io.deptcrypt.policy.KmsAccess;
import java.io.PrintWriter;
import java.util.List;

/**
 * What apply would do, and what it means.
 *
 * @param source     the governance file planned
 * @param fromVersion the applied version compared with (0: nothing applied yet)
 * @param changes    the changes, in the order apply makes them
 * @param access     the access-matrix cells the change flips (against the applied version)
 * @param effects    what the running apps and existing records will do
 * @param iacFiles   rendered IaC files for AWS that differ from the checked-in rendering
 * @param problems   why the plan cannot be applied (empty: it can)
 */
public record Plan(String source, long fromVersion, List<Change> changes, List<KmsAccess.Change> access,
                   List<String> effects, List<String> iacFiles, List<String> problems) {

    public Plan {
        changes = List.copyOf(changes);
        access = List.copyOf(access);
        effects = List.copyOf(effects);
        iacFiles = List.copyOf(iacFiles);
        problems = List.copyOf(problems);
    }

    public boolean upToDate() {
        return changes.isEmpty() && problems.isEmpty();
    }

    public void print(PrintWriter out) {
        out.println("governance plan: " + source + " against the applied version "
                + (fromVersion == 0 ? "(none yet)" : fromVersion));
        if (!problems.isEmpty()) {
            out.println();
            out.println("cannot apply:");
            problems.forEach(p -> out.println("  ! " + p));
        }
        if (!access.isEmpty()) {
            out.println();
            out.println("access (+ granted, - revoked):");
            access.forEach(c -> out.println("  " + c.describe()));
        }
        out.println();
        if (changes.isEmpty()) {
            out.println("changes: none, the live system matches the file");
        } else {
            out.println("changes, in the order apply makes them:");
            int i = 1;
            for (Change c : changes) {
                List<String> lines = c.lines();
                out.println(String.format("  %2d. %s", i++, lines.get(0)));
                lines.subList(1, lines.size()).forEach(l -> out.println("      " + l));
            }
        }
        if (!effects.isEmpty()) {
            out.println();
            out.println("what it means for running apps and existing records:");
            effects.forEach(e -> out.println("  * " + e));
        }
        out.println();
        out.println(iacFiles.isEmpty() ? "IaC for AWS: the checked-in rendering (iac/rendered) already matches"
                : "IaC for AWS: these rendered files change (./deptcrypt iac render, then deploy; docs/deploy-aws.md):");
        iacFiles.forEach(f -> out.println("  " + f));
        out.flush();
    }
}
