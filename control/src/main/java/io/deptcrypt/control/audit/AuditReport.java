package io.deptcrypt.control.audit;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The answer to "who unwrapped which department's data keys, when, who was refused, what changed", as text. */
public final class AuditReport {

    private AuditReport() {}

    public static void print(List<AuditRecord> records, String source, PrintWriter out) {
        out.println("deptcrypt audit: " + source + ": " + records.size() + " calls"
                + (records.isEmpty() ? "" : " from " + records.get(0).time() + " to " + records.get(records.size() - 1).time()));
        summary(out, "data keys unwrapped (kms:Decrypt)", records.stream().filter(r -> r.operation().equals("Decrypt")).toList());
        summary(out, "data keys generated (kms:GenerateDataKey, kms:Encrypt)", records.stream()
                .filter(r -> r.isKeyUse() && !r.operation().equals("Decrypt")).toList());

        List<AuditRecord> refused = records.stream().filter(AuditRecord::denied).toList();
        out.println();
        out.println("refused calls: " + (refused.isEmpty() ? "none" : refused.size()));
        for (AuditRecord r : refused) {
            out.println(String.format("  %s  %-18s %-20s %-12s %s", r.time(), r.who(), r.operation(),
                    r.department().orElse("-"), r.errorCode().orElse("") + " " + r.reason().orElse("")));
        }
        List<AuditRecord> changes = records.stream().filter(AuditRecord::isChange).toList();
        out.println();
        out.println("policy and key changes: " + (changes.isEmpty() ? "none" : changes.size()));
        for (AuditRecord r : changes) {
            out.println(String.format("  %s  %-18s %-20s %-12s %-6s %s", r.time(), r.who(), r.operation(),
                    r.department().orElse("-"), r.decision(), r.keyArn().orElse("")));
        }
        out.flush();
    }

    private static void summary(PrintWriter out, String title, List<AuditRecord> records) {
        out.println();
        out.println(title + ":" + (records.isEmpty() ? " none" : ""));
        if (records.isEmpty()) {
            return;
        }
        Map<String, Row> rows = new TreeMap<>();
        for (AuditRecord r : records) {
            rows.computeIfAbsent(r.who() + "\u0000" + r.department().orElse("-"),
                    k -> new Row(r.who(), r.department().orElse("-"))).add(r);
        }
        out.println(String.format("  %-20s %-12s %8s %8s  %-24s  %s", "application", "department", "allowed", "refused",
                "first", "last"));
        rows.values().forEach(row -> out.println(String.format("  %-20s %-12s %8d %8d  %-24s  %s", row.who, row.department,
                row.allowed, row.refused, row.first, row.last)));
    }

    private static final class Row {
        final String who;
        final String department;
        long allowed;
        long refused;
        Instant first;
        Instant last;

        Row(String who, String department) {
            this.who = who;
            this.department = department;
        }

        void add(AuditRecord r) {
            if (r.denied()) {
                refused++;
            } else if (r.decision().equals("allow")) {
                allowed++;
            }
            if (first == null || r.time().isBefore(first)) {
                first = r.time();
            }
            if (last == null || r.time().isAfter(last)) {
                last = r.time();
            }
        }
    }
}
