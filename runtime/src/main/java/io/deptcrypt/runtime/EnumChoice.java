package io.deptcrypt.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The config spelling of an enum, as a {@link ConfigDef.Validator}: a value names one of the allowed constants, in
 * any case, with '-' allowed for '_' ({@code dead-letter} is {@code DEAD_LETTER}). The enum's constants are the one
 * source of the valid values, for the check and for the docs.
 */
public final class EnumChoice<E extends Enum<E>> implements ConfigDef.Validator {

    private final Class<E> type;
    private final List<E> allowed;

    private EnumChoice(Class<E> type, List<E> allowed) {
        this.type = type;
        this.allowed = List.copyOf(allowed);
    }

    /** Every constant of {@code type}. */
    public static <E extends Enum<E>> EnumChoice<E> of(Class<E> type) {
        return new EnumChoice<>(type, List.of(type.getEnumConstants()));
    }

    /** Only the constants given (e.g. an action one caller cannot take). */
    @SafeVarargs
    public static <E extends Enum<E>> EnumChoice<E> of(E first, E... more) {
        List<E> all = new ArrayList<>();
        all.add(first);
        all.addAll(List.of(more));
        return new EnumChoice<>(first.getDeclaringClass(), all);
    }

    /** The allowed constant {@code value} names, if any. */
    public Optional<E> find(String value) {
        String name = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        return allowed.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** The constant {@code value} names; for values that passed {@link #ensureValid}. */
    public E parse(String value) {
        return find(value).orElseThrow(() -> new IllegalArgumentException("'" + value + "' is not one of " + this));
    }

    /** The enum whose constants these are. */
    public Class<E> type() {
        return type;
    }

    @Override
    public void ensureValid(String name, Object value) {
        if (value == null) {
            return; // an optional key left unset (keys with a default never see null)
        }
        if (!(value instanceof String s) || find(s).isEmpty()) {
            throw new ConfigException(name, value, "must be one of " + this);
        }
    }

    @Override
    public String toString() {
        return String.join(", ", allowed.stream().map(Enum::name).toList()) + " (any case)";
    }
}
