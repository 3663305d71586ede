package io.deptcrypt.control.live;

import io.deptcrypt.governance.AppliedGovernance;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.KmsArn;
import io.deptcrypt.policy.GovernedKey;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What is live for a plan: the last applied governance version (if any) and, by key label, every governed key of
 * that version and of the desired file as KMS reports it (absent: KMS has no such key).
 */
public record LiveState(Optional<AppliedGovernance> applied, Optional<Governance> appliedGovernance,
                        Map<String, Optional<LiveKey>> keys, Optional<KafkaLive.State> kafka) {

    public LiveState {
        keys = Map.copyOf(keys);
    }

    public Optional<LiveKey> key(String label) {
        return keys.getOrDefault(label, Optional.empty());
    }

    /** Reads the governance topic and every key of the desired and the applied governance (no Kafka ACLs). */
    public static LiveState read(Governance desired, GovernanceTopic topic, KmsLive kms) {
        return read(desired, topic, kms, Optional.empty());
    }

    /**
     * Reads the governance topic, every key of the desired and the applied governance and, if {@code kafka} is given,
     * the ACLs and SCRAM users of every application either names.
     */
    public static LiveState read(Governance desired, GovernanceTopic topic, KmsLive kms, Optional<KafkaLive> kafka) {
        Optional<AppliedGovernance> applied = topic.latest();
        Optional<Governance> previous = applied.map(a -> a.governance(topic.name()));
        Map<String, KmsArn> arns = new LinkedHashMap<>();
        previous.ifPresent(p -> GovernedKey.of(p).forEach(k -> arns.put(k.label(), k.arn())));
        GovernedKey.of(desired).forEach(k -> arns.put(k.label(), k.arn()));
        Map<String, Optional<LiveKey>> keys = new LinkedHashMap<>();
        arns.forEach((label, arn) -> keys.put(label, kms.read(arn)));
        Set<String> apps = new LinkedHashSet<>();
        previous.ifPresent(p -> p.applications().forEach(a -> apps.add(a.name())));
        desired.applications().forEach(a -> apps.add(a.name()));
        return new LiveState(applied, previous, keys, kafka.map(k -> k.read(apps)));
    }
}
