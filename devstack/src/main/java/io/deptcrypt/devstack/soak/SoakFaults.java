package io.deptcrypt.devstack.soak;

import io.deptcrypt.devstack.StackConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** The fault kinds by name, and {@code --faults} parsed against a stack's configuration. */
public final class SoakFaults {

    /** Every fault kind, in the order the default schedule cycles through them. A new kind is one line here. */
    private static final Map<String, Supplier<SoakFault>> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put(SoakBrokerFault.NAME, SoakBrokerFault::new);
        KINDS.put(SoakKmsFault.NAME, SoakKmsFault::new);
        KINDS.put(SoakEncryptorFault.NAME, SoakEncryptorFault::new);
    }

    public static final String NONE = "none";

    private SoakFaults() {}

    /**
     * @param spec comma-separated fault names, {@value #NONE}, or null for the default: every kind this stack supports
     * @throws IllegalArgumentException naming the unknown, repeated or unsupported fault
     */
    public static List<SoakFault> parse(String spec, StackConfig cfg) {
        if (spec == null) {
            List<SoakFault> all = new ArrayList<>();
            KINDS.values().forEach(k -> {
                SoakFault f = k.get();
                if (f.unsupportedOn(cfg).isEmpty()) {
                    all.add(f);
                }
            });
            return all;
        }
        String trimmed = spec.trim();
        if (trimmed.equals(NONE)) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (String part : trimmed.split(",", -1)) {
            String name = part.trim();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("--faults '" + spec + "' has an empty name; " + choices());
            }
            if (name.equals(NONE)) {
                throw new IllegalArgumentException("--faults: '" + NONE + "' cannot be combined with other faults");
            }
            if (!KINDS.containsKey(name)) {
                throw new IllegalArgumentException("--faults: unknown fault '" + name + "'; " + choices());
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("--faults: '" + name + "' is named twice");
            }
        }
        List<SoakFault> out = new ArrayList<>();
        for (String name : names) {
            SoakFault f = KINDS.get(name).get();
            Optional<String> why = f.unsupportedOn(cfg);
            if (why.isPresent()) {
                throw new IllegalArgumentException("--faults: '" + name + "' " + why.get());
            }
            out.add(f);
        }
        return out;
    }

    private static String choices() {
        return "choose from " + String.join(", ", KINDS.keySet()) + " (comma-separated) or " + NONE;
    }
}
