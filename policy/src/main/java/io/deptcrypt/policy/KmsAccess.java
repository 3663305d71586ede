package io.deptcrypt.policy;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.Governance.Application;
import io.deptcrypt.policy.KeyRole.Decision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The KMS access matrix the governance file implies: every application × every governed key × every
 * {@link KmsAction}, as data. The same roles render the key policies ({@link KeyPolicyRenderer}); tests check the
 * rendered policies against this matrix by evaluating them, and the running localkms against it with each
 * application's own credentials. {@code governance plan} prints the cells a change flips.
 */
public final class KmsAccess {

    private final List<String> applications;
    private final List<GovernedKey> keys;
    /** application → key label → role */
    private final Map<String, Map<String, KeyRole>> roles;

    private KmsAccess(List<String> applications, List<GovernedKey> keys, Map<String, Map<String, KeyRole>> roles) {
        this.applications = List.copyOf(applications);
        this.keys = List.copyOf(keys);
        this.roles = roles;
    }

    public static KmsAccess of(Governance g) {
        List<GovernedKey> keys = GovernedKey.of(g);
        List<String> apps = g.applications().stream().map(Application::name).toList();
        Map<String, Map<String, KeyRole>> roles = new LinkedHashMap<>();
        for (String app : apps) {
            Map<String, KeyRole> row = new LinkedHashMap<>();
            for (GovernedKey k : keys) {
                row.put(k.label(), k.roleOf(g, app));
            }
            roles.put(app, Map.copyOf(row));
        }
        return new KmsAccess(apps, keys, Map.copyOf(roles));
    }

    public List<String> applications() {
        return applications;
    }

    public List<GovernedKey> keys() {
        return keys;
    }

    public Optional<GovernedKey> key(String label) {
        return keys.stream().filter(k -> k.label().equals(label)).findFirst();
    }

    /** The role of {@code application} on the key labelled {@code keyLabel}; NONE for unknown ones. */
    public KeyRole role(String application, String keyLabel) {
        Map<String, KeyRole> row = roles.get(application);
        return row == null ? KeyRole.NONE : row.getOrDefault(keyLabel, KeyRole.NONE);
    }

    public Decision decision(String application, String keyLabel, KmsAction action) {
        return role(application, keyLabel).decision(action);
    }

    /** Every cell, application by application, key by key, action by action. */
    public List<Cell> cells() {
        List<Cell> cells = new ArrayList<>();
        for (String app : applications) {
            for (GovernedKey k : keys) {
                for (KmsAction a : KmsAction.values()) {
                    cells.add(new Cell(app, k.label(), a, decision(app, k.label(), a)));
                }
            }
        }
        return cells;
    }

    /**
     * The cells that differ from {@code next}, including those of applications and keys only one side has (absent
     * means DENY), in {@code next}'s order then this one's.
     */
    public List<Change> changesTo(KmsAccess next) {
        List<String> apps = new ArrayList<>(next.applications);
        applications.stream().filter(a -> !apps.contains(a)).forEach(apps::add);
        List<String> labels = new ArrayList<>(next.keys.stream().map(GovernedKey::label).toList());
        keys.stream().map(GovernedKey::label).filter(l -> !labels.contains(l)).forEach(labels::add);
        List<Change> changes = new ArrayList<>();
        for (String app : apps) {
            for (String label : labels) {
                for (KmsAction a : KmsAction.values()) {
                    Decision before = decision(app, label, a);
                    Decision after = next.decision(app, label, a);
                    if (before != after) {
                        changes.add(new Change(app, label, a, before, after));
                    }
                }
            }
        }
        return changes;
    }

    /** One markdown table per key: a row per application, a column per action. */
    public String markdownTable() {
        StringBuilder b = new StringBuilder();
        for (GovernedKey k : keys) {
            b.append("**").append(k.label()).append("** (`").append(k.arn()).append("`, context department=")
                    .append(k.contextValue()).append(")\n\n| application |");
            StringBuilder rule = new StringBuilder("|---|");
            for (KmsAction a : KmsAction.values()) {
                b.append(' ').append(a.operation()).append(" |");
                rule.append(":-:|");
            }
            b.append('\n').append(rule).append('\n');
            for (String app : applications) {
                b.append("| ").append(app).append(" |");
                for (KmsAction a : KmsAction.values()) {
                    b.append(' ').append(decision(app, k.label(), a).symbol()).append(" |");
                }
                b.append('\n');
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** One cell of the matrix. */
    public record Cell(String application, String keyLabel, KmsAction action, Decision decision) {
        public Cell {
            Objects.requireNonNull(application);
            Objects.requireNonNull(keyLabel);
            Objects.requireNonNull(action);
            Objects.requireNonNull(decision);
        }
    }

    /** A cell a governance change flips. */
    public record Change(String application, String keyLabel, KmsAction action, Decision before, Decision after) {
        /** e.g. {@code + finance-analytics  Decrypt on finance (department context only)}. */
        public String describe() {
            String sign = after == Decision.DENY ? "-" : before == Decision.DENY ? "+" : "~";
            String cond = (after == Decision.DENY ? before : after) == Decision.ALLOW_WITH_DEPARTMENT_CONTEXT
                    ? " (department context only)" : "";
            return sign + " " + application + "  kms:" + action.operation() + " on " + keyLabel + cond;
        }
    }
}
