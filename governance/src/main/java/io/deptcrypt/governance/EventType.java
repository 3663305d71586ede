package io.deptcrypt.governance;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A kind of event read by several departments (docs/event-types.md): an event naming this type in its type field is
 * sealed once, its data key wrapped for every audience; the JSON fields of {@link #fields} are sealed apart, for
 * their subset of the audiences only. Immutable; validated by {@link GovernanceLoader}.
 *
 * @param name      the type's name, as events carry it
 * @param audiences the departments that read the event, sorted and unique
 * @param fields    field rules in file order: a JSON Pointer into the event's data and the audiences that may read
 *                  its value (a proper subset of {@link #audiences})
 */
public record EventType(String name, SortedSet<String> audiences, List<FieldRule> fields) {

    /** A record has at most 16 parts (AES_GCM_V2): the rest of the event, and at most 15 field groups. */
    public static final int MAX_FIELD_GROUPS = 15;
    /** A data key is wrapped for at most this many audiences (one wrapped key each). */
    public static final int MAX_AUDIENCES = 16;
    /** A pointer is written into the record with a one-byte length. */
    public static final int MAX_POINTER_BYTES = 255;

    public EventType {
        audiences = sorted(audiences);
        fields = List.copyOf(fields);
    }

    /** Whom this field's value is for. */
    public record FieldRule(String pointer, SortedSet<String> audiences) {
        public FieldRule {
            audiences = sorted(audiences);
        }
    }

    /**
     * The field groups: the field rules grouped by audience set, in order of their set's first rule. Fields of one
     * group are sealed together, under the data key of their audience set.
     */
    public List<FieldGroup> fieldGroups() {
        Map<SortedSet<String>, List<String>> groups = new LinkedHashMap<>();
        for (FieldRule f : fields) {
            groups.computeIfAbsent(f.audiences(), a -> new ArrayList<>()).add(f.pointer());
        }
        List<FieldGroup> out = new ArrayList<>();
        groups.forEach((a, p) -> out.add(new FieldGroup(a, p)));
        return List.copyOf(out);
    }

    /** The pointers of one audience set, in file order. */
    public record FieldGroup(SortedSet<String> audiences, List<String> pointers) {
        public FieldGroup {
            audiences = sorted(audiences);
            pointers = List.copyOf(pointers);
        }
    }

    public Optional<FieldRule> rule(String pointer) {
        return fields.stream().filter(f -> f.pointer().equals(pointer)).findFirst();
    }

    private static SortedSet<String> sorted(SortedSet<String> s) {
        return Collections.unmodifiableSortedSet(new TreeSet<>(s));
    }
}
