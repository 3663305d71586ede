package io.deptcrypt.devstack;

import java.util.Map;

/**
 * Settings of the embedded servers that only a local one-JVM stack wants (the apps' own are in {@link AppConfigs}).
 */
final class LocalSettings {

    /** Broker properties over the embedded broker's defaults. */
    static final Map<String, String> BROKER = Map.of();

    /** Connect worker properties over the embedded worker's defaults. */
    static final Map<String, String> CONNECT_WORKER = Map.of();

    private LocalSettings() {}
}
