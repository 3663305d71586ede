package io.deptcrypt.control.plan;

import io.deptcrypt.control.live.AdminCalls;
import io.deptcrypt.control.live.LocalIam;
import io.deptcrypt.governance.AppliedGovernance;
import io.deptcrypt.governance.KmsArn;
import io.deptcrypt.policy.GovernedKey;
import io.deptcrypt.policy.KafkaAcls;
import io.deptcrypt.policy.KafkaPermission;
import io.deptcrypt.policy.KmsAccess;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.Tag;

/** One change apply makes, through public APIs only. */
public sealed interface Change {

    /** A readable description: the first line is the headline, the others details. */
    List<String> lines();

    /** Makes the change. */
    void apply(Target target, ApplyResult result);

    /** Makes localkms's principals exactly {@code wanted} (the local stack's stand-in for IAM roles). */
    record SyncPrincipals(List<LocalIam.Wanted> wanted, List<String> added, List<String> removed) implements Change {
        @Override
        public List<String> lines() {
            List<String> l = new ArrayList<>();
            l.add("principals: localkms knows " + wanted.stream().map(LocalIam.Wanted::name).toList());
            added.forEach(a -> l.add("  + " + a + " (new local credentials)"));
            removed.forEach(r -> l.add("  - " + r + " (its local credentials stop working)"));
            l.add("    (a principal localkms already knows keeps its access key; one it does not know gets new local"
                    + " credentials)");
            return l;
        }

        @Override
        public void apply(Target target, ApplyResult result) {
            LocalIam iam = target.localIam().orElseThrow(() -> new IllegalStateException("no localkms IAM stand-in"));
            Map<String, LocalIam.Principal> principals = iam.sync(wanted);
            result.principals(principals);
        }
    }

    /** Creates the key of a new department (or quarantine) with its policy, and its alias. */
    record CreateKey(GovernedKey key, String policy) implements Change {
        @Override
        public List<String> lines() {
            return List.of("KMS key " + key.label() + ": create " + key.arn() + " with the governance policy (readers "
                    + key.readers() + ")");
        }

        @Override
        public void apply(Target target, ApplyResult result) {
            String description = key.isQuarantine() ? "deptcrypt quarantine (dead-lettered input)"
                    : "deptcrypt department " + key.label();
            KeyMetadata m = target.kms().createKey(r -> r.policy(policy).description(description)
                    .tags(Tag.builder().tagKey("deptcrypt:department").tagValue(key.contextValue()).build())).keyMetadata();
            if (key.arn().type() == KmsArn.Type.ALIAS) {
                target.kms().createAlias(r -> r.aliasName(key.arn().aliasName()).targetKeyId(m.keyId()));
            }
            result.note("created " + m.arn() + (key.arn().type() == KmsArn.Type.ALIAS ? " as " + key.arn().aliasName() : ""));
        }
    }

    /** Replaces a key's policy with the rendering of the desired governance. */
    record PutKeyPolicy(GovernedKey key, String keyArn, String policy, List<KmsAccess.Change> access, boolean drifted)
            implements Change {
        @Override
        public List<String> lines() {
            List<String> l = new ArrayList<>();
            l.add("KMS key policy " + key.label() + " (" + keyArn + "): put the governance policy"
                    + (drifted ? " (the live policy differs from what the applied governance gives: replaced)" : ""));
            access.forEach(c -> l.add("  " + c.describe()));
            return l;
        }

        @Override
        public void apply(Target target, ApplyResult result) {
            target.kms().putKeyPolicy(r -> r.keyId(keyArn).policyName("default").policy(policy));
        }
    }

    /** Cancels a pending deletion (the key becomes Disabled) and enables the key again. */
    record RestoreKey(GovernedKey key, String keyArn, boolean pendingDeletion) implements Change {
        @Override
        public List<String> lines() {
            return List.of("KMS key " + key.label() + " (" + keyArn + "): " + (pendingDeletion
                    ? "cancel its scheduled deletion and enable it: its records become readable again" : "enable it"));
        }

        @Override
        public void apply(Target target, ApplyResult result) {
            if (pendingDeletion) {
                target.kms().cancelKeyDeletion(r -> r.keyId(keyArn));
            }
            target.kms().enableKey(r -> r.keyId(keyArn));
        }
    }

    /** Crypto-shredding: schedules the deletion of a retired department's key. */
    record RetireKey(String label, String keyArn, int pendingWindowDays) implements Change {
        @Override
        public List<String> lines() {
            return List.of("KMS key " + label + " (" + keyArn + "): schedule its deletion in " + pendingWindowDays
                    + " days: from then on nobody, key admins included, can open " + label + "'s records;"
                    + " until then `governance apply` of a file that has " + label + " again cancels it");
        }

        @Override
        public void apply(Target target, ApplyResult result) {
            Instant when = target.kms().scheduleKeyDeletion(r -> r.keyId(keyArn).pendingWindowInDays(pendingWindowDays))
                    .deletionDate();
            result.note("key of " + label + " will be deleted at " + when);
        }
    }

    /**
     * Creates the SCRAM users of new applications (and of those whose password is not known here, with a new one),
     * or deletes those of removed applications. Each application's Kafka user is named after it.
     */
    record SyncKafkaUsers(List<String> create, List<String> rotate, List<String> delete) implements Change {
        @Override
        public List<String> lines() {
            List<String> l = new ArrayList<>();
            l.add("Kafka users: " + (create.size() + rotate.size()) + " to create or reset, " + delete.size() + " to delete");
            create.forEach(u -> l.add("  + " + u));
            rotate.forEach(u -> l.add("  ~ " + u + " (its password is not known here: a new one)"));
            delete.forEach(u -> l.add("  - " + u + " (its connections are refused from now on)"));
            return l;
        }

        @Override
        public void apply(Target target, ApplyResult result) {
            Admin admin = target.kafkaAdmin().orElseThrow(() -> new IllegalStateException("no Kafka admin"));
            List<UserScramCredentialAlteration> changes = new ArrayList<>();
            Map<String, String> passwords = new LinkedHashMap<>();
            for (String u : concat(create, rotate)) {
                String password = KafkaPasswords.generate();
                passwords.put(u, password);
                changes.add(new UserScramCredentialUpsertion(u, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512,
                        KafkaPasswords.ITERATIONS), password));
            }
            delete.forEach(u -> changes.add(new UserScramCredentialDeletion(u, ScramMechanism.SCRAM_SHA_512)));
            AdminCalls.await(admin.alterUserScramCredentials(changes).all(), "change SCRAM users");
            result.kafkaPasswords(passwords);
        }
    }

    /** Adds the ACLs the desired governance gives (before anything relies on them). */
    record GrantKafka(List<KafkaPermission> permissions) implements Change {
        @Override
        public List<String> lines() {
            List<String> l = new ArrayList<>();
            l.add("Kafka ACLs: add " + permissions.size());
            permissions.forEach(p -> l.add("  + " + p.describe()));
            return l;
        }

        @Override
        public void apply(Target target, ApplyResult result) {
            Admin admin = target.kafkaAdmin().orElseThrow(() -> new IllegalStateException("no Kafka admin"));
            AdminCalls.await(admin.createAcls(permissions.stream().map(KafkaAcls::binding).toList()).all(), "add ACLs");
        }
    }

    /** Removes the ACLs the desired governance no longer gives (after the running apps heard of it). */
    record RevokeKafka(List<KafkaPermission> permissions) implements Change {
        @Override
        public List<String> lines() {
            List<String> l = new ArrayList<>();
            l.add("Kafka ACLs: remove " + permissions.size());
            permissions.forEach(p -> l.add("  - " + p.describe()));
            return l;
        }

        @Override
        public void apply(Target target, ApplyResult result) {
            Admin admin = target.kafkaAdmin().orElseThrow(() -> new IllegalStateException("no Kafka admin"));
            AdminCalls.await(admin.deleteAcls(permissions.stream().map(p -> KafkaAcls.binding(p).toFilter()).toList())
                    .all(), "remove ACLs");
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** Publishes the applied version for the running apps (last of the changes that grant, first to revoke). */
    record PublishGovernance(long version, String text) implements Change {
        @Override
        public List<String> lines() {
            return List.of("governance topic: publish version " + version + " (sha256 "
                    + AppliedGovernance.sha256(text).substring(0, 12) + "): the running apps take it within seconds");
        }

        @Override
        public void apply(Target target, ApplyResult result) {
            target.topic().publish(AppliedGovernance.of(version, target.clock().instant(), target.appliedBy(), text));
            result.published(version);
        }
    }
}
