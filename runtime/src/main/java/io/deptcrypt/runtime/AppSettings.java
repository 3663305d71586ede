package io.deptcrypt.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The keys every deptcrypt app's properties share: the governance file, and for a Kafka Streams app its
 * {@code application.id} and {@code bootstrap.servers}. Each app adds them to its {@link ConfigDef} and names its
 * own default application id in {@code APPLICATION_ID_DOC}.
 */
public final class AppSettings {

    public static final String GOVERNANCE_FILE = "governance.file";
    public static final String GOVERNANCE_FILE_DOC = "The governance file (departments, their keys and readers, topics):"
            + " the single source of truth. A relative path resolves against the directory of this properties file.";
    public static final Object GOVERNANCE_FILE_DEFAULT = ConfigDef.NO_DEFAULT_VALUE;

    public static final String APPLICATION_ID = "application.id";
    /** Not set: each app derives one (its {@code APPLICATION_ID_DOC} says how). */
    public static final String APPLICATION_ID_DEFAULT = null;
    public static final TextPattern APPLICATION_ID_VALUES = new TextPattern("[a-zA-Z0-9._-]{1,200}", "1-200 of [a-zA-Z0-9._-]");

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String BOOTSTRAP_SERVERS_DOC = "Kafka bootstrap.servers: host:port pairs, comma separated.";
    public static final Object BOOTSTRAP_SERVERS_DEFAULT = ConfigDef.NO_DEFAULT_VALUE;

    public static final String GOVERNANCE_WATCH = "governance.watch";
    public static final String GOVERNANCE_WATCH_DOC = "Follow the governance topic (topics.governance) while running and"
            + " take each version `governance apply` publishes, without a restart: the encryptor seals for departments"
            + " added and refuses removed ones; a department consumer drops its cached data keys when its read access"
            + " or its department's key changes, so a revoked reader opens nothing new about a second after the apply"
            + " (docs/governance.md). Until the first apply creates the topic the app runs on its file. false: a change"
            + " reaches a running app only when its cached data keys expire, or at a restart.";
    public static final boolean GOVERNANCE_WATCH_DEFAULT = true;

    /** Kafka settings with a key of their own here or in {@link KafkaLogin}: the passthrough must not set them (name: why). */
    public static final Map<String, String> OWN_KAFKA_SETTINGS = ownKafkaSettings();

    private static Map<String, String> ownKafkaSettings() {
        Map<String, String> m = new LinkedHashMap<>(KafkaLogin.OWN_KAFKA_SETTINGS);
        m.put(StreamsConfig.APPLICATION_ID_CONFIG, "set it with '" + APPLICATION_ID + "' instead");
        m.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "set it with '" + BOOTSTRAP_SERVERS + "' instead");
        return Map.copyOf(m);
    }

    private AppSettings() {}

    public static ConfigDef defineGovernanceFile(ConfigDef d) {
        return d.define(GOVERNANCE_FILE, Type.STRING, GOVERNANCE_FILE_DEFAULT, new ConfigDef.NonEmptyString(),
                Importance.HIGH, GOVERNANCE_FILE_DOC);
    }

    /**
     * {@code application.id} (documented by the app: its default is the app's own), {@code bootstrap.servers} and the
     * app's Kafka login ({@link KafkaLogin}) and whether it follows the governance topic ({@code governance.watch}).
     */
    public static ConfigDef defineStreamsApp(ConfigDef d, String applicationIdDoc) {
        KafkaLogin.define(d);
        return d.define(APPLICATION_ID, Type.STRING, APPLICATION_ID_DEFAULT, APPLICATION_ID_VALUES, Importance.MEDIUM,
                        applicationIdDoc)
                .define(BOOTSTRAP_SERVERS, Type.STRING, BOOTSTRAP_SERVERS_DEFAULT, new ConfigDef.NonEmptyString(),
                        Importance.HIGH, BOOTSTRAP_SERVERS_DOC)
                .define(GOVERNANCE_WATCH, Type.BOOLEAN, GOVERNANCE_WATCH_DEFAULT, Importance.MEDIUM, GOVERNANCE_WATCH_DOC);
    }

    /** The configured application id, or {@code derived} when none is set. */
    public static String applicationId(ConfigCheck c, String derived) {
        return c.getOptional(APPLICATION_ID).orElse(derived);
    }
}
