package io.deptcrypt.control.plan;

import java.util.List;

/** An apply that stopped: what it made and what it did not. */
public final class ApplyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<Change> applied;
    private final transient List<Change> notApplied;

    ApplyException(String message, List<Change> applied, List<Change> notApplied) {
        this(message, applied, notApplied, null);
    }

    ApplyException(String message, List<Change> applied, List<Change> notApplied, Throwable cause) {
        super(message, cause);
        this.applied = List.copyOf(applied);
        this.notApplied = List.copyOf(notApplied);
    }

    public List<Change> applied() {
        return applied;
    }

    public List<Change> notApplied() {
        return notApplied;
    }

    /** e.g. {@code applied: 1. ..., not applied: 2. ...}, one change per line. */
    public String report() {
        StringBuilder b = new StringBuilder(getMessage()).append('\n');
        b.append(applied.isEmpty() ? "applied: nothing\n" : "applied:\n");
        applied.forEach(c -> b.append("  ").append(c.lines().get(0)).append('\n'));
        b.append(notApplied.isEmpty() ? "not applied: nothing\n" : "not applied:\n");
        notApplied.forEach(c -> b.append("  ").append(c.lines().get(0)).append('\n'));
        return b.toString();
    }
}
