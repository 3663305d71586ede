package io.deptcrypt.localkms.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.localkms.crypto.CiphertextBlob;
import io.deptcrypt.localkms.crypto.EncryptionContextEncoding;
import io.deptcrypt.localkms.crypto.KeyMaterial;
import io.deptcrypt.localkms.policy.KeyPolicy;
import io.deptcrypt.localkms.policy.MalformedPolicyException;
import io.deptcrypt.localkms.policy.PolicyDecision;
import io.deptcrypt.localkms.policy.Principal;
import io.deptcrypt.localkms.policy.RequestContext;
import io.deptcrypt.localkms.state.AliasRecord;
import io.deptcrypt.localkms.state.GrantRecord;
import io.deptcrypt.localkms.state.KeyRecord;
import io.deptcrypt.localkms.state.KeyState;
import io.deptcrypt.localkms.state.KmsState;
import io.deptcrypt.localkms.state.StateFile;
import io.deptcrypt.localkms.state.StateStore;
import io.deptcrypt.localkms.state.StateStore.Change;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The KMS operations: validates each request, resolves keys, authorizes the caller against the key policy and grants
 * (as AWS does: explicit Deny wins, then an Allow in the policy or a matching grant, else AccessDenied), performs the
 * operation on the {@link StateStore} and fills in the {@link AuditEntry}.
 *
 * <p>Operations AWS authorizes with IAM policies only (no key yet, or no key at all) follow fixed identity rules,
 * since localkms has no IAM: {@code CreateKey} is allowed to governance key admins; {@code ListKeys},
 * {@code ListAliases} and {@code GenerateRandom} to every known principal.
 */
public final class KmsService {

    /**
     * Fixed facts of this server.
     *
     * @param keyAdmins        role ARNs allowed the IAM-only {@code CreateKey}
     * @param knownPrincipals  role ARNs of this account that exist (policies and grants naming others are rejected)
     * @param rootMeansAccount whether {@code arn:aws:iam::<account>:root} in a policy matches every principal of the account
     */
    public record Settings(String partition, String region, String account, Set<String> keyAdmins,
                           Set<String> knownPrincipals, boolean rootMeansAccount, Clock clock) {}

    private static final Logger LOG = LoggerFactory.getLogger(KmsService.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT";
    private static final Pattern ALIAS_NAME = Pattern.compile("alias/[a-zA-Z0-9/_-]{1,250}");
    private static final Pattern GRANT_NAME = Pattern.compile("[a-zA-Z0-9:/_-]{1,256}");
    private static final Pattern KMS_ARN = Pattern.compile("arn:([a-z-]+):kms:([a-z0-9-]+):(\\d{12}):(key|alias)/(.+)");
    private static final Pattern IAM_ARN = Pattern.compile("arn:aws[a-z-]*:(iam|sts)::(\\d{12}):.+");
    private static final int MAX_ON_DEMAND_ROTATIONS = 10;
    private static final Set<String> GRANT_OPERATIONS = Set.of("Decrypt", "Encrypt", "GenerateDataKey",
            "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "CreateGrant", "RetireGrant", "DescribeKey",
            "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "Sign", "Verify", "GetPublicKey", "GenerateMac",
            "VerifyMac", "DeriveSharedSecret");
    /** Grant operations that take an encryption context, so grant constraints apply to them. */
    private static final Set<String> CONTEXT_OPERATIONS = Set.of("Decrypt", "Encrypt", "GenerateDataKey",
            "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKeyPair",
            "GenerateDataKeyPairWithoutPlaintext");

    private interface Operation {
        ObjectNode handle(Principal caller, KmsRequest request, AuditEntry audit);
    }

    private final Settings settings;
    private final StateStore store;
    private final StateFile naming;
    private final AuditLog auditLog;
    private final Map<String, Operation> operations = new HashMap<>();

    public KmsService(Settings settings, StateStore store, StateFile naming, AuditLog auditLog) {
        this.settings = settings;
        this.store = store;
        this.naming = naming;
        this.auditLog = auditLog;
        operations.put("CreateKey", this::createKey);
        operations.put("DescribeKey", this::describeKey);
        operations.put("ListKeys", this::listKeys);
        operations.put("CreateAlias", this::createAlias);
        operations.put("UpdateAlias", this::updateAlias);
        operations.put("DeleteAlias", this::deleteAlias);
        operations.put("ListAliases", this::listAliases);
        operations.put("GenerateDataKey", (c, r, a) -> generateDataKey(c, r, a, true));
        operations.put("GenerateDataKeyWithoutPlaintext", (c, r, a) -> generateDataKey(c, r, a, false));
        operations.put("Encrypt", this::encrypt);
        operations.put("Decrypt", this::decrypt);
        operations.put("ReEncrypt", this::reEncrypt);
        operations.put("GenerateRandom", this::generateRandom);
        operations.put("CreateGrant", this::createGrant);
        operations.put("ListGrants", this::listGrants);
        operations.put("RevokeGrant", this::revokeGrant);
        operations.put("RetireGrant", this::retireGrant);
        operations.put("GetKeyPolicy", this::getKeyPolicy);
        operations.put("PutKeyPolicy", this::putKeyPolicy);
        operations.put("EnableKey", (c, r, a) -> setEnabled(c, r, a, true));
        operations.put("DisableKey", (c, r, a) -> setEnabled(c, r, a, false));
        operations.put("ScheduleKeyDeletion", this::scheduleKeyDeletion);
        operations.put("CancelKeyDeletion", this::cancelKeyDeletion);
        operations.put("EnableKeyRotation", (c, r, a) -> setRotation(c, r, a, true));
        operations.put("DisableKeyRotation", (c, r, a) -> setRotation(c, r, a, false));
        operations.put("GetKeyRotationStatus", this::getKeyRotationStatus);
        operations.put("RotateKeyOnDemand", this::rotateKeyOnDemand);
    }

    public Set<String> operationNames() {
        return Set.copyOf(operations.keySet());
    }

    public boolean supports(String operation) {
        return operations.containsKey(operation);
    }

    /** Runs one operation. @throws KmsException with the AWS error to answer */
    public ObjectNode handle(String operation, Principal caller, KmsRequest request, AuditEntry audit) {
        Operation op = operations.get(operation);
        if (op == null) {
            throw new KmsException("UnknownOperationException", "localkms does not implement operation " + operation);
        }
        housekeeping();
        return op.handle(caller, request, audit);
    }

    // ---------------------------------------------------------------- housekeeping

    /** Deletes keys whose deletion date passed and rotates keys whose rotation date passed. Cheap when nothing is due. */
    public void housekeeping() {
        Instant now = now();
        if (now.isBefore(store.current().nextDue())) {
            return;
        }
        List<AuditEntry> events = new ArrayList<>();
        store.update(s -> {
            KmsState next = s;
            for (KeyRecord k : s.keys()) {
                if (k.state() == KeyState.PendingDeletion && !now.isBefore(k.deletionDate())) {
                    next = next.withoutKey(k.keyId());
                    events.add(internalEvent(now, "DeleteKey", k.arn(), "scheduled deletion reached"));
                    LOG.info("deleted key {} (scheduled deletion date {} reached); data sealed under it is now unreadable",
                            k.arn(), k.deletionDate());
                } else if (k.state() == KeyState.Enabled && k.rotationEnabled() && k.nextRotationDate() != null
                        && !now.isBefore(k.nextRotationDate())) {
                    next = next.withKey(k.rotated(now, false));
                    events.add(internalEvent(now, "RotateKey", k.arn(), "automatic rotation"));
                }
            }
            return new Change<>(next, null);
        });
        events.forEach(auditLog::write);
    }

    private static AuditEntry internalEvent(Instant now, String operation, String keyArn, String reason) {
        AuditEntry e = new AuditEntry(now, UUID.randomUUID().toString(), null);
        e.caller("localkms", null);
        e.operation(operation);
        e.key(keyArn);
        e.decided(AuditEntry.Decision.allow, reason);
        return e;
    }

    // ---------------------------------------------------------------- keys

    private ObjectNode createKey(Principal caller, KmsRequest r, AuditEntry audit) {
        authorizeIdentity(caller, "kms:CreateKey", settings.keyAdmins().contains(caller.arn()), audit);
        String description = r.string("Description").orElse("");
        if (description.length() > 8192) {
            throw KmsException.constraint("'" + description.substring(0, 20) + "...'", "description",
                    "Member must have length less than or equal to 8192");
        }
        r.string("KeyUsage").filter(u -> !u.equals("ENCRYPT_DECRYPT")).ifPresent(u -> {
            throw unsupported("KeyUsage " + u);
        });
        for (String specField : List.of("KeySpec", "CustomerMasterKeySpec")) {
            r.string(specField).filter(s -> !s.equals(SYMMETRIC_DEFAULT)).ifPresent(s -> {
                throw unsupported(specField + " " + s);
            });
        }
        r.string("Origin").filter(o -> !o.equals("AWS_KMS")).ifPresent(o -> {
            throw unsupported("Origin " + o);
        });
        if (r.bool("MultiRegion")) {
            throw unsupported("multi-Region keys");
        }
        if (r.has("CustomKeyStoreId") || r.has("XksKeyId")) {
            throw unsupported("custom key stores");
        }
        Map<String, String> tags = tags(r);
        String keyId = UUID.randomUUID().toString();
        String arn = naming.keyArn(keyId);
        String policyText = r.string("Policy").orElseGet(() -> defaultPolicy(settings.account()));
        KeyPolicy policy = parsePolicy(policyText);
        if (!r.bool("BypassPolicyLockoutSafetyCheck")) {
            lockoutCheck(policy, caller, arn);
        }
        KeyRecord key = newKey(keyId, description, policyText, policy, tags);
        audit.key(arn);
        store.update(s -> new Change<>(s.withKey(key), null));
        ObjectNode out = NODES.objectNode();
        out.set("KeyMetadata", metadata(key));
        return out;
    }

    /** A new enabled symmetric key with one material version. */
    public KeyRecord newKey(String keyId, String description, String policyText, KeyPolicy policy, Map<String, String> tags) {
        Instant now = now();
        return new KeyRecord(keyId, naming.keyArn(keyId), now, description, KeyState.Enabled, null, null, policyText, policy,
                false, 365, null, List.of(), List.of(KeyMaterial.generate(0, now)), tags);
    }

    /** AWS's default key policy: the account root may do everything (which here means every principal of the account
     * if {@link Settings#rootMeansAccount()}, else no one). */
    public static String defaultPolicy(String account) {
        return "{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n  \"Statement\" : [ {\n"
                + "    \"Sid\" : \"Enable IAM User Permissions\",\n    \"Effect\" : \"Allow\",\n"
                + "    \"Principal\" : {\n      \"AWS\" : \"arn:aws:iam::" + account + ":root\"\n    },\n"
                + "    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  } ]\n}";
    }

    private Map<String, String> tags(KmsRequest r) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (KmsRequest t : r.objectList("Tags")) {
            String key = t.requiredString("TagKey");
            String value = t.requiredString("TagValue");
            if (key.isEmpty() || key.length() > 128 || value.length() > 256) {
                throw KmsException.validation("Tag keys must be 1-128 and values 0-256 characters long");
            }
            if (tags.put(key, value) != null) {
                throw new KmsException("TagException", "Duplicate tag key " + key);
            }
        }
        return tags;
    }

    private ObjectNode describeKey(Principal caller, KmsRequest r, AuditEntry audit) {
        KmsState s = store.current();
        Resolved k = resolve(s, r.requiredString("KeyId"), true, audit);
        authorize(caller, "DescribeKey", k, null, audit);
        ObjectNode out = NODES.objectNode();
        out.set("KeyMetadata", metadata(k.key));
        return out;
    }

    private ObjectNode metadata(KeyRecord k) {
        ObjectNode m = NODES.objectNode();
        m.put("AWSAccountId", settings.account());
        m.put("KeyId", k.keyId());
        m.put("Arn", k.arn());
        m.set("CreationDate", epochSeconds(k.creationDate()));
        m.put("Enabled", k.state() == KeyState.Enabled);
        m.put("Description", k.description());
        m.put("KeyUsage", "ENCRYPT_DECRYPT");
        m.put("KeyState", k.state().name());
        if (k.deletionDate() != null) {
            m.set("DeletionDate", epochSeconds(k.deletionDate()));
            m.put("PendingDeletionWindowInDays", k.pendingWindowInDays());
        }
        m.put("Origin", "AWS_KMS");
        m.put("KeyManager", "CUSTOMER");
        m.put("CustomerMasterKeySpec", SYMMETRIC_DEFAULT);
        m.put("KeySpec", SYMMETRIC_DEFAULT);
        m.putArray("EncryptionAlgorithms").add(SYMMETRIC_DEFAULT);
        m.put("MultiRegion", false);
        return m;
    }

    private ObjectNode listKeys(Principal caller, KmsRequest r, AuditEntry audit) {
        authorizeIdentity(caller, "kms:ListKeys", true, audit);
        List<KeyRecord> keys = List.copyOf(store.current().keys());
        Page page = page(r, keys.size(), 1000, 100);
        ObjectNode out = NODES.objectNode();
        ArrayNode list = out.putArray("Keys");
        for (KeyRecord k : keys.subList(page.from, page.to)) {
            list.addObject().put("KeyId", k.keyId()).put("KeyArn", k.arn());
        }
        page.finish(out);
        return out;
    }

    private ObjectNode setEnabled(Principal caller, KmsRequest r, AuditEntry audit, boolean enable) {
        String op = enable ? "EnableKey" : "DisableKey";
        return mutateKey(caller, r, audit, op, k -> {
            requireNotPendingDeletion(k);
            return k.withState(enable ? KeyState.Enabled : KeyState.Disabled, null, null);
        }, k -> NODES.objectNode());
    }

    private ObjectNode scheduleKeyDeletion(Principal caller, KmsRequest r, AuditEntry audit) {
        int days = r.integer("PendingWindowInDays").orElse(30);
        if (days < 7 || days > 30) {
            throw KmsException.constraint(String.valueOf(days), "pendingWindowInDays",
                    "Member must have value between 7 and 30 (inclusive)");
        }
        return mutateKey(caller, r, audit, "ScheduleKeyDeletion", k -> {
            requireNotPendingDeletion(k);
            return k.withState(KeyState.PendingDeletion, now().plus(Duration.ofDays(days)), days);
        }, k -> {
            ObjectNode out = NODES.objectNode();
            out.put("KeyId", k.arn());
            out.set("DeletionDate", epochSeconds(k.deletionDate()));
            out.put("KeyState", k.state().name());
            out.put("PendingWindowInDays", days);
            return out;
        });
    }

    private ObjectNode cancelKeyDeletion(Principal caller, KmsRequest r, AuditEntry audit) {
        return mutateKey(caller, r, audit, "CancelKeyDeletion", k -> {
            if (k.state() != KeyState.PendingDeletion) {
                throw KmsException.invalidState(k.arn() + " is not pending deletion.");
            }
            return k.withState(KeyState.Disabled, null, null);
        }, k -> NODES.objectNode().put("KeyId", k.arn()));
    }

    private ObjectNode setRotation(Principal caller, KmsRequest r, AuditEntry audit, boolean enable) {
        Optional<Integer> period = r.integer("RotationPeriodInDays");
        if (period.isPresent() && (period.get() < 90 || period.get() > 2560)) {
            throw KmsException.constraint(String.valueOf(period.get()), "rotationPeriodInDays",
                    "Member must have value between 90 and 2560 (inclusive)");
        }
        return mutateKey(caller, r, audit, enable ? "EnableKeyRotation" : "DisableKeyRotation", k -> {
            requireEnabled(k);
            if (!enable) {
                return k.withRotation(false, k.rotationPeriodInDays(), null);
            }
            int days = period.orElse(k.rotationEnabled() ? k.rotationPeriodInDays() : 365);
            return k.withRotation(true, days, now().plus(Duration.ofDays(days)));
        }, k -> NODES.objectNode());
    }

    private ObjectNode getKeyRotationStatus(Principal caller, KmsRequest r, AuditEntry audit) {
        Resolved k = resolve(store.current(), r.requiredString("KeyId"), false, audit);
        authorize(caller, "GetKeyRotationStatus", k, null, audit);
        ObjectNode out = NODES.objectNode();
        out.put("KeyRotationEnabled", k.key.rotationEnabled());
        out.put("KeyId", k.key.arn());
        if (k.key.rotationEnabled()) {
            out.put("RotationPeriodInDays", k.key.rotationPeriodInDays());
            out.set("NextRotationDate", epochSeconds(k.key.nextRotationDate()));
        }
        return out;
    }

    private ObjectNode rotateKeyOnDemand(Principal caller, KmsRequest r, AuditEntry audit) {
        return mutateKey(caller, r, audit, "RotateKeyOnDemand", k -> {
            requireEnabled(k);
            if (k.onDemandRotations().size() >= MAX_ON_DEMAND_ROTATIONS) {
                throw new KmsException("LimitExceededException", "The on-demand rotations limit has been reached for the"
                        + " given keyId. No more on-demand rotations can be performed for this key: " + k.arn());
            }
            return k.rotated(now(), true);
        }, k -> NODES.objectNode().put("KeyId", k.arn()));
    }

    private ObjectNode getKeyPolicy(Principal caller, KmsRequest r, AuditEntry audit) {
        Resolved k = resolve(store.current(), r.requiredString("KeyId"), false, audit);
        String name = policyName(r);
        authorize(caller, "GetKeyPolicy", k, null, audit);
        return NODES.objectNode().put("Policy", k.key.policy()).put("PolicyName", name);
    }

    private ObjectNode putKeyPolicy(Principal caller, KmsRequest r, AuditEntry audit) {
        policyName(r);
        String text = r.requiredString("Policy");
        boolean bypass = r.bool("BypassPolicyLockoutSafetyCheck");
        return mutateKey(caller, r, audit, "PutKeyPolicy", k -> {
            requireNotPendingDeletion(k);
            KeyPolicy policy = parsePolicy(text);
            if (!bypass) {
                lockoutCheck(policy, caller, k.arn());
            }
            return k.withPolicy(text, policy);
        }, k -> NODES.objectNode());
    }

    private static String policyName(KmsRequest r) {
        String name = r.string("PolicyName").orElse("default");
        if (!name.equals("default")) {
            throw KmsException.notFound("No such policy exists");
        }
        return name;
    }

    /** Parses and checks a policy document. @throws KmsException MalformedPolicyDocumentException */
    public KeyPolicy parsePolicy(String text) {
        if (text.length() > 32768) {
            throw KmsException.constraint("'...'", "policy", "Member must have length less than or equal to 32768");
        }
        KeyPolicy policy;
        try {
            policy = KeyPolicy.parse(text);
        } catch (MalformedPolicyException e) {
            throw new KmsException("MalformedPolicyDocumentException", e.getMessage());
        }
        for (String p : policy.principalEntries()) {
            Matcher m = Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):(role|user)/.+").matcher(p);
            if (m.matches() && m.group(1).equals(settings.account()) && !settings.knownPrincipals().contains(p)) {
                throw new KmsException("MalformedPolicyDocumentException",
                        "Policy contains a statement with one or more invalid principals: " + p + " does not exist");
            }
        }
        return policy;
    }

    private void lockoutCheck(KeyPolicy policy, Principal caller, String keyArn) {
        PolicyDecision d = policy.evaluate(caller, "kms:PutKeyPolicy", keyArn, baseContext(caller, null).build(),
                settings.rootMeansAccount());
        if (d.effect() != PolicyDecision.Effect.ALLOW) {
            throw new KmsException("MalformedPolicyDocumentException",
                    "The new key policy will not allow you to update the key policy in the future.");
        }
    }

    private ObjectNode mutateKey(Principal caller, KmsRequest r, AuditEntry audit, String action,
                                 java.util.function.UnaryOperator<KeyRecord> change,
                                 java.util.function.Function<KeyRecord, ObjectNode> response) {
        String keyId = r.requiredString("KeyId");
        KeyRecord after = store.update(s -> {
            Resolved k = resolve(s, keyId, false, audit);
            authorize(caller, action, k, null, audit);
            KeyRecord changed = change.apply(k.key);
            return new Change<>(s.withKey(changed), changed);
        });
        return response.apply(after);
    }

    // ---------------------------------------------------------------- aliases

    private ObjectNode createAlias(Principal caller, KmsRequest r, AuditEntry audit) {
        String name = aliasName(r.requiredString("AliasName"));
        String target = r.requiredString("TargetKeyId");
        store.update(s -> {
            Resolved k = resolve(s, target, false, audit);
            authorize(caller, "CreateAlias", k, null, audit);
            requireNotPendingDeletion(k.key);
            if (s.alias(name).isPresent()) {
                throw new KmsException("AlreadyExistsException", "An alias with the name " + aliasArn(name) + " already exists");
            }
            Instant now = now();
            return new Change<>(s.withAlias(new AliasRecord(name, k.key.keyId(), now, now)), null);
        });
        return NODES.objectNode();
    }

    private ObjectNode updateAlias(Principal caller, KmsRequest r, AuditEntry audit) {
        String name = aliasName(r.requiredString("AliasName"));
        String target = r.requiredString("TargetKeyId");
        store.update(s -> {
            AliasRecord alias = s.alias(name).orElseThrow(() -> KmsException.notFound("Alias " + aliasArn(name) + " is not found."));
            Resolved current = new Resolved(s.key(alias.targetKeyId()).orElseThrow(), name);
            Resolved next = resolve(s, target, false, audit);
            authorize(caller, "UpdateAlias", current, null, audit);
            authorize(caller, "UpdateAlias", next, null, audit);
            requireNotPendingDeletion(next.key);
            return new Change<>(s.withAlias(alias.retarget(next.key.keyId(), now())), null);
        });
        return NODES.objectNode();
    }

    private ObjectNode deleteAlias(Principal caller, KmsRequest r, AuditEntry audit) {
        String name = aliasName(r.requiredString("AliasName"));
        store.update(s -> {
            AliasRecord alias = s.alias(name).orElseThrow(() -> KmsException.notFound("Alias " + aliasArn(name) + " is not found."));
            authorize(caller, "DeleteAlias", new Resolved(s.key(alias.targetKeyId()).orElseThrow(), name), null, audit);
            return new Change<>(s.withoutAlias(name), null);
        });
        return NODES.objectNode();
    }

    private ObjectNode listAliases(Principal caller, KmsRequest r, AuditEntry audit) {
        authorizeIdentity(caller, "kms:ListAliases", true, audit);
        KmsState s = store.current();
        Optional<String> keyFilter = r.string("KeyId").map(id -> resolve(s, id, false, audit).key.keyId());
        List<AliasRecord> aliases = s.aliases().stream()
                .filter(a -> keyFilter.isEmpty() || a.targetKeyId().equals(keyFilter.get())).toList();
        Page page = page(r, aliases.size(), 100, 50);
        ObjectNode out = NODES.objectNode();
        ArrayNode list = out.putArray("Aliases");
        for (AliasRecord a : aliases.subList(page.from, page.to)) {
            ObjectNode n = list.addObject();
            n.put("AliasName", a.name());
            n.put("AliasArn", aliasArn(a.name()));
            n.put("TargetKeyId", a.targetKeyId());
            n.set("CreationDate", epochSeconds(a.creationDate()));
            n.set("LastUpdatedDate", epochSeconds(a.lastUpdatedDate()));
        }
        page.finish(out);
        return out;
    }

    private static String aliasName(String name) {
        if (name.startsWith("alias/aws/")) {
            throw new KmsException("NotAuthorizedException", "Alias names beginning with alias/aws/ are reserved for AWS managed keys");
        }
        if (!ALIAS_NAME.matcher(name).matches()) {
            throw KmsException.constraint("'" + name + "'", "aliasName",
                    "Member must satisfy regular expression pattern: ^alias/[a-zA-Z0-9/_-]+$");
        }
        return name;
    }

    private String aliasArn(String aliasName) {
        return "arn:" + settings.partition() + ":kms:" + settings.region() + ":" + settings.account() + ":" + aliasName;
    }

    // ---------------------------------------------------------------- cryptographic operations

    private ObjectNode generateDataKey(Principal caller, KmsRequest r, AuditEntry audit, boolean withPlaintext) {
        String op = withPlaintext ? "GenerateDataKey" : "GenerateDataKeyWithoutPlaintext";
        Map<String, String> context = context(r, "EncryptionContext", audit);
        Optional<Integer> bytes = r.integer("NumberOfBytes");
        Optional<String> spec = r.string("KeySpec");
        r.stringList("GrantTokens");
        if (bytes.isPresent() == spec.isPresent()) {
            throw KmsException.validation(bytes.isPresent() ? "Please specify either number of bytes or key spec, not both."
                    : "Please specify either number of bytes or key spec.");
        }
        int length;
        if (bytes.isPresent()) {
            length = bytes.get();
            if (length < 1 || length > 1024) {
                throw KmsException.constraint(String.valueOf(length), "numberOfBytes",
                        "Member must have value between 1 and 1024 (inclusive)");
            }
        } else {
            length = switch (spec.get()) {
                case "AES_256" -> 32;
                case "AES_128" -> 16;
                default -> throw KmsException.constraint("'" + spec.get() + "'", "keySpec",
                        "Member must satisfy enum value set: [AES_256, AES_128]");
            };
        }
        if (r.has("Recipient")) {
            throw unsupported("Recipient (Nitro Enclaves attestation)");
        }
        Resolved k = resolve(store.current(), r.requiredString("KeyId"), true, audit);
        requireEnabled(k.key);
        authorize(caller, op, k, context, audit);
        dryRun(r);
        byte[] dataKey = new byte[length];
        RANDOM.nextBytes(dataKey);
        CiphertextBlob blob = k.key.currentMaterial().seal(k.key.keyId(), dataKey, EncryptionContextEncoding.encode(context));
        ObjectNode out = NODES.objectNode();
        out.put("CiphertextBlob", blob.toBytes());
        if (withPlaintext) {
            out.put("Plaintext", dataKey);
        }
        out.put("KeyId", k.key.arn());
        return out;
    }

    private ObjectNode encrypt(Principal caller, KmsRequest r, AuditEntry audit) {
        Map<String, String> context = context(r, "EncryptionContext", audit);
        byte[] plaintext = r.requiredBlob("Plaintext");
        checkLength(plaintext, "plaintext", 4096);
        algorithm(r, "EncryptionAlgorithm");
        r.stringList("GrantTokens");
        Resolved k = resolve(store.current(), r.requiredString("KeyId"), true, audit);
        requireEnabled(k.key);
        authorize(caller, "Encrypt", k, context, audit);
        dryRun(r);
        CiphertextBlob blob = k.key.currentMaterial().seal(k.key.keyId(), plaintext, EncryptionContextEncoding.encode(context));
        ObjectNode out = NODES.objectNode();
        out.put("CiphertextBlob", blob.toBytes());
        out.put("KeyId", k.key.arn());
        out.put("EncryptionAlgorithm", SYMMETRIC_DEFAULT);
        return out;
    }

    private ObjectNode decrypt(Principal caller, KmsRequest r, AuditEntry audit) {
        Map<String, String> context = context(r, "EncryptionContext", audit);
        byte[] ciphertext = r.requiredBlob("CiphertextBlob");
        checkLength(ciphertext, "ciphertextBlob", 6144);
        algorithm(r, "EncryptionAlgorithm");
        r.stringList("GrantTokens");
        if (r.has("Recipient")) {
            throw unsupported("Recipient (Nitro Enclaves attestation)");
        }
        KmsState s = store.current();
        Opened opened = open(caller, s, ciphertext, r.string("KeyId"), context, "Decrypt", audit);
        dryRun(r);
        ObjectNode out = NODES.objectNode();
        out.put("KeyId", opened.key.arn());
        out.put("Plaintext", opened.plaintext);
        out.put("EncryptionAlgorithm", SYMMETRIC_DEFAULT);
        return out;
    }

    private ObjectNode reEncrypt(Principal caller, KmsRequest r, AuditEntry audit) {
        Map<String, String> sourceContext = r.stringMap("SourceEncryptionContext");
        Map<String, String> destinationContext = context(r, "DestinationEncryptionContext", audit);
        byte[] ciphertext = r.requiredBlob("CiphertextBlob");
        checkLength(ciphertext, "ciphertextBlob", 6144);
        algorithm(r, "SourceEncryptionAlgorithm");
        algorithm(r, "DestinationEncryptionAlgorithm");
        r.stringList("GrantTokens");
        String destinationId = r.requiredString("DestinationKeyId");
        KmsState s = store.current();
        Opened source = open(caller, s, ciphertext, r.string("SourceKeyId"), sourceContext, "ReEncryptFrom", audit);
        String sourceArn = source.key.arn();
        audit.sourceKey(sourceArn);
        Resolved destination = resolve(s, destinationId, true, audit);
        requireEnabled(destination.key);
        authorize(caller, "ReEncryptTo", destination, destinationContext, audit);
        dryRun(r);
        CiphertextBlob blob = destination.key.currentMaterial().seal(destination.key.keyId(), source.plaintext,
                EncryptionContextEncoding.encode(destinationContext));
        ObjectNode out = NODES.objectNode();
        out.put("CiphertextBlob", blob.toBytes());
        out.put("SourceKeyId", sourceArn);
        out.put("KeyId", destination.key.arn());
        out.put("SourceEncryptionAlgorithm", SYMMETRIC_DEFAULT);
        out.put("DestinationEncryptionAlgorithm", SYMMETRIC_DEFAULT);
        return out;
    }

    /**
     * Opens a blob in AWS's order of checks: the given KeyId resolves (NotFound), the blob parses (InvalidCiphertext),
     * its key exists (AccessDenied), matches KeyId (IncorrectKey), is usable (Disabled/KMSInvalidState), the caller is
     * authorized, and the tag verifies under the recorded material version and context (InvalidCiphertext).
     */
    private record Opened(KeyRecord key, byte[] plaintext) {}

    private Opened open(Principal caller, KmsState s, byte[] ciphertext, Optional<String> keyIdInput,
                        Map<String, String> context, String action, AuditEntry audit) {
        Optional<Resolved> requested = keyIdInput.map(id -> resolve(s, id, true, audit));
        CiphertextBlob blob = CiphertextBlob.parse(ciphertext).orElseThrow(() -> new KmsException("InvalidCiphertextException", ""));
        KeyRecord key = s.key(blob.keyId()).orElseThrow(() -> KmsException.accessDenied("The ciphertext refers to a customer"
                + " master key that does not exist, does not exist in this region, or you are not allowed to access."));
        audit.key(key.arn());
        if (requested.isPresent() && !requested.get().key.keyId().equals(key.keyId())) {
            throw new KmsException("IncorrectKeyException",
                    "The key ID in the request does not identify a CMK that can perform this operation.");
        }
        requireEnabled(key);
        authorize(caller, action, new Resolved(key, requested.map(Resolved::alias).orElse(null)), context, audit);
        KeyMaterial material = key.material(blob.materialVersion()).orElseThrow(() -> new KmsException("InvalidCiphertextException", ""));
        byte[] plaintext = material.open(blob, EncryptionContextEncoding.encode(context))
                .orElseThrow(() -> new KmsException("InvalidCiphertextException", ""));
        return new Opened(key, plaintext);
    }

    private ObjectNode generateRandom(Principal caller, KmsRequest r, AuditEntry audit) {
        authorizeIdentity(caller, "kms:GenerateRandom", true, audit);
        if (r.has("CustomKeyStoreId")) {
            throw unsupported("custom key stores");
        }
        int n = r.integer("NumberOfBytes").orElseThrow(() ->
                KmsException.constraint("null", "numberOfBytes", "Member must not be null"));
        if (n < 1 || n > 1024) {
            throw KmsException.constraint(String.valueOf(n), "numberOfBytes", "Member must have value between 1 and 1024 (inclusive)");
        }
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return NODES.objectNode().put("Plaintext", bytes);
    }

    private Map<String, String> context(KmsRequest r, String member, AuditEntry audit) {
        Map<String, String> context = r.stringMap(member);
        audit.context(context);
        return context;
    }

    private static void checkLength(byte[] blob, String field, int max) {
        if (blob.length < 1) {
            throw KmsException.constraint("java.nio.HeapByteBuffer[pos=0 lim=0 cap=0]", field, "Member must have length greater than or equal to 1");
        }
        if (blob.length > max) {
            throw KmsException.constraint("java.nio.HeapByteBuffer[pos=0 lim=" + blob.length + " cap=" + blob.length + "]", field,
                    "Member must have length less than or equal to " + max);
        }
    }

    private static void algorithm(KmsRequest r, String member) {
        r.string(member).filter(a -> !a.equals(SYMMETRIC_DEFAULT)).ifPresent(a -> {
            throw new KmsException("InvalidKeyUsageException", "Algorithm " + a + " is incompatible with a symmetric key (use "
                    + SYMMETRIC_DEFAULT + ")");
        });
    }

    private static void dryRun(KmsRequest r) {
        if (r.bool("DryRun")) {
            throw new KmsException("DryRunOperationException", "The request would have succeeded, but the DryRun option is set.");
        }
    }

    // ---------------------------------------------------------------- grants

    private ObjectNode createGrant(Principal caller, KmsRequest r, AuditEntry audit) {
        String keyId = r.requiredString("KeyId");
        String grantee = principalArn(r.requiredString("GranteePrincipal"), "granteePrincipal");
        String retiring = r.string("RetiringPrincipal").map(p -> principalArn(p, "retiringPrincipal")).orElse(null);
        if (!r.has("Operations")) {
            throw KmsException.constraint("null", "operations", "Member must not be null");
        }
        List<String> ops = r.stringList("Operations");
        if (ops.isEmpty()) {
            throw KmsException.constraint("[]", "operations", "Member must have length greater than or equal to 1");
        }
        for (String op : ops) {
            if (!GRANT_OPERATIONS.contains(op)) {
                throw KmsException.constraint("'" + op + "'", "operations", "Member must satisfy enum value set: " + GRANT_OPERATIONS);
            }
        }
        Optional<KmsRequest> constraints = r.object("Constraints");
        Map<String, String> equalsConstraint = constraints.flatMap(c -> c.optionalStringMap("EncryptionContextEquals")).orElse(null);
        Map<String, String> subsetConstraint = constraints.flatMap(c -> c.optionalStringMap("EncryptionContextSubset")).orElse(null);
        String name = r.string("Name").orElse(null);
        if (name != null && !GRANT_NAME.matcher(name).matches()) {
            throw KmsException.constraint("'" + name + "'", "name", "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$");
        }
        r.stringList("GrantTokens");
        GrantRecord created = store.update(s -> {
            Resolved k = resolve(s, keyId, false, audit);
            requireNotPendingDeletion(k.key);
            GrantRecord proposed = new GrantRecord(newGrantId(), newGrantToken(), k.key.keyId(), name, now(), grantee, retiring,
                    caller.account(), ops, equalsConstraint, subsetConstraint);
            authorizeCreateGrant(caller, k, proposed, audit);
            dryRun(r);
            if (name != null) {
                for (GrantRecord g : s.grantsFor(k.key.keyId())) {
                    if (name.equals(g.name()) && g.granteePrincipal().equals(grantee) && Set.copyOf(g.operations()).equals(Set.copyOf(ops))
                            && java.util.Objects.equals(g.retiringPrincipal(), retiring)
                            && java.util.Objects.equals(g.encryptionContextEquals(), proposed.encryptionContextEquals())
                            && java.util.Objects.equals(g.encryptionContextSubset(), proposed.encryptionContextSubset())) {
                        return new Change<>(s, g); // AWS: same name and parameters return the existing grant
                    }
                }
            }
            return new Change<>(s.withGrant(proposed), proposed);
        });
        audit.grant(created.grantId());
        return NODES.objectNode().put("GrantToken", created.grantToken()).put("GrantId", created.grantId());
    }

    /** A key policy allowing kms:CreateGrant, or a grant with CreateGrant whose power the new grant does not exceed. */
    private void authorizeCreateGrant(Principal caller, Resolved k, GrantRecord proposed, AuditEntry audit) {
        RequestContext.Builder full = baseContext(caller, k.alias);
        grantContextInto(full, proposed);
        PolicyDecision d = k.key.parsedPolicy().evaluate(caller, "kms:CreateGrant", k.key.arn(), full.build(), settings.rootMeansAccount());
        if (d.effect() == PolicyDecision.Effect.EXPLICIT_DENY) {
            deny(caller, "CreateGrant", k.key, true, d, audit);
        }
        if (d.effect() == PolicyDecision.Effect.ALLOW) {
            audit.decided(AuditEntry.Decision.allow, "policy:" + d.statementSid());
            return;
        }
        for (GrantRecord g : store.current().grantsFor(k.key.keyId())) {
            if (g.granteePrincipal().equals(caller.arn()) && g.operations().contains("CreateGrant")
                    && g.operations().containsAll(proposed.operations()) && atLeastAsStrict(proposed, g)) {
                audit.decided(AuditEntry.Decision.allow, "grant:" + g.grantId());
                return;
            }
        }
        deny(caller, "CreateGrant", k.key, false, d, audit);
    }

    private static void grantContextInto(RequestContext.Builder b, GrantRecord g) {
        b.putAll("kms:GrantOperations", g.operations());
        b.put("kms:GranteePrincipal", g.granteePrincipal());
        b.put("kms:GrantIsForAWSResource", "false");
        if (g.retiringPrincipal() != null) {
            b.put("kms:RetiringPrincipal", g.retiringPrincipal());
        }
        if (g.encryptionContextEquals() != null) {
            b.put("kms:GrantConstraintType", "EncryptionContextEquals");
        } else if (g.encryptionContextSubset() != null) {
            b.put("kms:GrantConstraintType", "EncryptionContextSubset");
        }
    }

    /** A grant made through a constrained grant must be constrained at least as tightly. */
    private static boolean atLeastAsStrict(GrantRecord proposed, GrantRecord parent) {
        if (!parent.hasConstraints()) {
            return true;
        }
        if (parent.encryptionContextEquals() != null) {
            return parent.encryptionContextEquals().equals(proposed.encryptionContextEquals());
        }
        Map<String, String> required = parent.encryptionContextSubset();
        Map<String, String> offered = proposed.encryptionContextEquals() != null ? proposed.encryptionContextEquals()
                : proposed.encryptionContextSubset();
        return offered != null && offered.entrySet().containsAll(required.entrySet());
    }

    private ObjectNode listGrants(Principal caller, KmsRequest r, AuditEntry audit) {
        KmsState s = store.current();
        Resolved k = resolve(s, r.requiredString("KeyId"), false, audit);
        authorize(caller, "ListGrants", k, null, audit);
        Optional<String> grantId = r.string("GrantId");
        Optional<String> grantee = r.string("GranteePrincipal");
        List<GrantRecord> grants = s.grantsFor(k.key.keyId()).stream()
                .filter(g -> grantId.isEmpty() || g.grantId().equals(grantId.get()))
                .filter(g -> grantee.isEmpty() || g.granteePrincipal().equals(grantee.get()))
                .toList();
        Page page = page(r, grants.size(), 100, 50);
        ObjectNode out = NODES.objectNode();
        ArrayNode list = out.putArray("Grants");
        for (GrantRecord g : grants.subList(page.from, page.to)) {
            ObjectNode n = list.addObject();
            n.put("KeyId", k.key.arn());
            n.put("GrantId", g.grantId());
            if (g.name() != null) {
                n.put("Name", g.name());
            }
            n.set("CreationDate", epochSeconds(g.creationDate()));
            n.put("GranteePrincipal", g.granteePrincipal());
            if (g.retiringPrincipal() != null) {
                n.put("RetiringPrincipal", g.retiringPrincipal());
            }
            n.put("IssuingAccount", "arn:aws:iam::" + g.issuingAccount() + ":root");
            ArrayNode ops = n.putArray("Operations");
            g.operations().forEach(ops::add);
            if (g.hasConstraints()) {
                ObjectNode c = n.putObject("Constraints");
                if (g.encryptionContextEquals() != null) {
                    ObjectNode eq = c.putObject("EncryptionContextEquals");
                    g.encryptionContextEquals().forEach(eq::put);
                }
                if (g.encryptionContextSubset() != null) {
                    ObjectNode sub = c.putObject("EncryptionContextSubset");
                    g.encryptionContextSubset().forEach(sub::put);
                }
            }
        }
        page.finish(out);
        return out;
    }

    private ObjectNode revokeGrant(Principal caller, KmsRequest r, AuditEntry audit) {
        String keyId = r.requiredString("KeyId");
        String grantId = r.requiredString("GrantId");
        audit.grant(grantId);
        store.update(s -> {
            Resolved k = resolve(s, keyId, false, audit);
            authorize(caller, "RevokeGrant", k, null, audit);
            GrantRecord g = s.grant(grantId).filter(x -> x.keyId().equals(k.key.keyId()))
                    .orElseThrow(() -> KmsException.notFound("Grant ID " + grantId + " not found"));
            dryRun(r);
            return new Change<>(s.withoutGrant(g.grantId()), null);
        });
        return NODES.objectNode();
    }

    private ObjectNode retireGrant(Principal caller, KmsRequest r, AuditEntry audit) {
        Optional<String> token = r.string("GrantToken");
        Optional<String> keyId = r.string("KeyId");
        Optional<String> grantId = r.string("GrantId");
        if (token.isEmpty() && (keyId.isEmpty() || grantId.isEmpty())) {
            throw KmsException.validation("Either GrantToken, or both KeyId and GrantId, must be specified");
        }
        store.update(s -> {
            GrantRecord g;
            KeyRecord key;
            if (token.isPresent()) {
                g = s.grantByToken(token.get()).orElseThrow(() -> new KmsException("InvalidGrantTokenException", "Grant token is invalid"));
                key = s.key(g.keyId()).orElseThrow();
            } else {
                key = resolve(s, keyId.get(), false, audit).key;
                g = s.grant(grantId.get()).filter(x -> x.keyId().equals(key.keyId()))
                        .orElseThrow(() -> KmsException.notFound("Grant ID " + grantId.get() + " not found"));
            }
            audit.key(key.arn());
            audit.grant(g.grantId());
            if (caller.arn().equals(g.retiringPrincipal())) {
                audit.decided(AuditEntry.Decision.allow, "retiring-principal");
            } else if (caller.arn().equals(g.granteePrincipal()) && g.operations().contains("RetireGrant")) {
                audit.decided(AuditEntry.Decision.allow, "grant:" + g.grantId());
            } else {
                PolicyDecision d = key.parsedPolicy().evaluate(caller, "kms:RetireGrant", key.arn(),
                        baseContext(caller, null).build(), settings.rootMeansAccount());
                if (d.effect() != PolicyDecision.Effect.ALLOW) {
                    deny(caller, "RetireGrant", key, d.effect() == PolicyDecision.Effect.EXPLICIT_DENY, d, audit);
                }
                audit.decided(AuditEntry.Decision.allow, "policy:" + d.statementSid());
            }
            dryRun(r);
            return new Change<>(s.withoutGrant(g.grantId()), null);
        });
        return NODES.objectNode();
    }

    private String principalArn(String arn, String field) {
        if (!IAM_ARN.matcher(arn).matches()) {
            throw KmsException.constraint("'" + arn + "'", field, "Member must be an IAM principal ARN (arn:aws:iam::<account>:role/<name>)");
        }
        return arn;
    }

    private static String newGrantId() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static String newGrantToken() {
        byte[] b = new byte[96];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    // ---------------------------------------------------------------- resolution and authorization

    /** A key, and the alias name the request used to reach it (null if it named the key directly). */
    private record Resolved(KeyRecord key, String alias) {}

    private Resolved resolve(KmsState s, String input, boolean aliasAllowed, AuditEntry audit) {
        if (input.isEmpty() || input.length() > 2048) {
            throw KmsException.constraint("'" + input + "'", "keyId", "Member must have length between 1 and 2048");
        }
        String keyId;
        String alias = null;
        String displayArn;
        if (input.startsWith("arn:")) {
            Matcher m = KMS_ARN.matcher(input);
            if (!m.matches()) {
                throw KmsException.notFound("Invalid arn " + input);
            }
            boolean ours = m.group(1).equals(settings.partition()) && m.group(2).equals(settings.region())
                    && m.group(3).equals(settings.account());
            if (m.group(4).equals("alias")) {
                if (!aliasAllowed) {
                    throw KmsException.notFound("Invalid keyId " + input);
                }
                if (!ours) {
                    throw KmsException.notFound("Alias " + input + " is not found.");
                }
                alias = "alias/" + m.group(5);
            } else if (!ours) {
                throw KmsException.notFound("Key '" + input + "' does not exist");
            }
            keyId = m.group(4).equals("key") ? m.group(5) : null;
        } else if (input.startsWith("alias/")) {
            if (!aliasAllowed) {
                throw KmsException.notFound("Invalid keyId " + input);
            }
            alias = input;
            keyId = null;
        } else {
            keyId = input;
        }
        if (alias != null) {
            String name = alias;
            AliasRecord a = s.alias(name).orElseThrow(() -> KmsException.notFound("Alias " + aliasArn(name) + " is not found."));
            keyId = a.targetKeyId();
        }
        displayArn = naming.keyArn(keyId);
        KeyRecord key = s.key(keyId).orElseThrow(() -> KmsException.notFound("Key '" + displayArn + "' does not exist"));
        audit.key(key.arn());
        return new Resolved(key, alias);
    }

    private static void requireEnabled(KeyRecord k) {
        switch (k.state()) {
            case Enabled -> { }
            case Disabled -> throw new KmsException("DisabledException", k.arn() + " is disabled.");
            case PendingDeletion -> throw KmsException.invalidState(k.arn() + " is pending deletion.");
        }
    }

    private static void requireNotPendingDeletion(KeyRecord k) {
        if (k.state() == KeyState.PendingDeletion) {
            throw KmsException.invalidState(k.arn() + " is pending deletion.");
        }
    }

    private RequestContext.Builder baseContext(Principal caller, String alias) {
        RequestContext.Builder b = RequestContext.builder()
                .put("kms:CallerAccount", caller.account())
                .put("aws:PrincipalArn", caller.arn())
                .put("aws:PrincipalAccount", caller.account())
                .put("aws:SecureTransport", "false")
                .put("kms:KeySpec", SYMMETRIC_DEFAULT)
                .put("kms:KeyUsage", "ENCRYPT_DECRYPT")
                .put("kms:KeyOrigin", "AWS_KMS");
        if (alias != null) {
            b.put("kms:RequestAlias", alias);
        }
        return b;
    }

    /**
     * Allows {@code kms:<operation>} on the key if the key policy allows it and no statement denies it, or a grant
     * for the caller includes the operation and its constraints admit {@code context}.
     *
     * @param context the request's encryption context (null for operations without one)
     */
    private void authorize(Principal caller, String operation, Resolved k, Map<String, String> context, AuditEntry audit) {
        RequestContext.Builder b = baseContext(caller, k.alias);
        if (context != null) {
            b.encryptionContext(context);
            b.put("kms:EncryptionAlgorithm", SYMMETRIC_DEFAULT);
        }
        String action = "kms:" + operation;
        PolicyDecision d = k.key.parsedPolicy().evaluate(caller, action, k.key.arn(), b.build(), settings.rootMeansAccount());
        switch (d.effect()) {
            case EXPLICIT_DENY -> deny(caller, operation, k.key, true, d, audit);
            case ALLOW -> {
                audit.decided(AuditEntry.Decision.allow, "policy:" + d.statementSid());
                return;
            }
            case IMPLICIT_DENY -> { }
        }
        if (GRANT_OPERATIONS.contains(operation)) {
            for (GrantRecord g : store.current().grantsFor(k.key.keyId())) {
                if (g.granteePrincipal().equals(caller.arn()) && g.operations().contains(operation)
                        && (!CONTEXT_OPERATIONS.contains(operation) || g.admits(context == null ? Map.of() : context))) {
                    audit.decided(AuditEntry.Decision.allow, "grant:" + g.grantId());
                    return;
                }
            }
        }
        deny(caller, operation, k.key, false, d, audit);
    }

    private static void deny(Principal caller, String operation, KeyRecord key, boolean explicit, PolicyDecision d, AuditEntry audit) {
        audit.decided(AuditEntry.Decision.deny, explicit ? "policy:" + d.statementSid() + " (explicit deny)" : "no matching policy statement or grant");
        throw KmsException.accessDenied("User: " + caller.arn() + " is not authorized to perform: kms:" + operation
                + " on resource: " + key.arn()
                + (explicit ? " with an explicit deny in a resource-based policy"
                        : " because no resource-based policy allows the kms:" + operation + " action"));
    }

    private static void authorizeIdentity(Principal caller, String action, boolean allowed, AuditEntry audit) {
        if (!allowed) {
            audit.decided(AuditEntry.Decision.deny, "identity: not a governance key admin");
            throw KmsException.accessDenied("User: " + caller.arn() + " is not authorized to perform: " + action
                    + " on resource: * because no identity-based policy allows the " + action + " action");
        }
        audit.decided(AuditEntry.Decision.allow, "identity");
    }

    private static KmsException unsupported(String what) {
        return new KmsException("UnsupportedOperationException", "localkms supports only symmetric ENCRYPT_DECRYPT keys"
                + " in its own key store; not supported: " + what);
    }

    // ---------------------------------------------------------------- helpers

    private Instant now() {
        return settings.clock().instant();
    }

    /** Epoch seconds with millisecond fraction, as AWS JSON timestamps are. */
    private static com.fasterxml.jackson.databind.JsonNode epochSeconds(Instant t) {
        return NODES.numberNode(BigDecimal.valueOf(t.toEpochMilli()).movePointLeft(3));
    }

    /** Offset pagination with an opaque marker, as List* operations do. */
    private static final class Page {
        final int from;
        final int to;
        final int total;

        Page(int from, int to, int total) {
            this.from = from;
            this.to = to;
            this.total = total;
        }

        void finish(ObjectNode out) {
            out.put("Truncated", to < total);
            if (to < total) {
                out.put("NextMarker", Base64.getEncoder().encodeToString(("offset:" + to).getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    private static Page page(KmsRequest r, int total, int maxLimit, int defaultLimit) {
        int limit = r.integer("Limit").orElse(defaultLimit);
        if (limit < 1 || limit > maxLimit) {
            throw KmsException.constraint(String.valueOf(limit), "limit", "Member must have value between 1 and " + maxLimit + " (inclusive)");
        }
        int from = 0;
        Optional<String> marker = r.string("Marker");
        if (marker.isPresent()) {
            try {
                String text = new String(Base64.getDecoder().decode(marker.get()), StandardCharsets.UTF_8);
                if (!text.startsWith("offset:")) {
                    throw new IllegalArgumentException();
                }
                from = Integer.parseInt(text.substring("offset:".length()));
            } catch (IllegalArgumentException e) {
                throw new KmsException("InvalidMarkerException", "Invalid marker " + marker.get());
            }
            if (from < 0 || from > total) {
                throw new KmsException("InvalidMarkerException", "Invalid marker " + marker.get());
            }
        }
        return new Page(from, Math.min(total, from + limit), total);
    }
}
