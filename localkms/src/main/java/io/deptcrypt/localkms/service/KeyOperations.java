package io.deptcrypt.localkms.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.localkms.policy.KeyPolicy;
import io.deptcrypt.localkms.policy.Principal;
import io.deptcrypt.localkms.state.KeyRecord;
import io.deptcrypt.localkms.state.KeyState;
import io.deptcrypt.localkms.state.KmsState;
import io.deptcrypt.localkms.state.StateFile;
import io.deptcrypt.localkms.state.StateStore;
import io.deptcrypt.localkms.state.StateStore.Change;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Key operations: CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey, ScheduleKeyDeletion, CancelKeyDeletion.
 * A scheduled deletion lasts {@code PendingWindowInDays} (7-30) days of {@link ServiceSettings#pendingWindowDayLength()}
 * each; {@link Housekeeping} deletes the key when the date passes.
 */
final class KeyOperations {

    private static final int MAX_DESCRIPTION_LENGTH = 8192;

    private final ServiceSettings settings;
    private final StateStore store;
    private final StateFile naming;
    private final KeyFactory factory;
    private final KeyResolver resolver;
    private final Authorizer authorizer;
    private final KeyMutation mutation;

    KeyOperations(ServiceSettings settings, StateStore store, StateFile naming, KeyFactory factory, KeyResolver resolver,
                  Authorizer authorizer, KeyMutation mutation) {
        this.settings = settings;
        this.store = store;
        this.naming = naming;
        this.factory = factory;
        this.resolver = resolver;
        this.authorizer = authorizer;
        this.mutation = mutation;
    }

    Map<String, Operation> operations() {
        Map<String, Operation> ops = new LinkedHashMap<>();
        ops.put("CreateKey", this::createKey);
        ops.put("DescribeKey", this::describeKey);
        ops.put("ListKeys", this::listKeys);
        ops.put("EnableKey", (c, r, a) -> setEnabled(c, r, a, true));
        ops.put("DisableKey", (c, r, a) -> setEnabled(c, r, a, false));
        ops.put("ScheduleKeyDeletion", this::scheduleKeyDeletion);
        ops.put("CancelKeyDeletion", this::cancelKeyDeletion);
        return ops;
    }

    private ObjectNode createKey(Principal caller, KmsRequest r, AuditEntry audit) {
        authorizer.authorizeIdentity(store.current(), caller, "kms:CreateKey", audit);
        String description = r.string("Description").orElse("");
        if (description.length() > MAX_DESCRIPTION_LENGTH) {
            throw KmsException.constraint("'" + description.substring(0, 20) + "...'", "description",
                    "Member must have length less than or equal to " + MAX_DESCRIPTION_LENGTH);
        }
        r.string("KeyUsage").filter(u -> !u.equals(KeyRecord.KEY_USAGE)).ifPresent(u -> {
            throw KmsException.unsupported("KeyUsage " + u);
        });
        for (String specField : List.of("KeySpec", "CustomerMasterKeySpec")) {
            r.string(specField).filter(s -> !s.equals(KeyRecord.SYMMETRIC_DEFAULT)).ifPresent(s -> {
                throw KmsException.unsupported(specField + " " + s);
            });
        }
        r.string("Origin").filter(o -> !o.equals(KeyRecord.ORIGIN)).ifPresent(o -> {
            throw KmsException.unsupported("Origin " + o);
        });
        if (r.bool("MultiRegion")) {
            throw KmsException.unsupported("multi-Region keys");
        }
        if (r.has("CustomKeyStoreId") || r.has("XksKeyId")) {
            throw KmsException.unsupported("custom key stores");
        }
        Map<String, String> tags = tags(r);
        String keyId = UUID.randomUUID().toString();
        String arn = naming.keyArn(keyId);
        String policyText = r.string("Policy").orElseGet(() -> KeyFactory.defaultPolicy(settings.account()));
        audit.policy(policyText);
        KeyPolicy policy = factory.parsePolicy(policyText);
        if (!r.bool("BypassPolicyLockoutSafetyCheck")) {
            authorizer.checkLockout(store.current(), policy, caller, arn);
        }
        KeyRecord key = factory.newKey(keyId, description, policyText, policy, tags);
        audit.key(arn);
        store.update(s -> new Change<>(s.withKey(key), null));
        ObjectNode out = AwsJson.object();
        out.set("KeyMetadata", metadata(key));
        return out;
    }

    private static Map<String, String> tags(KmsRequest r) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (KmsRequest t : r.objectList("Tags")) {
            String key = t.requiredString("TagKey");
            String value = t.requiredString("TagValue");
            if (key.isEmpty() || key.length() > 128 || value.length() > 256) {
                throw KmsException.validation("Tag keys must be 1-128 and values 0-256 characters long");
            }
            if (tags.put(key, value) != null) {
                throw new KmsException(KmsErrorCode.TAG, "Duplicate tag key " + key);
            }
        }
        return tags;
    }

    private ObjectNode describeKey(Principal caller, KmsRequest r, AuditEntry audit) {
        KmsState s = store.current();
        ResolvedKey k = resolver.resolve(s, r.requiredString("KeyId"), true, audit);
        authorizer.authorize(s, caller, "DescribeKey", k, null, audit);
        ObjectNode out = AwsJson.object();
        out.set("KeyMetadata", metadata(k.key()));
        return out;
    }

    private ObjectNode metadata(KeyRecord k) {
        ObjectNode m = AwsJson.object();
        m.put("AWSAccountId", settings.account());
        m.put("KeyId", k.keyId());
        m.put("Arn", k.arn());
        m.set("CreationDate", AwsJson.epochSeconds(k.creationDate()));
        m.put("Enabled", k.state() == KeyState.Enabled);
        m.put("Description", k.description());
        m.put("KeyUsage", KeyRecord.KEY_USAGE);
        m.put("KeyState", k.state().name());
        if (k.deletionDate() != null) {
            m.set("DeletionDate", AwsJson.epochSeconds(k.deletionDate()));
            m.put("PendingDeletionWindowInDays", k.pendingWindowInDays());
        }
        m.put("Origin", KeyRecord.ORIGIN);
        m.put("KeyManager", "CUSTOMER");
        m.put("CustomerMasterKeySpec", KeyRecord.SYMMETRIC_DEFAULT);
        m.put("KeySpec", KeyRecord.SYMMETRIC_DEFAULT);
        m.putArray("EncryptionAlgorithms").add(KeyRecord.SYMMETRIC_DEFAULT);
        m.put("MultiRegion", false);
        return m;
    }

    private ObjectNode listKeys(Principal caller, KmsRequest r, AuditEntry audit) {
        KmsState s = store.current();
        authorizer.authorizeIdentity(s, caller, "kms:ListKeys", audit);
        List<KeyRecord> keys = List.copyOf(s.keys());
        Page page = Page.of(r, keys.size(), 1000, 100);
        ObjectNode out = AwsJson.object();
        ArrayNode list = out.putArray("Keys");
        for (KeyRecord k : keys.subList(page.from, page.to)) {
            list.addObject().put("KeyId", k.keyId()).put("KeyArn", k.arn());
        }
        page.finish(out);
        return out;
    }

    private ObjectNode setEnabled(Principal caller, KmsRequest r, AuditEntry audit, boolean enable) {
        return mutation.apply(caller, r, audit, enable ? "EnableKey" : "DisableKey", k -> {
            KeyResolver.requireNotPendingDeletion(k);
            return k.withState(enable ? KeyState.Enabled : KeyState.Disabled, null, null);
        }, k -> AwsJson.object());
    }

    private ObjectNode scheduleKeyDeletion(Principal caller, KmsRequest r, AuditEntry audit) {
        int days = r.integer("PendingWindowInDays").orElse(30);
        if (days < 7 || days > 30) {
            throw KmsException.constraint(String.valueOf(days), "pendingWindowInDays",
                    "Member must have value between 7 and 30 (inclusive)");
        }
        return mutation.apply(caller, r, audit, "ScheduleKeyDeletion", k -> {
            KeyResolver.requireNotPendingDeletion(k);
            return k.withState(KeyState.PendingDeletion, settings.now().plus(settings.pendingWindowDayLength().multipliedBy(days)), days);
        }, k -> {
            ObjectNode out = AwsJson.object();
            out.put("KeyId", k.arn());
            out.set("DeletionDate", AwsJson.epochSeconds(k.deletionDate()));
            out.put("KeyState", k.state().name());
            out.put("PendingWindowInDays", days);
            return out;
        });
    }

    /** As in AWS, a cancelled deletion leaves the key Disabled: EnableKey makes it usable again. */
    private ObjectNode cancelKeyDeletion(Principal caller, KmsRequest r, AuditEntry audit) {
        return mutation.apply(caller, r, audit, "CancelKeyDeletion", k -> {
            if (k.state() != KeyState.PendingDeletion) {
                throw KmsException.invalidState(k.arn() + " is not pending deletion.");
            }
            return k.withState(KeyState.Disabled, null, null);
        }, k -> AwsJson.object().put("KeyId", k.arn()));
    }
}
