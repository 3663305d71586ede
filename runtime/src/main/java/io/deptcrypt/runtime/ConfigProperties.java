package io.deptcrypt.runtime;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceException;
import io.deptcrypt.governance.GovernanceLoader;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code .properties} file read once at the edge of an app. Values may reference the environment as
 * {@code ${NAME}} (an unset variable is an error) or {@code ${NAME:-fallback}}; an empty value counts as absent.
 * Typed getters fail with an {@link InvalidConfigException} naming the source and the key. Every key read is
 * remembered so that {@link #rejectUnknown()} can refuse misspelt keys.
 *
 * <p>Error messages never repeat the value of a key whose name mentions a secret.
 */
public final class ConfigProperties {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final String source;
    private final Path baseDir;
    private final Map<String, String> values;
    private final Set<String> read = new HashSet<>();

    private ConfigProperties(String source, Path baseDir, Map<String, String> values) {
        this.source = source;
        this.baseDir = baseDir;
        this.values = values;
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
        Path dir = file.toAbsolutePath().getParent();
        return of(raw, file.toString(), dir, env);
    }

    /**
     * Wraps an in-memory map (for embedding). {@code baseDir} resolves relative paths (null: the working directory);
     * {@code env} resolves {@code ${NAME}} references (null: references are an error).
     */
    public static ConfigProperties of(Map<String, String> raw, String source, Path baseDir, Function<String, String> env) {
        Map<String, String> expanded = new TreeMap<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            String key = e.getKey().trim();
            expanded.put(key, expand(source, key, e.getValue() == null ? "" : e.getValue().trim(), env));
        }
        return new ConfigProperties(source, baseDir, expanded);
    }

    private static String expand(String source, String key, String value, Function<String, String> env) {
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
                throw new InvalidConfigException(source + ": " + key + ": '${" + ref + "}' is not a valid environment"
                        + " reference (use ${NAME} or ${NAME:-fallback}, NAME of letters, digits and '_')");
            }
            String v = env == null ? null : env.apply(name);
            if (v == null) {
                if (sep < 0) {
                    throw new InvalidConfigException(source + ": " + key + ": environment variable " + name
                            + " is not set" + (env == null ? " (no environment given)" : ""));
                }
                v = ref.substring(sep + 2);
            }
            out.append(v);
            last = m.end();
        }
        if (value.indexOf("${", last) >= 0) {
            throw new InvalidConfigException(source + ": " + key + ": unterminated '${' in value");
        }
        out.append(value, last, value.length());
        return out.toString().trim();
    }

    public String source() {
        return source;
    }

    public InvalidConfigException error(String key, String message) {
        return new InvalidConfigException(source + ": " + key + ": " + message);
    }

    /** The value, or empty when the key is absent or blank. */
    public Optional<String> optional(String key) {
        read.add(key);
        String v = values.get(key);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    public String required(String key) {
        return optional(key).orElseThrow(() -> error(key, "is missing"));
    }

    public String string(String key, String fallback) {
        return optional(key).orElse(fallback);
    }

    public long longValue(String key, long fallback, long min, long max) {
        Optional<String> v = optional(key);
        if (v.isEmpty()) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(v.get().replace("_", ""));
        } catch (NumberFormatException e) {
            throw error(key, shown(key, v.get()) + " is not a whole number");
        }
        if (n < min || n > max) {
            throw error(key, n + " is out of range (" + min + ".." + max + ")");
        }
        return n;
    }

    public int intValue(String key, int fallback, int min, int max) {
        return (int) longValue(key, fallback, min, max);
    }

    public boolean boolValue(String key, boolean fallback) {
        Optional<String> v = optional(key);
        if (v.isEmpty()) {
            return fallback;
        }
        return switch (v.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error(key, shown(key, v.get()) + " must be true or false");
        };
    }

    public <E extends Enum<E>> E enumValue(String key, Class<E> type, E fallback) {
        Optional<String> v = optional(key);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            return Enum.valueOf(type, v.get().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw error(key, shown(key, v.get()) + " must be one of " + Arrays.toString(type.getEnumConstants()));
        }
    }

    /** An absolute http(s) URI. */
    public Optional<URI> httpUri(String key) {
        Optional<String> v = optional(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(v.get());
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw error(key, "'" + v.get() + "' must be an http:// or https:// URL with a host");
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            throw error(key, "'" + v.get() + "' is not a URL: " + e.getReason());
        }
    }

    /** A path; relative paths resolve against the config file's directory. */
    public Path path(String key) {
        Path p = Path.of(required(key));
        return p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p).normalize();
    }

    /** Loads and validates the governance file named by {@code key}; its errors are reported under that key. */
    public Governance governance(String key) {
        Path file = path(key);
        try {
            return GovernanceLoader.load(file);
        } catch (GovernanceException e) {
            throw error(key, e.getMessage());
        }
    }

    /** Every key starting with {@code prefix}, with the prefix removed. Marks them read. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length()) {
                read.add(k);
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** Fails naming the unknown keys (the ones no getter asked for). */
    public void rejectUnknown() {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            throw new InvalidConfigException(source + ": " + String.join(", ", unknown) + ": unknown key"
                    + (unknown.size() > 1 ? "s" : "") + " (misspelt? known keys: " + new TreeSet<>(read) + ")");
        }
    }

    private static String shown(String key, String value) {
        return isSecret(key) ? "the value" : "'" + value + "'";
    }

    static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("secret") || k.contains("password") || k.contains("token") || k.contains("sasl.jaas");
    }
}
