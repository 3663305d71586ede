package io.deptcrypt.devstack;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * What the user sees: step lines, readiness reports and a progress line. On a terminal the progress line is
 * rewritten in place; otherwise (CI, pipes, tests) each progress update is a new line, printed only when it changed.
 */
public final class Console {

    private final PrintStream out;
    private final boolean interactive;
    private String lastProgress = "";
    private boolean progressOpen;
    private long lastProgressNanos;

    /** Without a terminal, progress lines are printed at most this often (final states are printed as lines anyway). */
    private static final long PLAIN_PROGRESS_INTERVAL_NANOS = 1_000_000_000L;

    public Console(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    /** stdout; in-place progress only when attached to a terminal. */
    public static Console system() {
        return new Console(System.out, System.console() != null);
    }

    /** Discards everything (tests). */
    public static Console silent() {
        return new Console(new PrintStream(OutputStream.nullOutputStream()), false);
    }

    public synchronized void line(String text) {
        endProgress();
        out.println(text);
        out.flush();
    }

    public synchronized void line(String format, Object... args) {
        line(String.format(Locale.ROOT, format, args));
    }

    /** A progress update; repeated identical updates are dropped. */
    public synchronized void progress(String text) {
        if (text.equals(lastProgress)) {
            return;
        }
        lastProgress = text;
        if (interactive) {
            out.print("\r\033[K" + text);
            progressOpen = true;
        } else {
            long now = System.nanoTime();
            if (lastProgressNanos != 0 && now - lastProgressNanos < PLAIN_PROGRESS_INTERVAL_NANOS) {
                return;
            }
            lastProgressNanos = now;
            out.println(text);
        }
        out.flush();
    }

    /** Ends an in-place progress line so the next line starts clean. */
    public synchronized void endProgress() {
        if (progressOpen) {
            out.println();
            progressOpen = false;
        }
        lastProgress = "";
        lastProgressNanos = 0;
    }

    public PrintStream out() {
        return out;
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.2f s", d.toNanos() / 1e9);
    }
}
