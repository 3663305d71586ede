package io.deptcrypt.devstack.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A {@link SoakResult} as plain text (stdout) or Markdown ({@code --report FILE}); the same rows in both. */
public final class SoakReport {

    private SoakReport() {}

    /** Plain text, one {@code name: value} line per row, then one line per fault. */
    public static String text(SoakResult r) {
        StringBuilder out = new StringBuilder("soak report\n");
        for (String[] row : rows(r)) {
            out.append(String.format(Locale.ROOT, "  %-26s %s%n", row[0] + ":", row[1]));
        }
        out.append(r.faults().isEmpty() ? "  faults: none\n" : "  faults:\n");
        for (SoakResult.Fault f : r.faults()) {
            out.append("    ").append(faultLine(f)).append('\n');
        }
        out.append(verdict(r)).append('\n');
        return out.toString();
    }

    /** Markdown: the command, a table of the rows, a table of the faults, the verdict. */
    public static String markdown(SoakResult r, String command) {
        StringBuilder out = new StringBuilder();
        out.append("```bash\n").append(command).append("\n```\n\n");
        out.append("| | |\n|---|---|\n");
        for (String[] row : rows(r)) {
            out.append("| ").append(row[0]).append(" | ").append(row[1]).append(" |\n");
        }
        if (r.faults().isEmpty()) {
            out.append("\nNo faults injected.\n");
        } else {
            out.append("\n| # | fault | what | began | ended | backlog peak | backlog over the bound | recovered after |\n"
                    + "|---|---|---|---|---|---|---|---|\n");
            for (SoakResult.Fault f : r.faults()) {
                SoakFaultRecord rec = f.record();
                out.append("| ").append(rec.number()).append(" | ").append(rec.name()).append(" | ")
                        .append(rec.detail()).append(rec.error().map(e -> " (failed: " + e + ")").orElse("")).append(" | ")
                        .append(clock(rec.began())).append(" | ").append(rec.ended() < 0 ? "-" : clock(rec.ended()))
                        .append(" | ").append(f.peakBacklog()).append(" | ").append(seconds(f.overBound())).append(" | ")
                        .append(recovery(f)).append(" |\n");
            }
        }
        out.append('\n').append(verdict(r)).append('\n');
        return out.toString();
    }

    private static List<String[]> rows(SoakResult r) {
        List<String[]> rows = new ArrayList<>();
        rows.add(row("duration", seconds(r.sendingMillis()) + " sending at " + r.rate() + " events/s, then "
                + seconds(r.drainMillis()) + " draining" + (r.drained() ? "" : " (drain timed out)")));
        rows.add(row("brokers", Integer.toString(r.brokers())));
        rows.add(row("load average", String.format(Locale.ROOT, "%.2f at start, %.2f at end", r.loadAtStart(), r.loadAtEnd())));
        rows.add(row("sent", r.sent() + " acknowledged by SQS" + (r.sendFailures() == 0 ? ""
                : ", " + r.sendFailures() + " not acknowledged (not counted)")));
        rows.add(row("sealed", r.shared().map(s -> s.distinct() + " events on the shared topic (read_committed), "
                        + duplicates(s.duplicates()) + " there").orElse("the shared topic could not be read")
                + "; the encryptor's sealed-total metric, read twice a second over its instances: " + r.sealed()));
        rows.add(row("delivered", r.delivered() + " distinct events"));
        rows.add(row("throughput", Double.isNaN(r.throughput()) ? "n/a (shorter than one 10 s window)"
                : String.format(Locale.ROOT, "%.1f events/s (median of the 10 s windows while sending)", r.throughput())));
        rows.add(row("consumer lag", r.lagMax() < 0 ? "n/a (no consumer's records-lag metric was read)" : "max " + r.lagMax()
                + ", p50 " + r.lagP50() + " records (slowest department consumer, records-lag on the shared topic)"));
        rows.add(row("backlog", "max " + r.backlogMax() + ", p50 " + r.backlogP50()
                + " events (sent, not yet delivered); a fault has recovered once it is <= " + r.recoveryBound()));
        rows.add(row("lost", r.lost() + " (sent and acknowledged, never delivered)"));
        rows.add(row("duplicated (DeliveryLog)", duplicates(r.deliveryDuplicates())
                + " (delivered more than once; the consumers' sinks are at least once)"));
        rows.add(row("duplicated (sink topics)", sinks(r.sinks(), r.missingSinks())));
        rows.add(row("out of order", r.outOfOrder() + " (per partition key, first delivery after a later-sent event of the key); "
                + (r.sharedOutOfOrder() < 0 ? "the shared topic could not be read"
                        : r.sharedOutOfOrder() + " already so on the shared topic, in offset order")));
        return rows;
    }

    private static String sinks(Map<String, SoakResult.TopicCount> sinks, List<String> missing) {
        List<String> parts = new ArrayList<>();
        sinks.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> parts.add(e.getKey() + ": "
                + duplicates(e.getValue().duplicates()) + " of " + e.getValue().distinct() + " (read_committed)"));
        if (!missing.isEmpty()) {
            parts.add("not on this stack: " + String.join(", ", missing));
        }
        return String.join("; ", parts);
    }

    private static String duplicates(SoakTally.Duplicates d) {
        return d.events() + " events duplicated" + (d.events() == 0 ? "" : " (" + d.extraCopies() + " extra copies)");
    }

    private static String faultLine(SoakResult.Fault f) {
        SoakFaultRecord rec = f.record();
        return String.format(Locale.ROOT, "#%d %-9s %s -> %s  %s%s; backlog peak %d, over the bound %s; recovered: %s",
                rec.number(), rec.name(), clock(rec.began()), rec.ended() < 0 ? "-" : clock(rec.ended()), rec.detail(),
                rec.error().map(e -> " (failed: " + e + ")").orElse(""), f.peakBacklog(), seconds(f.overBound()), recovery(f));
    }

    private static String recovery(SoakResult.Fault f) {
        if (f.record().ended() < 0) {
            return "-";
        }
        return f.recoveredAfter().isPresent() ? seconds(f.recoveredAfter().getAsLong()) + " after its end"
                : "not within " + seconds(f.lookedUntil() - f.record().ended());
    }

    private static String verdict(SoakResult r) {
        return r.ok() ? "OK: nothing lost, nothing out of order"
                : "FAILED: " + r.lost() + " lost, " + r.outOfOrder() + " out of order";
    }

    private static String[] row(String name, String value) {
        return new String[] {name, value};
    }

    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    /** Time since the soak began, as {@code mm:ss}. */
    static String clock(long millis) {
        long s = millis / 1000;
        return String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }
}
