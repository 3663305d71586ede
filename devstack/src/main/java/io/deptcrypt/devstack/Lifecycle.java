package io.deptcrypt.devstack;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Starts components in dependency order (independent ones together), reports each one's readiness and start time,
 * and stops them in reverse order of start. A component's stop is registered as soon as it exists, before its
 * readiness is awaited, so the owner closing the lifecycle after any failure stops everything that was created: a
 * half-started stack never leaks ports, threads or file locks.
 */
public final class Lifecycle implements AutoCloseable {

    /** Creates a component (a running server, a started app). */
    @FunctionalInterface
    public interface Starter<T> {
        T start() throws Exception;
    }

    /** Waits until a created component can serve its dependants (topics created, connector RUNNING, ...). */
    @FunctionalInterface
    public interface ReadyCheck<T> {
        void awaitReady(T component) throws Exception;
    }

    /** Stops a component. */
    @FunctionalInterface
    public interface Stopper<T> {
        void stop(T component) throws Exception;
    }

    /** How long one component took to become ready. */
    public record Started(String name, Duration took, String readiness) {}

    /** {@code group}: components started together are stopped together. */
    private record Running(String name, Runnable stop, int group) {}

    private final Console console;
    private final Deque<Running> running = new ArrayDeque<>();
    private final List<Started> started = new ArrayList<>();
    private final Set<String> starting = new LinkedHashSet<>();
    private final ThreadLocal<Integer> startGroup = new ThreadLocal<>();
    private int groups;
    private final long createdNanos = System.nanoTime();
    private boolean closed;

    public Lifecycle(Console console) {
        this.console = console;
    }

    /** As {@link #start(String, Starter, ReadyCheck, Stopper, Function)} for a component that is ready once created. */
    public <T> T start(String name, Starter<T> starter, Stopper<? super T> stopper, Function<? super T, String> readiness) {
        return start(name, starter, component -> { }, stopper, readiness);
    }

    /**
     * Creates one component, registers how to stop it, then waits until it is ready. Safe to call from several
     * threads at once for components that do not depend on each other (see {@link #startTogether}). If the readiness
     * check fails, the component stays registered: {@link #close()} stops it.
     *
     * @param readiness what to print once ready (e.g. its endpoint)
     */
    public <T> T start(String name, Starter<T> starter, ReadyCheck<? super T> ready, Stopper<? super T> stopper,
                       Function<? super T, String> readiness) {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("stack is stopping; not starting " + name);
            }
            starting.add(name);
            console.progress("  starting " + String.join(", ", starting) + " ...");
        }
        long t0 = System.nanoTime();
        T component;
        try {
            component = starter.start();
        } catch (Exception | LinkageError e) {
            throw failed(name, e);
        }
        register(name, component, stopper);
        try {
            ready.awaitReady(component);
        } catch (Exception | LinkageError e) {
            throw failed(name, e);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        String said = readiness.apply(component);
        synchronized (this) {
            starting.remove(name);
            started.add(new Started(name, took, said));
            console.line(String.format("  ready    %-22s %8s   %s", name, Console.seconds(took), said == null ? "" : said));
            if (!starting.isEmpty()) {
                console.progress("  starting " + String.join(", ", starting) + " ...");
            }
        }
        return component;
    }

    /** Registers the stop of a created component; if the lifecycle was closed meanwhile, stops it at once. */
    private <T> void register(String name, T component, Stopper<? super T> stopper) {
        Running r;
        synchronized (this) {
            Integer group = startGroup.get();
            r = new Running(name, () -> {
                try {
                    stopper.stop(component);
                } catch (Exception e) {
                    throw new StackException(name + " failed to stop cleanly: " + e.getMessage(), e);
                }
            }, group != null ? group : ++groups);
            if (!closed) {
                running.push(r);
                return;
            }
            starting.remove(name);
        }
        stop(r);
        throw new IllegalStateException("stack is stopping; stopped " + name + " again");
    }

    private synchronized StackException failed(String name, Throwable e) {
        starting.remove(name);
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        console.line("  FAILED   %-22s %s", name, why);
        return new StackException(name + " failed to start: " + why, e);
    }

    /**
     * Runs independent starts in parallel and waits for all of them. If any fails, the others are still awaited
     * (so nothing is left half-started) and the first failure is thrown; the caller closes the lifecycle.
     */
    public void startTogether(Runnable... starts) {
        int group;
        synchronized (this) {
            group = ++groups;
        }
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (Runnable r : starts) {
            futures.add(CompletableFuture.runAsync(() -> {
                startGroup.set(group);
                r.run();
            }, runnable -> {
                Thread t = new Thread(runnable, "deptcrypt-start");
                t.setDaemon(true);
                t.start();
            }));
        }
        RuntimeException first = null;
        for (var f : futures) {
            try {
                f.join();
            } catch (CompletionException e) {
                if (first == null) {
                    first = e.getCause() instanceof RuntimeException re ? re : new StackException(e.getCause().toString(), e.getCause());
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Components started so far, in start order. */
    public synchronized List<Started> started() {
        return List.copyOf(started);
    }

    /** Time since this lifecycle was created. */
    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - createdNanos);
    }

    /**
     * Stops everything started, newest first (components started together are stopped together); a component failing
     * to stop does not stop the others. Idempotent.
     */
    @Override
    public synchronized void close() {
        closed = true;
        while (!running.isEmpty()) {
            int group = running.peek().group();
            List<Running> together = new ArrayList<>();
            while (!running.isEmpty() && running.peek().group() == group) {
                together.add(running.pop());
            }
            List<Thread> threads = new ArrayList<>();
            for (Running r : together) {
                Thread t = new Thread(() -> stop(r), "deptcrypt-stop");
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void stop(Running r) {
        long t0 = System.nanoTime();
        try {
            r.stop.run();
            console.line("  stopped  %-22s %8s", r.name, Console.seconds(Duration.ofNanos(System.nanoTime() - t0)));
        } catch (RuntimeException e) {
            console.line("  stop failed %-19s %s", r.name, e.getMessage());
        }
    }
}
