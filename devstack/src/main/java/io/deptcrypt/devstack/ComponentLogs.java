package io.deptcrypt.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Sends every component's log (Kafka, Connect, ElasticMQ, localkms, the apps) to {@code <state-dir>/logs/devstack.log}
 * so the console shows only the demo. Must run before the first SLF4J logger is created: slf4j-simple reads these
 * properties once.
 */
final class ComponentLogs {

    private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");

    private ComponentLogs() {}

    static Path configure(Path logsDir, String level) {
        String lvl = level.toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(lvl)) {
            throw new IllegalArgumentException("--log-level '" + level + "' is not one of " + LEVELS);
        }
        Path file = logsDir.resolve("devstack.log");
        try {
            Files.createDirectories(logsDir);
        } catch (IOException e) {
            throw new StackException("cannot create the log directory " + logsDir + ": " + e.getMessage(), e);
        }
        setIfAbsent("org.slf4j.simpleLogger.logFile", file.toString());
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", lvl);
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        // log4j2 (pulled in by the broker) must not print its "no configuration" status lines on the console.
        setIfAbsent("log4j2.statusLoggerLevel", "OFF");
        setIfAbsent("log4j2.level", "WARN");
        return file;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
