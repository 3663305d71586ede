package io.deptcrypt.localkms.service;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.KmsArn;
import io.deptcrypt.localkms.policy.KeyPolicy;
import io.deptcrypt.localkms.state.AliasRecord;
import io.deptcrypt.localkms.state.KeyRecord;
import io.deptcrypt.localkms.state.KmsState;
import io.deptcrypt.localkms.state.StateFile;
import io.deptcrypt.localkms.state.StateStore;
import io.deptcrypt.localkms.state.StateStore.Change;
import io.deptcrypt.policy.GovernedKey;
import io.deptcrypt.policy.KeyPolicyRenderer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the state match governance on every start: each department key and the quarantine key exists (created under
 * its alias, or with exactly the key id governance names), carries the policy {@link KeyPolicyRenderer} renders (the one generator localkms, governance apply and
 * the IaC share) (governance
 * is the source of truth; run-time PutKeyPolicy changes last until the next start). Grants, rotation and key state
 * are left alone. (The applications and their access keys are synced before this, by {@link PrincipalSync}.)
 */
public final class GovernanceKeys {

    private static final Logger LOG = LoggerFactory.getLogger(GovernanceKeys.class);

    /** The key ARN of each department (by name) and of the quarantine key. */
    public record Resolved(Map<String, String> departmentKeyArns, String quarantineKeyArn) {}

    private GovernanceKeys() {}

    public static Resolved apply(Governance governance, StateStore store, KeyFactory factory, StateFile naming, Instant now) {
        return store.update(s -> {
            KmsState next = s;
            Map<String, String> arns = new LinkedHashMap<>();
            String quarantineArn = null;
            for (GovernedKey key : GovernedKey.of(governance)) {
                Keyed k = ensure(next, governance, key.arn(), KeyPolicyRenderer.json(governance, key,
                        KeyPolicyRenderer.Options.GOVERNANCE_ONLY), key.isQuarantine()
                        ? "deptcrypt quarantine (dead-lettered input)" : "deptcrypt department " + key.label(),
                        factory, naming, now);
                next = k.state;
                if (key.isQuarantine()) {
                    quarantineArn = k.arn;
                } else {
                    arns.put(key.label(), k.arn);
                }
            }
            return new Change<>(next, new Resolved(Map.copyOf(arns), quarantineArn));
        });
    }

    private record Keyed(KmsState state, String arn) {}

    private static Keyed ensure(KmsState s, Governance governance, KmsArn configured, String policyText, String description,
                                KeyFactory factory, StateFile naming, Instant now) {
        KeyPolicy policy = factory.parsePolicy(policyText);
        if (configured.type() == KmsArn.Type.ALIAS) {
            String alias = configured.aliasName();
            var existing = s.alias(alias).flatMap(a -> s.key(a.targetKeyId()));
            if (existing.isPresent()) {
                KeyRecord k = existing.get();
                return new Keyed(s.withKey(k.withPolicy(policyText, policy)), k.arn());
            }
            KeyRecord k = factory.newKey(UUID.randomUUID().toString(), description, policyText, policy, Map.of());
            LOG.info("created key {} for {} ({})", k.arn(), alias, description);
            return new Keyed(s.withKey(k).withAlias(new AliasRecord(alias, k.keyId(), now, now)), k.arn());
        }
        String keyId = configured.resource();
        if (!StateFile.KEY_ID.matcher(keyId).matches()) {
            throw new IllegalArgumentException("governance " + governance.source() + ": key id '" + keyId + "' in " + configured
                    + " is not a key id localkms can create (letters, digits, '-' and '_', at most 128)");
        }
        var existing = s.key(keyId);
        if (existing.isPresent()) {
            return new Keyed(s.withKey(existing.get().withPolicy(policyText, policy)), existing.get().arn());
        }
        KeyRecord k = factory.newKey(keyId, description, policyText, policy, Map.of());
        LOG.info("created key {} ({})", k.arn(), description);
        return new Keyed(s.withKey(k), naming.keyArn(keyId));
    }
}
