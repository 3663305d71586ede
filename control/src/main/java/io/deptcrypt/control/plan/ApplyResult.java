package io.deptcrypt.control.plan;

import io.deptcrypt.control.live.LocalIam;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** What an apply did: the changes made (in order), notes, new principals' credentials and the published version. */
public final class ApplyResult {

    private final List<Change> applied = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private Map<String, LocalIam.Principal> principals;
    private OptionalLong published = OptionalLong.empty();
    private final Map<String, String> kafkaPasswords = new LinkedHashMap<>();

    void applied(Change c) {
        applied.add(c);
    }

    void note(String n) {
        notes.add(n);
    }

    void principals(Map<String, LocalIam.Principal> p) {
        principals = Map.copyOf(p);
    }

    void kafkaPasswords(Map<String, String> passwords) {
        kafkaPasswords.putAll(passwords);
    }

    /** New Kafka passwords this apply set, by user (= application). */
    public Map<String, String> kafkaPasswords() {
        return Map.copyOf(kafkaPasswords);
    }

    void published(long version) {
        published = OptionalLong.of(version);
    }

    public List<Change> applied() {
        return List.copyOf(applied);
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** Every principal localkms knows after the last principals sync of this apply, if there was one. */
    public Optional<Map<String, LocalIam.Principal>> principals() {
        return Optional.ofNullable(principals);
    }

    public OptionalLong publishedVersion() {
        return published;
    }
}
