package io.deptcrypt.devstack;

import java.util.Map;

/**
 * Settings of the embedded servers that only a local one-JVM stack wants (the apps' own are in {@link AppConfigs}).
 */
final class LocalSettings {

    /**
     * Session timeout of every consumer-group member in the stack (the apps, the Connect worker): a member that
     * vanished without leaving (a killed app, the previous run's JVM after a crash) is noticed after 6 s, not 45 s
     * (apps) or 10 s (Connect).
     */
    static final String SESSION_TIMEOUT_MS = "6000";
    static final String HEARTBEAT_INTERVAL_MS = "1500";

    /**
     * Broker properties over the embedded broker's defaults. After a crash the controller (in the same JVM) still
     * holds the dead broker's registration and refuses the restarted broker until that registration's session
     * expires: 9 s by default, 3 s here (a heartbeat every 750 ms, in-process).
     */
    static final Map<String, String> BROKER = Map.of(
            "broker.session.timeout.ms", "3000",
            "broker.heartbeat.interval.ms", "750");

    /** Connect worker properties over the embedded worker's defaults. */
    static final Map<String, String> CONNECT_WORKER = Map.of(
            "session.timeout.ms", SESSION_TIMEOUT_MS,
            "heartbeat.interval.ms", HEARTBEAT_INTERVAL_MS);

    private LocalSettings() {}
}
