package io.deptcrypt.runtime;

import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * A {@link ConfigDef.Validator} for text that must match a pattern. Accepts no value at all (an optional key that is
 * not set); a required key says so with {@code ConfigDef.NO_DEFAULT_VALUE}. Its description is what errors and the
 * docs show.
 */
public final class TextPattern implements ConfigDef.Validator {

    /** Kafka's legal topic names (see {@code org.apache.kafka.common.internals.Topic}). */
    public static final TextPattern TOPIC_NAME = new TextPattern("[a-zA-Z0-9._-]{1,249}",
            "a Kafka topic name (1-249 of [a-zA-Z0-9._-])");

    private final Pattern pattern;
    private final String description;

    public TextPattern(String regex, String description) {
        this.pattern = Pattern.compile(regex);
        this.description = description;
    }

    @Override
    public void ensureValid(String name, Object value) {
        if (value != null && !pattern.matcher(value.toString()).matches()) {
            throw new ConfigException(name, value, "must be " + description);
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
