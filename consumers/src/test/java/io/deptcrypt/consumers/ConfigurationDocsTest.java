package io.deptcrypt.consumers;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.runtime.AppSettings;
import io.deptcrypt.runtime.ConfigCheck;
import io.deptcrypt.runtime.ConfigProperties;
import io.deptcrypt.runtime.KafkaOverrides;
import io.deptcrypt.runtime.StreamsLifecycle;
import io.deptcrypt.topology.EncryptorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/configuration.md is what the ConfigDefs generate, and the shipped properties files show every key (set, or
 * as a commented example) and no key the apps do not know: as SqsConnectorDocsTest does for the connector.
 */
class ConfigurationDocsTest {

    static final Path PAGE = Path.of("..", "docs", "configuration.md");
    static final Path CONFIG = Path.of("..", "config");
    /** {@code key=value} or {@code #key=value}: a setting or a commented example (prose comments start "# "). */
    static final Pattern SETTING = Pattern.compile("^#?([A-Za-z][A-Za-z0-9._-]*)\\s*=(.*)$");
    static final Pattern NAME_VALUE = Pattern.compile("([a-z][a-z.]*)=([a-z0-9_]+)");

    @Test
    void theCheckedInPageIsWhatTheConfigDefsGenerate() throws Exception {
        String generated = ConfigurationPage.render();
        if (Boolean.getBoolean(ConfigurationPage.WRITE_PROPERTY)) {
            Files.writeString(PAGE, generated);
        }
        assertThat(Files.exists(PAGE)).as(PAGE + " is missing; generate it with: " + ConfigurationPage.REGENERATE).isTrue();
        assertThat(Files.readString(PAGE))
                .as(PAGE + " differs from what the ConfigDefs generate; regenerate it with: " + ConfigurationPage.REGENERATE)
                .isEqualTo(generated);
    }

    @Test
    void thePageHasARowForEveryKeyOfEveryApp() throws Exception {
        String page = ConfigurationPage.render();
        EncryptorConfig.configDef().names().forEach(k -> assertThat(page).contains("| `" + k + "` |"));
        DepartmentConsumerConfig.configDef().names().forEach(k -> assertThat(page).contains("| `" + k + "` |"));
        DecryptingDeserializer.configDef().names().forEach(k -> assertThat(page).contains("| `deptcrypt." + k + "` |"));
    }

    @Test
    void theEncryptorsFileShowsEveryKeyAndOnlyKnownOnes() throws Exception {
        checkShippedFile("topology.properties", EncryptorConfig.configDef(), AppSettings.OWN_KAFKA_SETTINGS);
    }

    @Test
    void theStreamsDefaultsTheEncryptorsFileNamesAreTheCodes() throws Exception {
        String comment = Files.readString(CONFIG.resolve("topology.properties"));
        comment = comment.substring(comment.indexOf("# Defaults already set:"));
        comment = comment.substring(0, comment.indexOf(".\n") + 1);
        Map<String, String> named = new TreeMap<>();
        NAME_VALUE.matcher(comment).results().forEach(m -> named.put(m.group(1), m.group(2)));
        Properties defaults = StreamsLifecycle.defaultProperties("id", "servers");
        defaults.remove(AppSettings.APPLICATION_ID);
        defaults.remove(AppSettings.BOOTSTRAP_SERVERS);
        assertThat(named).isEqualTo(new TreeMap<>(defaults));
    }

    @ParameterizedTest
    @ValueSource(strings = {"finance-consumer.properties", "sales-consumer.properties"})
    void theConsumersFilesShowEveryKeyAndOnlyKnownOnes(String file) throws Exception {
        checkShippedFile(file, DepartmentConsumerConfig.configDef(), DepartmentConsumerConfig.OWN_KAFKA_SETTINGS);
    }

    /** Settings and uncommented examples together pass the app's per-key checks: uncommenting an example is safe. */
    private static void checkShippedFile(String name, ConfigDef def, Map<String, String> refused) throws Exception {
        Path file = CONFIG.resolve(name);
        Map<String, String> keys = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            Matcher m = SETTING.matcher(line.trim());
            if (m.matches()) {
                keys.put(m.group(1), m.group(2));
            }
        }
        assertThat(keys.keySet()).as(name + " shows every key (as a setting or a commented example)")
                .containsAll(def.names());
        ConfigCheck c = ConfigCheck.of(def, ConfigProperties.of(keys, file.toString(), CONFIG, variable -> null));
        KafkaOverrides.from(c, refused);
        assertThat(c.problems()).as(name + ": unknown keys or invalid examples").isEmpty();
    }
}
