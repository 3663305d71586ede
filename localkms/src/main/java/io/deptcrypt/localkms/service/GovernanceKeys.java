package io.deptcrypt.localkms.service;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.Governance.Application;
import io.deptcrypt.governance.Governance.Department;
import io.deptcrypt.governance.KmsArn;
import io.deptcrypt.localkms.AccessKey;
import io.deptcrypt.localkms.policy.KeyPolicies;
import io.deptcrypt.localkms.policy.KeyPolicy;
import io.deptcrypt.localkms.state.AliasRecord;
import io.deptcrypt.localkms.state.KeyRecord;
import io.deptcrypt.localkms.state.KmsState;
import io.deptcrypt.localkms.state.StateFile;
import io.deptcrypt.localkms.state.StateStore;
import io.deptcrypt.localkms.state.StateStore.Change;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the state match governance on every start: each department key and the quarantine key exists (created under
 * its alias, or with exactly the key id governance names), carries the policy {@link KeyPolicies} generates (governance
 * is the source of truth; run-time PutKeyPolicy changes last until the next start), and each application has an
 * access key. Grants, rotation and key state are left alone. Access keys of applications governance no longer lists
 * are dropped.
 */
public final class GovernanceKeys {

    private static final Logger LOG = LoggerFactory.getLogger(GovernanceKeys.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final char[] SECRET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

    /** The key ARN of each department (by name) and of the quarantine key. */
    public record Resolved(Map<String, String> departmentKeyArns, String quarantineKeyArn) {}

    private GovernanceKeys() {}

    public static Resolved apply(Governance governance, StateStore store, KmsService service, StateFile naming, Instant now) {
        return store.update(s -> {
            KmsState next = s;
            Map<String, String> arns = new LinkedHashMap<>();
            for (Department d : governance.departments()) {
                Keyed k = ensure(next, governance, d.key(), KeyPolicies.forDepartment(governance, d),
                        "deptcrypt department " + d.name(), service, naming, now);
                next = k.state;
                arns.put(d.name(), k.arn);
            }
            Keyed q = ensure(next, governance, governance.quarantine().key(), KeyPolicies.forQuarantine(governance),
                    "deptcrypt quarantine (dead-lettered input)", service, naming, now);
            next = q.state.withAccessKeys(accessKeys(governance, q.state));
            return new Change<>(next, new Resolved(Map.copyOf(arns), q.arn));
        });
    }

    private record Keyed(KmsState state, String arn) {}

    private static Keyed ensure(KmsState s, Governance governance, KmsArn configured, String policyText, String description,
                                KmsService service, StateFile naming, Instant now) {
        KeyPolicy policy = service.parsePolicy(policyText);
        if (configured.type() == KmsArn.Type.ALIAS) {
            String alias = configured.aliasName();
            var existing = s.alias(alias).flatMap(a -> s.key(a.targetKeyId()));
            if (existing.isPresent()) {
                KeyRecord k = existing.get();
                return new Keyed(s.withKey(k.withPolicy(policyText, policy)), k.arn());
            }
            KeyRecord k = service.newKey(UUID.randomUUID().toString(), description, policyText, policy, Map.of());
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
        KeyRecord k = service.newKey(keyId, description, policyText, policy, Map.of());
        LOG.info("created key {} ({})", k.arn(), description);
        return new Keyed(s.withKey(k), naming.keyArn(keyId));
    }

    private static Map<String, AccessKey> accessKeys(Governance governance, KmsState s) {
        Map<String, AccessKey> keys = new LinkedHashMap<>();
        for (Application app : governance.applications()) {
            AccessKey existing = s.accessKeys().get(app.name());
            keys.put(app.name(), existing != null
                    ? new AccessKey(app.name(), app.role(), existing.accessKeyId(), existing.secretAccessKey())
                    : new AccessKey(app.name(), app.role(), "AKIA" + random(BASE32, 16), random(SECRET, 40)));
        }
        return keys;
    }

    private static String random(char[] alphabet, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet[RANDOM.nextInt(alphabet.length)]);
        }
        return b.toString();
    }
}
