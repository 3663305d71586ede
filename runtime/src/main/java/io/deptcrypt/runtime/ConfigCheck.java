package io.deptcrypt.runtime;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceException;
import io.deptcrypt.governance.GovernanceLoader;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;

/**
 * An app's {@link ConfigProperties} checked against its {@link ConfigDef}: the parsed value of every key that
 * passed, and every problem found, both per key (Kafka's parse and the key's validator, through
 * {@link ConfigDef#validateAll}) and across keys (the app's own rules, added with {@link #problem}). Keys that are
 * neither defined nor claimed as passthrough ({@link #claimPrefix}) are unknown. {@link #throwIfInvalid()} reports
 * everything at once: a file with three bad keys gives one error naming the three.
 *
 * <p>Typed getters read keys whose value parsed ({@link #usable}); a cross-key rule checks that first and adds
 * nothing when an input is already reported. Problem messages never show the value of a PASSWORD key or of a key
 * {@link ConfigProperties#isSecret} names.
 */
public final class ConfigCheck {

    private static final String INVALID_VALUE = "Invalid value ";
    private static final String MISSING = "Missing required configuration ";

    private final ConfigDef def;
    private final ConfigProperties properties;
    private final Map<String, Object> values = new HashMap<>();
    private final Set<String> unparsed = new HashSet<>();
    private final List<String> problems = new ArrayList<>();
    private final Set<String> claimed = new HashSet<>();
    private final Set<String> claimedPrefixes = new TreeSet<>();

    private ConfigCheck(ConfigDef def, ConfigProperties properties) {
        this.def = def;
        this.properties = properties;
    }

    /** Parses and validates every key {@code def} defines; problems are collected, not thrown. */
    public static ConfigCheck of(ConfigDef def, ConfigProperties properties) {
        ConfigCheck check = new ConfigCheck(def, properties);
        Map<String, String> given = new HashMap<>();
        for (String key : def.names()) {
            properties.value(key).ifPresent(v -> given.put(key, v));
        }
        Map<String, ConfigValue> results = def.validateAll(given);
        for (ConfigDef.ConfigKey key : def.configKeys().values()) {
            String expansion = properties.problems().get(key.name);
            List<String> errors = results.get(key.name).errorMessages();
            if (expansion != null || !errors.isEmpty()) {
                check.unparsed.add(key.name);
                // The first message is the one to fix; Kafka adds "must be non-null" after a failed parse.
                check.problem(key.name, expansion != null ? expansion : readable(key, errors.get(0)));
            } else {
                check.values.put(key.name, results.get(key.name).value());
            }
        }
        return check;
    }

    /** Kafka's "Invalid value V for configuration K: why" as "invalid value 'V': why", without V for secrets. */
    private static String readable(ConfigDef.ConfigKey key, String message) {
        if (message.startsWith(MISSING)) {
            return "is missing";
        }
        boolean secret = key.type == ConfigDef.Type.PASSWORD || ConfigProperties.isSecret(key.name);
        String infix = " for configuration " + key.name;
        int at = message.indexOf(infix);
        if (!message.startsWith(INVALID_VALUE) || at < INVALID_VALUE.length()) {
            return secret ? "invalid value" : message;
        }
        String why = message.substring(at + infix.length()).replaceFirst("^: ", "");
        String shown = secret ? "invalid value" : "invalid value '" + message.substring(INVALID_VALUE.length(), at) + "'";
        return why.isEmpty() ? shown : shown + ": " + why;
    }

    /** Names the file or other origin in messages. */
    public String source() {
        return properties.source();
    }

    /** Whether {@code key} was given a value (not just defaulted). */
    public boolean isSet(String key) {
        return properties.value(key).isPresent();
    }

    /** Whether every one of {@code keys} parsed, so its value can be read (whatever a cross-key rule said of it). */
    public boolean usable(String... keys) {
        for (String key : keys) {
            if (unparsed.contains(key)) {
                return false;
            }
        }
        return true;
    }

    /** Records a problem of {@code key}; {@code message} says what is wrong (without a secret's value). */
    public void problem(String key, String message) {
        problems.add(key + ": " + message);
    }

    /** Every problem so far, unknown keys included; each {@code key: what is wrong}. */
    public List<String> problems() {
        List<String> all = new ArrayList<>(problems);
        unknownKeys().forEach(k -> all.add(k + ": unknown key"));
        return all;
    }

    /** Fails with every problem found, if there is any. */
    public void throwIfInvalid() {
        List<String> all = problems();
        if (all.isEmpty()) {
            return;
        }
        String hint = "";
        if (!unknownKeys().isEmpty()) {
            hint = "misspelt? known keys: " + String.join(", ", new TreeSet<>(def.names()))
                    + (claimedPrefixes.isEmpty() ? "" : "; Kafka settings go under " + String.join(", ", claimedPrefixes));
        }
        throw new InvalidConfigException(source(), all, hint);
    }

    private Set<String> unknownKeys() {
        Set<String> unknown = new TreeSet<>(properties.keys());
        unknown.removeAll(def.names());
        unknown.removeAll(claimed);
        return unknown;
    }

    /**
     * The keys that start with {@code prefix} (and are not defined here), with the prefix removed; they count as
     * known. Keys whose value is empty are left out, those that could not be expanded are reported.
     */
    public Map<String, String> claimPrefix(String prefix) {
        claimedPrefixes.add(prefix + "*");
        Map<String, String> out = new TreeMap<>();
        for (String key : properties.keys()) {
            if (key.startsWith(prefix) && key.length() > prefix.length() && !def.names().contains(key)) {
                claimed.add(key);
                String expansion = properties.problems().get(key);
                if (expansion != null) {
                    problem(key, expansion);
                } else {
                    properties.value(key).ifPresent(v -> out.put(key.substring(prefix.length()), v));
                }
            }
        }
        return out;
    }

    private Object value(String key) {
        if (!def.names().contains(key)) {
            throw new IllegalArgumentException("'" + key + "' is not a defined key");
        }
        if (unparsed.contains(key)) {
            throw new IllegalStateException(key + " did not parse; check usable(...) before reading it");
        }
        return values.get(key);
    }

    public int getInt(String key) {
        return (Integer) value(key);
    }

    public long getLong(String key) {
        return (Long) value(key);
    }

    public boolean getBoolean(String key) {
        return (Boolean) value(key);
    }

    /** A STRING key that is required or has a default. */
    public String getString(String key) {
        return (String) value(key);
    }

    /** A STRING or PASSWORD key without a default: its value if set. */
    public Optional<String> getOptional(String key) {
        Object v = value(key);
        return Optional.ofNullable(v instanceof Password p ? p.value() : (String) v);
    }

    /** A key defined with an {@link EnumChoice} of {@code type}. */
    public <E extends Enum<E>> E getEnum(String key, Class<E> type) {
        ConfigDef.Validator validator = def.configKeys().get(key).validator;
        if (!(validator instanceof EnumChoice<?> choice) || choice.type() != type) {
            throw new IllegalArgumentException(key + " is not defined with an EnumChoice of " + type.getSimpleName());
        }
        return type.cast(choice.parse(getString(key)));
    }

    /** A path key, resolved against the config file's directory when relative. */
    public Path getPath(String key) {
        return properties.resolve(getString(key));
    }

    /** An optional key defined with {@link HttpUrl}. */
    public Optional<URI> getUrl(String key) {
        return getOptional(key).map(URI::create);
    }

    /** Loads the governance file named by {@code key}; if it is invalid, records why under that key. */
    public Optional<Governance> governance(String key) {
        if (!usable(key)) {
            return Optional.empty();
        }
        try {
            return Optional.of(GovernanceLoader.load(getPath(key)));
        } catch (GovernanceException e) {
            problem(key, e.getMessage());
            return Optional.empty();
        }
    }
}
