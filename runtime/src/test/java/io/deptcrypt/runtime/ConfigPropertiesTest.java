package io.deptcrypt.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigPropertiesTest {

    static final Function<String, String> ENV = Map.of("HOST", "kafka", "PORT", "9092", "EMPTY", "")::get;

    @TempDir
    Path dir;

    static ConfigProperties of(String key, String value, Function<String, String> env) {
        Map<String, String> raw = new HashMap<>();
        raw.put(key, value);
        return ConfigProperties.of(raw, "test", null, env);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NOT_SET", value = {
            "${HOST}:${PORT}               | kafka:9092",
            "${HOST:-local}                | kafka",
            "${MISSING:-localhost:9092}    | localhost:9092",
            "${MISSING:-}                  | NOT_SET",
            "${EMPTY}                      | NOT_SET",
            "'  padded  '                  | padded",
            "plain                         | plain",
            "''                            | NOT_SET"})
    void environmentReferencesAreExpandedAndAnEmptyResultIsNotSet(String value, String expected) {
        ConfigProperties p = of("k", value, ENV);
        assertThat(p.value("k").orElse(null)).isEqualTo(expected);
        assertThat(p.keys()).containsExactly("k"); // a key given empty is still given (unknown keys are refused)
        assertThat(p.problems()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "${MISSING}          | environment variable MISSING is not set",
            "${not valid}        | '${not valid}' is not a valid environment reference",
            "${1ST}              | '${1ST}' is not a valid environment reference",
            "abc${HOST           | unterminated '${' in value"})
    void badReferencesAreProblemsOfTheirKeyNotExceptions(String value, String problem) {
        ConfigProperties p = of("k", value, ENV);
        assertThat(p.problems()).containsOnlyKeys("k");
        assertThat(p.problems().get("k")).startsWith(problem);
        assertThat(p.value("k")).isEmpty();
        assertThat(p.keys()).contains("k");
    }

    @Test
    void withoutAnEnvironmentAReferenceWithoutFallbackIsAProblemAndAFallbackIsUsed() {
        assertThat(of("k", "${HOST}", null).problems().get("k")).isEqualTo("environment variable HOST is not set (no environment given)");
        assertThat(of("k", "${HOST:-h}", null).value("k")).contains("h");
    }

    @Test
    void aSecretsBadReferenceIsNotRepeated() {
        ConfigProperties p = of("aws.secret.access.key", "hunter2${oops here}", ENV);
        assertThat(p.problems().get("aws.secret.access.key")).startsWith("the value is not a valid environment reference")
                .doesNotContain("hunter2").doesNotContain("oops");
    }

    @Test
    void relativePathsResolveAgainstTheFilesDirectoryAndAbsoluteOnesStay() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("conf"));
        Path file = Files.writeString(sub.resolve("app.properties"), "governance.file = ../gov/governance.yaml \n");
        ConfigProperties p = ConfigProperties.load(file, ENV);
        assertThat(p.source()).isEqualTo(file.toString());
        assertThat(p.value("governance.file")).contains("../gov/governance.yaml");
        assertThat(p.resolve("../gov/governance.yaml")).isEqualTo(dir.toAbsolutePath().resolve("gov/governance.yaml"));
        assertThat(p.resolve("/etc/governance.yaml")).isEqualTo(Path.of("/etc/governance.yaml"));
        // A map without a base directory: relative to the working directory, i.e. left as given.
        assertThat(of("k", "v", ENV).resolve("gov.yaml")).isEqualTo(Path.of("gov.yaml"));
        assertThat(ConfigProperties.of(Map.of(), "embedded", dir, ENV).resolve("gov.yaml")).isEqualTo(dir.resolve("gov.yaml"));
    }

    @Test
    void anUnreadableFileIsAnErrorNamingIt() throws Exception {
        assertThatThrownBy(() -> ConfigProperties.load(dir.resolve("nope.properties"), ENV))
                .isInstanceOf(InvalidConfigException.class).hasMessage(dir.resolve("nope.properties") + ": file not found");
        Path bad = Files.writeString(dir.resolve("bad.properties"), "k=\\uZZZZ\n");
        assertThatThrownBy(() -> ConfigProperties.load(bad, ENV))
                .isInstanceOf(InvalidConfigException.class).hasMessageStartingWith(bad + ": cannot read: ");
    }

    @Test
    void secretsAreRecognisedByName() {
        assertThat(ConfigProperties.isSecret("aws.secret.access.key")).isTrue();
        assertThat(ConfigProperties.isSecret("aws.session.token")).isTrue();
        assertThat(ConfigProperties.isSecret("ssl.keystore.password")).isTrue();
        assertThat(ConfigProperties.isSecret("sasl.jaas.config")).isTrue();
        assertThat(ConfigProperties.isSecret("aws.access.key.id")).isFalse();
        assertThat(ConfigProperties.isSecret("bootstrap.servers")).isFalse();
    }
}
