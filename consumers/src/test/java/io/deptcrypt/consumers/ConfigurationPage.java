package io.deptcrypt.consumers;

import io.deptcrypt.runtime.AppSettings;
import io.deptcrypt.runtime.ConfigTable;
import io.deptcrypt.runtime.KafkaOverrides;
import io.deptcrypt.runtime.StreamsLifecycle;
import io.deptcrypt.topology.EncryptorConfig;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * docs/configuration.md, generated from the apps' ConfigDefs: each key's type, default, valid values and doc come
 * from its declaration, the passthrough rules from the code that applies them. Nothing here is a second source.
 */
final class ConfigurationPage {

    /** Regenerates the checked-in page (the test writes it when this system property is true). */
    static final String WRITE_PROPERTY = "deptcrypt.docs.write";
    static final String REGENERATE = "mvn -B -pl consumers -am test -Dtest=ConfigurationDocsTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -D" + WRITE_PROPERTY + "=true";

    private ConfigurationPage() {}

    static String render() {
        Properties defaults = StreamsLifecycle.defaultProperties("x", "x");
        defaults.remove(AppSettings.APPLICATION_ID);
        defaults.remove(AppSettings.BOOTSTRAP_SERVERS);
        String streamsDefaults = new TreeMap<>(defaults).entrySet().stream()
                .map(e -> "`" + e.getKey() + "=" + e.getValue() + "`").collect(Collectors.joining(", "));
        return """
                # Configuration of the Streams apps

                <!-- Generated from the apps' ConfigDefs by consumers/src/test/.../ConfigurationPage.java; do not edit.
                     Change a key's *_DOC constant (or its declaration), then regenerate with:
                     %s -->

                The encryptor (`topology/`) and each department consumer (`consumers/`) read one properties file,
                `--config FILE`; embedders give the same keys as a map (`EncryptorConfig.of`, `DepartmentConsumerConfig.of`).
                In every file:

                - A value may reference the environment: `${NAME}` (an unset variable is an error) or `${NAME:-fallback}`.
                - An empty value means "not set": the key's default applies.
                - A relative path resolves against the directory of the properties file.
                - A key the app does not know is an error. Every problem of a file (a bad value, a missing key, a rule
                  across keys, an unknown key) is reported at once, one line each; the values of secrets (password keys,
                  and keys whose name mentions a secret, password, token or JAAS config) are never shown.
                - Any other Kafka setting passes through: `%s<name>` (a Kafka Streams or client setting, as Streams applies
                  unprefixed ones), `%s<name>` and `%s<name>` (that client only). Names are checked against Kafka's own,
                  values when the app starts. Not through the passthrough: %s; for a department consumer also %s.
                - Kafka settings every app starts from (before the passthrough): %s.

                Valid values use Kafka's notation: `[1,...,10]` is 1 to 10.

                ## Encryptor: `config/topology.properties`

                %s
                ## Department consumer: `config/finance-consumer.properties`, `config/sales-consumer.properties`

                %s
                ## `DecryptingDeserializer`, in a plain `KafkaConsumer`

                Among the consumer's properties (`value.deserializer=io.deptcrypt.consumers.DecryptingDeserializer`), each
                key prefixed `%s`. No environment references; a relative path resolves against the working directory.

                %s""".formatted(REGENERATE, KafkaOverrides.STREAMS_PREFIX, KafkaOverrides.PRODUCER_PREFIX,
                KafkaOverrides.CONSUMER_PREFIX, refused(AppSettings.OWN_KAFKA_SETTINGS),
                refused(without(DepartmentConsumerConfig.OWN_KAFKA_SETTINGS, AppSettings.OWN_KAFKA_SETTINGS)),
                streamsDefaults, ConfigTable.markdown(EncryptorConfig.configDef(), ""),
                ConfigTable.markdown(DepartmentConsumerConfig.configDef(), ""), DecryptingDeserializer.PREFIX,
                ConfigTable.markdown(DecryptingDeserializer.configDef(), DecryptingDeserializer.PREFIX));
    }

    private static Map<String, String> without(Map<String, String> all, Map<String, String> common) {
        Map<String, String> rest = new TreeMap<>(all);
        rest.keySet().removeAll(common.keySet());
        return rest;
    }

    private static String refused(Map<String, String> settings) {
        return new TreeSet<>(settings.keySet()).stream().map(k -> "`" + k + "` (" + settings.get(k) + ")")
                .collect(Collectors.joining(", "));
    }
}
