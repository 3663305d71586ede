package io.deptcrypt.runtime;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;

/**
 * A {@link ConfigDef} as a Markdown table, one row per key in definition order: key, type, default, valid values
 * and doc, all taken from the definition. docs/configuration.md is made of these.
 */
public final class ConfigTable {

    private ConfigTable() {}

    /** The table; {@code keyPrefix} is shown before every key (for settings given with a prefix), or empty. */
    public static String markdown(ConfigDef def, String keyPrefix) {
        StringBuilder b = new StringBuilder("| key | type | default | valid values | description |\n|---|---|---|---|---|\n");
        for (ConfigDef.ConfigKey key : def.configKeys().values()) {
            b.append("| `").append(keyPrefix).append(key.name).append("` | ")
                    .append(key.type.name().toLowerCase(Locale.ROOT)).append(" | ")
                    .append(defaultText(key)).append(" | ")
                    .append(key.validator == null ? "" : cell(key.validator.toString())).append(" | ")
                    .append(cell(key.documentation)).append(" |\n");
        }
        return b.toString();
    }

    /** "required", "not set", or the default in code format. */
    static String defaultText(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "required";
        }
        Object d = key.defaultValue;
        if (d == null) {
            return "not set";
        }
        String s = d instanceof List<?> l ? l.stream().map(Object::toString).collect(Collectors.joining(",")) : d.toString();
        return "`" + s + "`";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
