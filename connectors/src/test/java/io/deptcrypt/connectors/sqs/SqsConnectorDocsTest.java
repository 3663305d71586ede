package io.deptcrypt.connectors.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/** docs/sqs-connector.md lists every option with its default, and the shipped configs only use real options. */
class SqsConnectorDocsTest {

    static final Path DOCS = Path.of("..", "docs", "sqs-connector.md");
    static final Path CONFIG = Path.of("..", "config");

    @Test
    void everyOptionIsDocumentedWithItsDefault() throws Exception {
        String doc = Files.readString(DOCS);
        for (ConfigDef.ConfigKey key : SqsSourceConfig.CONFIG_DEF.configKeys().values()) {
            String row = doc.lines().filter(l -> l.startsWith("| `" + key.name + "` |")).findFirst().orElse(null);
            assertThat(row).as("table row for " + key.name).isNotNull();
            String expected = key.hasDefault() ? defaultText(key) : "required";
            assertThat(row).as("default of " + key.name).contains("| " + expected + " |");
        }
    }

    @Test
    void shippedConnectorConfigsUseOnlyKnownOptions() throws Exception {
        var known = SqsSourceConfig.CONFIG_DEF.names();
        List<String> framework = List.of("name", "connector.class", "tasks.max", "key.converter", "value.converter",
                "errors.log.include.messages");
        for (String line : Files.readAllLines(CONFIG.resolve("connect-sqs-source.properties"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String key = line.substring(0, line.indexOf('=')).trim();
            assertThat(known.contains(key) || framework.contains(key)).as(key).isTrue();
        }
        String json = Files.readString(CONFIG.resolve("connect-sqs-source.json"));
        var keys = java.util.regex.Pattern.compile("\"([a-z.]+)\"\\s*:").matcher(json).results().map(m -> m.group(1)).toList();
        assertThat(keys).contains("sqs.queue.urls", "topic");
        keys.stream().filter(k -> !k.equals("config")).forEach(k -> assertThat(known.contains(k) || framework.contains(k)).as(k).isTrue());
    }

    private static String defaultText(ConfigDef.ConfigKey key) {
        Object d = key.defaultValue;
        if (d == null) {
            return "none";
        }
        String s = d instanceof List<?> l ? String.join(",", l.stream().map(Object::toString).toList()) : d.toString();
        return s.isEmpty() ? "\"\"" : "`" + s + "`";
    }
}
