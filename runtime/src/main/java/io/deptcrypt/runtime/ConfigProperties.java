package io.deptcrypt.runtime;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The raw settings of an app, read once at its edge from a {@code .properties} file or a map: keys and values
 * trimmed, environment references {@code ${NAME}} (an unset variable is a problem) and {@code ${NAME:-fallback}}
 * expanded. An empty value counts as not set. A reference that cannot be expanded is remembered as a problem of its
 * key, reported by {@link ConfigCheck} together with every other problem of the file.
 *
 * <p>Problem messages never repeat the value of a key whose name mentions a secret ({@link #isSecret}).
 */
public final class ConfigProperties {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final String source;
    private final Path baseDir;
    private final Map<String, String> values;
    private final Map<String, String> problems;

    private ConfigProperties(String source, Path baseDir, Map<String, String> values, Map<String, String> problems) {
        this.source = source;
        this.baseDir = baseDir;
        this.values = Collections.unmodifiableMap(values);
        this.problems = Collections.unmodifiableMap(problems);
    }

    /** Reads {@code file}; relative paths inside it resolve against the file's directory. */
    public static ConfigProperties load(Path file, Function<String, String> env) {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(r);
        } catch (NoSuchFileException e) {
            throw new InvalidConfigException(file + ": file not found");
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        Map<String, String> raw = new LinkedHashMap<>();
        props.stringPropertyNames().forEach(k -> raw.put(k, props.getProperty(k)));
        return of(raw, file.toString(), file.toAbsolutePath().getParent(), env);
    }

    /**
     * Wraps an in-memory map (for embedding). {@code baseDir} resolves relative paths (null: the working directory);
     * {@code env} resolves {@code ${NAME}} references (null: a reference without fallback is a problem).
     */
    public static ConfigProperties of(Map<String, String> raw, String source, Path baseDir, Function<String, String> env) {
        Map<String, String> values = new TreeMap<>();
        Map<String, String> problems = new TreeMap<>();
        raw.forEach((k, v) -> {
            String key = k.trim();
            try {
                values.put(key, expand(key, v == null ? "" : v.trim(), env));
            } catch (IllegalArgumentException e) {
                values.put(key, "");
                problems.put(key, e.getMessage());
            }
        });
        return new ConfigProperties(source, baseDir, values, problems);
    }

    private static String expand(String key, String value, Function<String, String> env) {
        if (!value.contains("${")) {
            return value;
        }
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        int last = 0;
        while (m.find()) {
            out.append(value, last, m.start());
            String ref = m.group(1);
            int sep = ref.indexOf(":-");
            String name = sep < 0 ? ref : ref.substring(0, sep);
            if (!ENV_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException((isSecret(key) ? "the value" : "'${" + ref + "}'")
                        + " is not a valid environment reference (use ${NAME} or ${NAME:-fallback}, NAME of letters,"
                        + " digits and '_')");
            }
            String v = env == null ? null : env.apply(name);
            if (v == null) {
                if (sep < 0) {
                    throw new IllegalArgumentException("environment variable " + name + " is not set"
                            + (env == null ? " (no environment given)" : ""));
                }
                v = ref.substring(sep + 2);
            }
            out.append(v);
            last = m.end();
        }
        if (value.indexOf("${", last) >= 0) {
            throw new IllegalArgumentException("unterminated '${' in value");
        }
        out.append(value, last, value.length());
        return out.toString().trim();
    }

    /** Names the file or other origin in messages. */
    public String source() {
        return source;
    }

    /** Every key given, whether its value is set, empty or could not be expanded. */
    public Set<String> keys() {
        return values.keySet();
    }

    /** The expanded value; empty when the key is absent, its value is empty, or it could not be expanded. */
    public Optional<String> value(String key) {
        String v = values.get(key);
        return v == null || v.isEmpty() || problems.containsKey(key) ? Optional.empty() : Optional.of(v);
    }

    /** Keys whose value could not be expanded, with why. */
    public Map<String, String> problems() {
        return problems;
    }

    /** {@code path} as given when absolute, else resolved against the config file's directory. */
    public Path resolve(String path) {
        Path p = Path.of(path);
        return p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p).normalize();
    }

    /** Whether a key's value must never be shown: its name mentions a secret, password, token or JAAS config. */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("secret") || k.contains("password") || k.contains("token") || k.contains("sasl.jaas");
    }
}
