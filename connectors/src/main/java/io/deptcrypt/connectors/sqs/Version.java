package io.deptcrypt.connectors.sqs;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The connector's version, from the properties file Maven fills in at build time. */
final class Version {

    private static final String VERSION = load();

    private Version() {
    }

    static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("/deptcrypt-connectors.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
