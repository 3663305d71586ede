package io.deptcrypt.devstack;

import io.deptcrypt.embedded.EmbeddedConnect;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stack's Connect workers: one Connect group in this JVM, each worker on its own REST port, each one stoppable and
 * startable again by its index (a restarted worker asks for the port it had, and takes any free one if that is gone).
 * The worker properties are the same for all but {@code listeners}.
 */
final class ConnectWorkers {

    /** Starts a worker on {@code port} (0: any free); if that is only a remembered port and taken, on any free one. */
    @FunctionalInterface
    interface Launcher {
        EmbeddedConnect launch(int port, int configuredPort);
    }

    /** The worker property this class sets per worker; everything else is the same for all. */
    static final String LISTENERS = "listeners";

    private final Launcher launcher;
    private final EmbeddedConnect[] running;
    private final int[] ports;
    private final int[] configuredPorts;

    /**
     * @param firstPort the first worker's port (the remembered or given one; 0: any free); the others take any free
     *                  port
     * @param configured the first worker's port as the user gave it (0: none)
     */
    ConnectWorkers(int count, int firstPort, int configured, Launcher launcher) {
        this.launcher = launcher;
        this.running = new EmbeddedConnect[count];
        this.ports = new int[count];
        this.configuredPorts = new int[count];
        ports[0] = firstPort;
        configuredPorts[0] = configured;
    }

    int count() {
        return running.length;
    }

    /** Starts worker {@code i} and returns it once it answers REST requests. */
    EmbeddedConnect start(int i) {
        check(i);
        synchronized (this) {
            if (running[i] != null) {
                throw new IllegalStateException("connect worker " + i + " is already running");
            }
        }
        EmbeddedConnect w = launcher.launch(ports[i], configuredPorts[i]);
        synchronized (this) {
            running[i] = w;
            ports[i] = w.restUrl().getPort();
        }
        return w;
    }

    /** Stops worker {@code i} (its tasks stop gracefully and move to the others). No-op if stopped. */
    void stop(int i) {
        check(i);
        EmbeddedConnect w;
        synchronized (this) {
            w = running[i];
            running[i] = null;
        }
        if (w != null) {
            w.stop();
        }
    }

    /** Worker {@code i}, if running. */
    synchronized Optional<EmbeddedConnect> worker(int i) {
        check(i);
        return Optional.ofNullable(running[i]);
    }

    /** The running workers, by index. */
    synchronized List<EmbeddedConnect> runningWorkers() {
        List<EmbeddedConnect> out = new ArrayList<>();
        for (EmbeddedConnect w : running) {
            if (w != null) {
                out.add(w);
            }
        }
        return out;
    }

    /** The first running worker (the REST API of any member serves the whole group), or null if none runs. */
    synchronized EmbeddedConnect any() {
        List<EmbeddedConnect> r = runningWorkers();
        return r.isEmpty() ? null : r.get(0);
    }

    /** {@code base} with the worker's {@code listeners} on {@code port}. */
    static Map<String, String> withListener(Map<String, String> base, int port) {
        Map<String, String> p = new HashMap<>(base);
        p.put(LISTENERS, "http://127.0.0.1:" + port);
        return p;
    }

    /** Names worker {@code i} for the readiness lines: just "kafka connect" when there is one. */
    static String label(int i, int count) {
        return count == 1 ? "kafka connect" : "kafka connect " + i;
    }

    private void check(int i) {
        if (i < 0 || i >= running.length) {
            throw new IllegalArgumentException("no connect worker " + i + " (the stack runs " + running.length + ", 0-"
                    + (running.length - 1) + ")");
        }
    }
}
