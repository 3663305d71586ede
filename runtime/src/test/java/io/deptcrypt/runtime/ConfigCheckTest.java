package io.deptcrypt.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ConfigCheckTest {

    enum Colour { RED, DARK_BLUE }

    /** Refuses every value given: for checking that what a validator saw is not shown for secrets. */
    static final ConfigDef.Validator REFUSE = ConfigDef.LambdaValidator.with((name, value) -> {
        if (value != null) {
            throw new ConfigException(name, value, "too weak");
        }
    }, () -> "strong");

    static final ConfigDef DEF = new ConfigDef()
            .define("name", Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH, "a name")
            .define("count", Type.INT, 3, Range.between(1, 10), Importance.LOW, "a count")
            .define("flag", Type.BOOLEAN, false, Importance.LOW, "a flag")
            .define("colour", Type.STRING, "RED", EnumChoice.of(Colour.class), Importance.LOW, "a colour")
            .define("topic", Type.STRING, null, TextPattern.TOPIC_NAME, Importance.LOW, "a topic")
            .define("url", Type.STRING, null, new HttpUrl(), Importance.LOW, "a url")
            .define("path", Type.STRING, "data/file", Importance.LOW, "a path")
            .define("password", Type.PASSWORD, null, REFUSE, Importance.LOW, "a password")
            .define("my.secret", Type.STRING, null, REFUSE, Importance.LOW, "a secret by name");

    static ConfigCheck check(Map<String, String> raw) {
        return ConfigCheck.of(DEF, ConfigProperties.of(raw, "app.properties", Path.of("/etc/app"), Map.of("X", "5")::get));
    }

    @Test
    void validValuesParseToTheirTypesAndDefaultsFillTheRest() {
        ConfigCheck c = check(Map.of("name", "n", "count", "${X}", "colour", "dark-blue", "url", "http://h:1",
                "topic", "t.1"));
        c.throwIfInvalid();
        assertThat(c.getString("name")).isEqualTo("n");
        assertThat(c.getInt("count")).isEqualTo(5);
        assertThat(c.isSet("count")).isTrue();
        assertThat(c.getBoolean("flag")).isFalse();
        assertThat(c.isSet("flag")).isFalse();
        assertThat(c.getEnum("colour", Colour.class)).isEqualTo(Colour.DARK_BLUE);
        assertThat(c.getOptional("topic")).contains("t.1");
        assertThat(c.getOptional("password")).isEmpty();
        assertThat(c.getUrl("url").orElseThrow().getPort()).isEqualTo(1);
        assertThat(c.getPath("path")).isEqualTo(Path.of("/etc/app/data/file"));
        assertThat(c.problems()).isEmpty();
    }

    @Test
    void everyProblemIsReportedTogetherInOneException() {
        ConfigCheck c = check(Map.of("count", "11", "flag", "maybe", "colour", "green", "topic", "a b", "url", "ftp://x",
                "extra", "1", "extra.two", ""));
        c.problem("flag", "a rule across keys");
        assertThat(c.usable("count")).isFalse();
        assertThat(c.usable("colour", "path")).isFalse();
        assertThat(c.usable("path")).isTrue();
        assertThatThrownBy(() -> c.getInt("count")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::throwIfInvalid)
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("app.properties: 9 problems:\n  name: is missing\n")
                .hasMessageEndingWith("(misspelt? known keys: colour, count, flag, my.secret, name, password, path, topic, url)")
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems()).containsExactly(
                        "name: is missing",
                        "count: invalid value '11': Value must be no more than 10",
                        "flag: invalid value 'maybe': Expected value to be either true or false",
                        "colour: invalid value 'green': must be one of RED, DARK_BLUE (any case)",
                        "topic: invalid value 'a b': must be a Kafka topic name (1-249 of [a-zA-Z0-9._-])",
                        "url: invalid value 'ftp://x': must be an http:// or https:// URL with a host",
                        "flag: a rule across keys",
                        "extra: unknown key",
                        "extra.two: unknown key"));
    }

    @Test
    void oneProblemIsOneLineNamingTheSourceAndTheKey() {
        assertThatThrownBy(() -> check(Map.of()).throwIfInvalid()).hasMessage("app.properties: name: is missing");
    }

    @Test
    void anUnexpandableValueIsReportedInsteadOfWhatKafkaWouldSayOfIt() {
        ConfigCheck c = check(Map.of("name", "${NOPE}", "count", "${NOPE}"));
        assertThat(c.problems()).containsExactly("name: environment variable NOPE is not set",
                "count: environment variable NOPE is not set");
    }

    @Test
    void secretValuesAreNeverShown() {
        ConfigCheck c = check(Map.of("name", "n", "password", "hunter2", "my.secret", "s3cr3t"));
        assertThat(c.problems()).containsExactly("password: invalid value: too weak", "my.secret: invalid value: too weak");
    }

    @Test
    void claimedPrefixesAreKnownAndNamedInTheHint() {
        ConfigCheck c = check(Map.of("name", "n", "kafka.acks", "all", "kafka.empty", "", "kafka.bad", "${NOPE}", "kafkaesque", "x"));
        assertThat(c.claimPrefix("kafka.")).containsExactly(Map.entry("acks", "all"));
        assertThatThrownBy(c::throwIfInvalid).satisfies(e -> assertThat(((InvalidConfigException) e).problems())
                        .containsExactly("kafka.bad: environment variable NOPE is not set", "kafkaesque: unknown key"))
                .hasMessageContaining("Kafka settings go under kafka.*");
    }

    @Test
    void getEnumNeedsTheKeysOwnChoice() {
        ConfigCheck c = check(Map.of("name", "n"));
        assertThatThrownBy(() -> c.getEnum("name", Colour.class)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.getString("undefined")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEnumChoiceAcceptsAnyCaseAndDashesAndCanBeASubset() {
        EnumChoice<Colour> all = EnumChoice.of(Colour.class);
        assertThat(all.find(" dark-Blue ")).contains(Colour.DARK_BLUE);
        assertThat(all.find("DARKBLUE")).isEmpty();
        assertThat(all).hasToString("RED, DARK_BLUE (any case)");
        EnumChoice<Colour> red = EnumChoice.of(Colour.RED);
        assertThat(red.find("dark_blue")).isEmpty();
        assertThatThrownBy(() -> red.ensureValid("colour", "dark_blue")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("must be one of RED (any case)");
        red.ensureValid("colour", null); // an optional key left unset
        assertThatThrownBy(() -> red.ensureValid("colour", 3)).isInstanceOf(ConfigException.class);
    }
}
