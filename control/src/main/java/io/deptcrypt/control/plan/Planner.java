package io.deptcrypt.control.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deptcrypt.control.live.KafkaLive;
import io.deptcrypt.control.live.LiveKey;
import io.deptcrypt.control.live.LiveState;
import io.deptcrypt.control.live.LocalIam;
import io.deptcrypt.governance.AppliedGovernance;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.Governance.Application;
import io.deptcrypt.governance.KmsArn;
import io.deptcrypt.iac.IacRenderer;
import io.deptcrypt.iac.RenderSettings;
import io.deptcrypt.policy.GovernedKey;
import io.deptcrypt.policy.KafkaAccess;
import io.deptcrypt.policy.KafkaNames;
import io.deptcrypt.policy.KafkaPermission;
import io.deptcrypt.policy.KeyPolicyRenderer;
import io.deptcrypt.policy.KmsAccess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Compares the desired governance with what is live and lists what apply must change. Pure: reads nothing itself. */
public final class Planner {

    /**
     * @param policyOptions     how key policies are rendered for this target
     * @param pendingWindowDays the deletion window of a retired department's key (KMS allows 7-30)
     * @param localIam          whether the target has localkms's stand-in for IAM (the local stack)
     * @param iacDir            the checked-in AWS rendering to compare with, if any
     * @param kafka             the names the Kafka ACLs use, when apply administers the broker's ACLs and SCRAM users
     *                          (the local stack); empty where Kafka access comes from MSK IAM policies
     * @param knownKafkaPasswords users whose current password the caller holds (the others get a new one)
     */
    public record Settings(KeyPolicyRenderer.Options policyOptions, int pendingWindowDays, boolean localIam,
                           Optional<Path> iacDir, Optional<KafkaNames> kafka, Set<String> knownKafkaPasswords) {

        /** Without Kafka administration. */
        public Settings(KeyPolicyRenderer.Options policyOptions, int pendingWindowDays, boolean localIam,
                        Optional<Path> iacDir) {
            this(policyOptions, pendingWindowDays, localIam, iacDir, Optional.empty(), Set.of());
        }

        public Settings {
            knownKafkaPasswords = Set.copyOf(knownKafkaPasswords);
            if (pendingWindowDays < 7 || pendingWindowDays > 30) {
                throw new IllegalArgumentException("the pending window must be 7 to 30 days (KMS's range), was "
                        + pendingWindowDays);
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private Planner() {}

    public static Plan plan(Governance desired, String desiredText, LiveState live, Settings s) {
        Optional<Governance> previous = live.appliedGovernance();
        long fromVersion = live.applied().map(AppliedGovernance::version).orElse(0L);
        List<String> problems = new ArrayList<>();
        List<Change> changes = new ArrayList<>();

        if (s.localIam()) {
            principals(desired, previous).ifPresent(changes::add);
        }
        KafkaPlan kafka = s.kafka().isPresent() && live.kafka().isPresent()
                ? kafkaPlan(desired, previous.map(Planner::names).orElse(List.of()), live.kafka().get(), s.kafka().get(),
                        s.knownKafkaPasswords())
                : KafkaPlan.NONE;
        if (!kafka.create.isEmpty() || !kafka.rotate.isEmpty()) {
            changes.add(new Change.SyncKafkaUsers(kafka.create, kafka.rotate, List.of()));
        }
        if (!kafka.grant.isEmpty()) {
            changes.add(new Change.GrantKafka(kafka.grant));
        }
        for (GovernedKey key : GovernedKey.of(desired)) {
            String policy = KeyPolicyRenderer.json(desired, key, s.policyOptions());
            Optional<LiveKey> k = live.key(key.label());
            if (k.isEmpty()) {
                if (key.arn().type() == KmsArn.Type.KEY) {
                    problems.add(key.label() + ": KMS has no key " + key.arn() + " and apply cannot create a key with a"
                            + " chosen id; create it, or name an alias ARN in the governance file");
                } else {
                    changes.add(new Change.CreateKey(key, policy));
                }
                continue;
            }
            LiveKey lk = k.get();
            if (lk.pendingDeletion() || !lk.enabled()) {
                changes.add(new Change.RestoreKey(key, lk.keyArn(), lk.pendingDeletion()));
            }
            if (!sameJson(lk.policy(), policy)) {
                List<KmsAccess.Change> access = previous.map(p -> KmsAccess.of(p).changesTo(KmsAccess.of(desired)))
                        .orElse(List.of()).stream().filter(c -> c.keyLabel().equals(key.label())).toList();
                boolean drifted = previous.isPresent() && previous.get().departmentNames().contains(key.label())
                        && !sameJson(lk.policy(), KeyPolicyRenderer.json(previous.get(),
                                GovernedKey.of(previous.get()).stream().filter(p -> p.label().equals(key.label()))
                                        .findFirst().orElseThrow(), s.policyOptions()));
                changes.add(new Change.PutKeyPolicy(key, lk.keyArn(), policy, access, drifted));
            }
        }
        String sha = AppliedGovernance.sha256(desiredText);
        if (live.applied().map(a -> !a.sha256().equals(sha)).orElse(true)) {
            changes.add(new Change.PublishGovernance(fromVersion + 1, desiredText));
        }
        if (!kafka.revoke.isEmpty()) {
            changes.add(new Change.RevokeKafka(kafka.revoke));
        }
        previous.ifPresent(p -> {
            for (String gone : removed(p.departmentNames(), desired.departmentNames())) {
                live.key(gone).filter(k -> !k.pendingDeletion())
                        .ifPresent(k -> changes.add(new Change.RetireKey(gone, k.keyArn(), s.pendingWindowDays())));
            }
        });
        if (s.localIam() && previous.isPresent() && !removed(names(previous.get()), names(desired)).isEmpty()) {
            // Last: a principal goes only once no policy names it any more.
            changes.add(new Change.SyncPrincipals(wanted(desired), List.of(), removed(names(previous.get()), names(desired))));
        }

        if (!kafka.delete.isEmpty()) {
            changes.add(new Change.SyncKafkaUsers(List.of(), List.of(), kafka.delete));
        }

        List<KmsAccess.Change> access = previous.map(p -> KmsAccess.of(p).changesTo(KmsAccess.of(desired)))
                .orElse(List.of());
        List<String> effects = effects(desired, previous, fromVersion + 1, live, s);
        List<String> iac = s.iacDir().map(dir -> iacChanges(desired, desiredText, dir)).orElse(List.of());
        return new Plan(desired.source(), fromVersion, changes, access, effects, iac, problems);
    }

    /**
     * Only the Kafka part of a plan (SCRAM users and ACLs), for a stack that keeps its broker in step with the
     * governance file itself when it starts: the same changes, in the same order, as {@link #plan} would make.
     *
     * @param former applications whose users and ACLs go unless {@code desired} still has them (for example those of
     *               the last start); other principals are left alone
     * @param live   what the broker has for the applications of {@code desired} and {@code former}
     * @param known  users whose current password the caller holds (the others get a new one)
     */
    public static Plan planKafka(Governance desired, List<String> former, KafkaLive.State live, KafkaNames names,
                                 Set<String> known) {
        KafkaPlan kafka = kafkaPlan(desired, former, live, names, known);
        List<Change> changes = new ArrayList<>();
        if (!kafka.create.isEmpty() || !kafka.rotate.isEmpty()) {
            changes.add(new Change.SyncKafkaUsers(kafka.create, kafka.rotate, List.of()));
        }
        if (!kafka.grant.isEmpty()) {
            changes.add(new Change.GrantKafka(kafka.grant));
        }
        if (!kafka.revoke.isEmpty()) {
            changes.add(new Change.RevokeKafka(kafka.revoke));
        }
        if (!kafka.delete.isEmpty()) {
            changes.add(new Change.SyncKafkaUsers(List.of(), List.of(), kafka.delete));
        }
        return new Plan(desired.source(), 0, changes, List.of(), List.of(), List.of(), List.of());
    }

    private record KafkaPlan(List<String> create, List<String> rotate, List<String> delete,
                             List<KafkaPermission> grant, List<KafkaPermission> revoke) {
        static final KafkaPlan NONE = new KafkaPlan(List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /**
     * The users and ACLs of governance applications (desired or last applied) made to match the Kafka access matrix;
     * other principals' ACLs and users (the stack's administrator, anything else) are left alone.
     */
    private static KafkaPlan kafkaPlan(Governance desired, List<String> former, KafkaLive.State live,
                                       KafkaNames names, Set<String> known) {
        List<String> wanted = names(desired);
        List<String> create = wanted.stream().filter(a -> !live.users().contains(a)).toList();
        List<String> rotate = wanted.stream().filter(a -> live.users().contains(a) && !known.contains(a)).toList();
        List<String> delete = former.stream().filter(a -> !wanted.contains(a) && live.users().contains(a)).toList();
        List<KafkaPermission> desiredAcls = KafkaAccess.of(desired, names).permissions();
        List<KafkaPermission> grant = desiredAcls.stream().filter(p -> !live.permissions().contains(p)).toList();
        List<KafkaPermission> revoke = live.permissions().stream().filter(p -> !desiredAcls.contains(p)).toList();
        return new KafkaPlan(create, rotate, delete, grant, revoke);
    }

    /** Sync to the union first, so new principals exist before any policy names them. */
    private static Optional<Change> principals(Governance desired, Optional<Governance> previous) {
        List<LocalIam.Wanted> wanted = wanted(desired);
        if (previous.isEmpty()) { // nothing applied yet: which principals localkms has is not known here
            return Optional.of(new Change.SyncPrincipals(wanted, List.of(), List.of()));
        }
        List<String> added = removed(names(desired), names(previous.get()));
        boolean rolesChanged = !wanted.equals(wanted(previous.get()).stream().filter(w -> names(desired).contains(w.name()))
                .toList()) && added.isEmpty();
        if (added.isEmpty() && !rolesChanged) {
            return Optional.empty();
        }
        List<LocalIam.Wanted> union = new ArrayList<>(wanted);
        wanted(previous.get()).stream().filter(w -> !names(desired).contains(w.name())).forEach(union::add);
        return Optional.of(new Change.SyncPrincipals(union, added, List.of()));
    }

    private static List<LocalIam.Wanted> wanted(Governance g) {
        return g.applications().stream()
                .map(a -> new LocalIam.Wanted(a.name(), a.role(), g.keyAdmins().contains(a.name()))).toList();
    }

    private static List<String> names(Governance g) {
        return g.applications().stream().map(Application::name).toList();
    }

    /** Those of {@code before} that {@code after} lacks, in {@code before}'s order. */
    private static List<String> removed(List<String> before, List<String> after) {
        return before.stream().filter(x -> !after.contains(x)).toList();
    }

    private static List<String> effects(Governance desired, Optional<Governance> previous, long version, LiveState live,
                                        Settings s) {
        List<String> out = new ArrayList<>();
        if (previous.isEmpty()) {
            out.add("first apply: the running apps keep the governance they started with, which is this file if they"
                    + " were started with it");
            return out;
        }
        Governance p = previous.get();
        for (String d : removed(desired.departmentNames(), p.departmentNames())) {
            out.add("new department " + d + ": the encryptor seals its events from version " + version + " on, without"
                    + " a restart; " + d + " events that arrived before went to the dead-letter topic as"
                    + " UNKNOWN_DEPARTMENT: re-drive them with `./deptcrypt quarantine redrive --reason UNKNOWN_DEPARTMENT`");
        }
        for (String d : desired.departmentNames()) {
            if (!p.departmentNames().contains(d)) {
                continue;
            }
            List<String> before = p.department(d).readers();
            List<String> after = desired.department(d).readers();
            for (String r : removed(after, before)) {
                out.add(r + " may now open every " + d + " record, old and new (they are all under the department key)");
            }
            for (String r : removed(before, after)) {
                out.add(r + " is refused by KMS at once; a running " + r + " drops its cached " + d + " data keys when it"
                        + " sees version " + version + " (seconds), so it stops opening " + d + " records; what it does"
                        + " with them follows its failure action");
            }
        }
        for (String d : removed(p.departmentNames(), desired.departmentNames())) {
            out.add("retired department " + d + ": its new events go to the dead-letter topic (UNKNOWN_DEPARTMENT);"
                    + " once its key is deleted (" + s.pendingWindowDays() + " days) nobody can open its records");
        }
        for (GovernedKey k : GovernedKey.of(desired)) {
            live.key(k.label()).filter(LiveKey::pendingDeletion).ifPresent(lk ->
                    out.add(k.label() + "'s key was pending deletion: cancelled, its records are readable again"));
        }
        return out;
    }

    /** Rendered files for AWS that differ from the rendering in {@code dir} (missing, differing, obsolete). */
    static List<String> iacChanges(Governance desired, String text, Path dir) {
        return IacRenderer.render(desired, text, RenderSettings.defaults()).differencesFrom(dir);
    }

    static boolean sameJson(String a, String b) {
        try {
            JsonNode x = JSON.readTree(a);
            JsonNode y = JSON.readTree(b);
            return x.equals(y);
        } catch (IOException e) {
            return false;
        }
    }
}
