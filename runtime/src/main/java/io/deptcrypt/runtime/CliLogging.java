package io.deptcrypt.runtime;

/**
 * Log levels for the runnable jars (slf4j-simple): deptcrypt at INFO, Kafka at WARN (its INFO config dumps run to
 * hundreds of lines), with timestamps. Only fills in what {@code -Dorg.slf4j.simpleLogger...} did not set, and only
 * the CLI mains call it: embedders keep their own logging.
 */
public final class CliLogging {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private CliLogging() {}

    public static void applyDefaults() {
        setIfAbsent("defaultLogLevel", "info");
        setIfAbsent("log.org.apache.kafka", "warn");
        setIfAbsent("showDateTime", "true");
        setIfAbsent("dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
