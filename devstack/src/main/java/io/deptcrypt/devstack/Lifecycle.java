package io.deptcrypt.devstack;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * Starts components one after another, reports each one's readiness and start time, and stops them in reverse order.
 * If a start fails, everything already started is stopped before the failure propagates, so a half-started stack never
 * leaks ports, threads or file locks.
 */
public final class Lifecycle implements AutoCloseable {

    /** Starts a component; returns it once it is ready to serve its dependants. */
    @FunctionalInterface
    public interface Starter<T> {
        T start() throws Exception;
    }

    /** Stops a component. */
    @FunctionalInterface
    public interface Stopper<T> {
        void stop(T component) throws Exception;
    }

    /** How long one component took to become ready. */
    public record Started(String name, Duration took, String readiness) {}

    private record Running(String name, Runnable stop) {}

    private final Console console;
    private final Deque<Running> running = new ArrayDeque<>();
    private final List<Started> started = new ArrayList<>();
    private final long createdNanos = System.nanoTime();
    private boolean closed;

    public Lifecycle(Console console) {
        this.console = console;
    }

    /**
     * Starts one component and registers how to stop it.
     *
     * @param readiness what to print once ready (e.g. its endpoint)
     */
    public synchronized <T> T start(String name, Starter<T> starter, Stopper<? super T> stopper, Function<? super T, String> readiness) {
        if (closed) {
            throw new IllegalStateException("stack is stopping; not starting " + name);
        }
        console.progress(String.format("  starting %-22s ...", name));
        long t0 = System.nanoTime();
        T component;
        try {
            component = starter.start();
        } catch (Exception e) {
            console.line("  FAILED   %-22s %s", name, e.getMessage() == null ? e.toString() : e.getMessage());
            close();
            throw new StackException(name + " failed to start: " + (e.getMessage() == null ? e : e.getMessage()), e);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        running.push(new Running(name, () -> {
            try {
                stopper.stop(component);
            } catch (Exception e) {
                throw new StackException(name + " failed to stop cleanly: " + e.getMessage(), e);
            }
        }));
        String ready = readiness.apply(component);
        started.add(new Started(name, took, ready));
        console.line(String.format("  ready    %-22s %8s   %s", name, Console.seconds(took), ready == null ? "" : ready));
        return component;
    }

    /** Components started so far, in start order. */
    public synchronized List<Started> started() {
        return List.copyOf(started);
    }

    /** Time since this lifecycle was created. */
    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - createdNanos);
    }

    /** Stops everything started, newest first; a component failing to stop does not stop the others. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        while (!running.isEmpty()) {
            Running r = running.pop();
            long t0 = System.nanoTime();
            try {
                r.stop.run();
                console.line("  stopped  %-22s %8s", r.name, Console.seconds(Duration.ofNanos(System.nanoTime() - t0)));
            } catch (RuntimeException e) {
                console.line("  stop failed %-19s %s", r.name, e.getMessage());
            }
        }
    }
}
