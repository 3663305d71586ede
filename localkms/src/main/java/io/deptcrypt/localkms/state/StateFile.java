package io.deptcrypt.localkms.state;

import static io.deptcrypt.localkms.state.StateFields.corrupt;
import static io.deptcrypt.localkms.state.StateFields.parseInstant;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.localkms.AccessKey;
import io.deptcrypt.localkms.crypto.KeyMaterial;
import io.deptcrypt.localkms.crypto.MasterKey;
import io.deptcrypt.localkms.policy.IdentityPolicy;
import io.deptcrypt.localkms.policy.KeyPolicy;
import io.deptcrypt.localkms.policy.MalformedPolicyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The JSON form of {@link KmsState} in {@code state.json}. Key material and access-key secrets are stored only sealed
 * under the master key; the {@code accessKeys} list is the set of known principals (with their identity policies,
 * if any). Reading validates everything and names the field that is wrong; it never repairs.
 */
public final class StateFile {

    public static final int FORMAT = 1;
    public static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final String partition;
    private final String region;
    private final String account;

    public StateFile(String partition, String region, String account) {
        this.partition = partition;
        this.region = region;
        this.account = account;
    }

    public String keyArn(String keyId) {
        return "arn:" + partition + ":kms:" + region + ":" + account + ":key/" + keyId;
    }

    public byte[] write(KmsState state, MasterKey master) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("account", account);
        root.put("region", region);
        ArrayNode keys = root.putArray("keys");
        for (KeyRecord k : state.keys()) {
            ObjectNode n = keys.addObject();
            n.put("keyId", k.keyId());
            n.put("creationDate", k.creationDate().toString());
            n.put("description", k.description());
            n.put("state", k.state().name());
            if (k.deletionDate() != null) {
                n.put("deletionDate", k.deletionDate().toString());
                n.put("pendingWindowInDays", k.pendingWindowInDays());
            }
            n.put("policy", k.policy());
            n.put("rotationEnabled", k.rotationEnabled());
            n.put("rotationPeriodInDays", k.rotationPeriodInDays());
            if (k.nextRotationDate() != null) {
                n.put("nextRotationDate", k.nextRotationDate().toString());
            }
            ArrayNode demands = n.putArray("onDemandRotations");
            k.onDemandRotations().forEach(i -> demands.add(i.toString()));
            ObjectNode tags = n.putObject("tags");
            k.tags().forEach(tags::put);
            ArrayNode materials = n.putArray("materials");
            for (KeyMaterial m : k.materials()) {
                materials.addObject()
                        .put("version", m.version())
                        .put("created", m.created().toString())
                        .put("sealed", master.seal(m.keyBytes(), materialLabel(k.keyId(), m.version())));
            }
        }
        ArrayNode aliases = root.putArray("aliases");
        for (AliasRecord a : state.aliases()) {
            aliases.addObject()
                    .put("name", a.name())
                    .put("targetKeyId", a.targetKeyId())
                    .put("creationDate", a.creationDate().toString())
                    .put("lastUpdatedDate", a.lastUpdatedDate().toString());
        }
        ArrayNode grants = root.putArray("grants");
        for (GrantRecord g : state.grants()) {
            ObjectNode n = grants.addObject();
            n.put("grantId", g.grantId());
            n.put("grantToken", g.grantToken());
            n.put("keyId", g.keyId());
            n.put("name", g.name());
            n.put("creationDate", g.creationDate().toString());
            n.put("granteePrincipal", g.granteePrincipal());
            n.put("retiringPrincipal", g.retiringPrincipal());
            n.put("issuingAccount", g.issuingAccount());
            ArrayNode ops = n.putArray("operations");
            g.operations().forEach(ops::add);
            if (g.encryptionContextEquals() != null) {
                ObjectNode eq = n.putObject("encryptionContextEquals");
                g.encryptionContextEquals().forEach(eq::put);
            }
            if (g.encryptionContextSubset() != null) {
                ObjectNode sub = n.putObject("encryptionContextSubset");
                g.encryptionContextSubset().forEach(sub::put);
            }
        }
        ArrayNode principals = root.putArray("accessKeys");
        for (PrincipalRecord p : state.principals().values()) {
            AccessKey k = p.accessKey();
            ObjectNode n = principals.addObject()
                    .put("application", k.application())
                    .put("principalArn", k.principalArn())
                    .put("keyAdmin", p.keyAdmin())
                    .put("accessKeyId", k.accessKeyId())
                    .put("sealedSecret", master.seal(k.secretAccessKey().getBytes(StandardCharsets.UTF_8),
                            secretLabel(k.accessKeyId())));
            if (p.identityPolicy() != null) {
                n.put("identityPolicy", p.identityPolicy().document());
            }
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise state", e);
        }
    }

    /** @throws CorruptStateException naming {@code source}, the field and the problem */
    public KmsState read(byte[] bytes, String source, MasterKey master) {
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            throw corrupt(source, "the file is empty");
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw corrupt(source, "not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw corrupt(source, "expected a JSON object at the top level");
        }
        StateFields top = new StateFields(source, "", root);
        int format = top.integer("format");
        if (format != FORMAT) {
            throw corrupt(source, "format " + format + " is not supported (this localkms reads format " + FORMAT + ")");
        }
        String fileAccount = top.text("account");
        String fileRegion = top.text("region");
        if (!fileAccount.equals(account) || !fileRegion.equals(region)) {
            throw new CorruptStateException(source + ": holds keys of account " + fileAccount + " region " + fileRegion
                    + " but governance says account " + account + " region " + region
                    + "; use another --state-dir for another account or region");
        }
        Map<String, KeyRecord> keys = new LinkedHashMap<>();
        List<JsonNode> keyNodes = top.array("keys");
        for (int i = 0; i < keyNodes.size(); i++) {
            KeyRecord k = key(new StateFields(source, "keys[" + i + "].", keyNodes.get(i)), master);
            if (keys.put(k.keyId(), k) != null) {
                throw corrupt(source, "keys[" + i + "].keyId: duplicate key id " + k.keyId());
            }
        }
        Map<String, AliasRecord> aliases = new LinkedHashMap<>();
        List<JsonNode> aliasNodes = top.array("aliases");
        for (int i = 0; i < aliasNodes.size(); i++) {
            StateFields f = new StateFields(source, "aliases[" + i + "].", aliasNodes.get(i));
            AliasRecord a = new AliasRecord(f.text("name"), f.text("targetKeyId"), f.instant("creationDate"), f.instant("lastUpdatedDate"));
            if (!keys.containsKey(a.targetKeyId())) {
                throw corrupt(source, f.prefix + "targetKeyId: key " + a.targetKeyId() + " does not exist");
            }
            aliases.put(a.name(), a);
        }
        Map<String, GrantRecord> grants = new LinkedHashMap<>();
        List<JsonNode> grantNodes = top.array("grants");
        for (int i = 0; i < grantNodes.size(); i++) {
            StateFields f = new StateFields(source, "grants[" + i + "].", grantNodes.get(i));
            GrantRecord g = new GrantRecord(f.text("grantId"), f.text("grantToken"), f.text("keyId"), f.optionalText("name"),
                    f.instant("creationDate"), f.text("granteePrincipal"), f.optionalText("retiringPrincipal"),
                    f.text("issuingAccount"), f.textList("operations"), f.optionalMap("encryptionContextEquals"),
                    f.optionalMap("encryptionContextSubset"));
            if (!keys.containsKey(g.keyId())) {
                throw corrupt(source, f.prefix + "keyId: key " + g.keyId() + " does not exist");
            }
            grants.put(g.grantId(), g);
        }
        Map<String, PrincipalRecord> principals = new LinkedHashMap<>();
        List<JsonNode> keyEntries = top.array("accessKeys");
        for (int i = 0; i < keyEntries.size(); i++) {
            StateFields f = new StateFields(source, "accessKeys[" + i + "].", keyEntries.get(i));
            String id = f.text("accessKeyId");
            String secret;
            try {
                secret = new String(master.open(f.text("sealedSecret"), secretLabel(id)), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw corrupt(source, f.prefix + "sealedSecret " + e.getMessage());
            }
            AccessKey k = new AccessKey(f.text("application"), f.text("principalArn"), id, secret);
            // Absent in files written before principals could change at run time; the start-up sync sets it anyway.
            boolean keyAdmin = f.node.hasNonNull("keyAdmin") && f.bool("keyAdmin");
            // Absent for principals without one, and in files written before identity policies existed.
            String identityText = f.optionalText("identityPolicy");
            IdentityPolicy identity = null;
            if (identityText != null) {
                try {
                    identity = IdentityPolicy.parse(identityText);
                } catch (MalformedPolicyException e) {
                    throw corrupt(source, f.prefix + "identityPolicy: " + e.getMessage());
                }
            }
            principals.put(k.application(), new PrincipalRecord(k, keyAdmin, identity));
        }
        return new KmsState(keys, aliases, grants, principals);
    }

    private KeyRecord key(StateFields f, MasterKey master) {
        String keyId = f.text("keyId");
        if (!KEY_ID.matcher(keyId).matches()) {
            throw corrupt(f.source, f.prefix + "keyId: '" + keyId + "' is not a valid key id");
        }
        KeyState state;
        try {
            state = KeyState.valueOf(f.text("state"));
        } catch (IllegalArgumentException e) {
            throw corrupt(f.source, f.prefix + "state: '" + f.text("state") + "' is not Enabled, Disabled or PendingDeletion");
        }
        Instant deletionDate = f.optionalInstant("deletionDate");
        if (state == KeyState.PendingDeletion && deletionDate == null) {
            throw corrupt(f.source, f.prefix + "deletionDate: missing for a key pending deletion");
        }
        String policy = f.text("policy");
        KeyPolicy parsed;
        try {
            parsed = KeyPolicy.parse(policy);
        } catch (MalformedPolicyException e) {
            throw corrupt(f.source, f.prefix + "policy: " + e.getMessage());
        }
        List<KeyMaterial> materials = new ArrayList<>();
        List<JsonNode> materialNodes = f.array("materials");
        if (materialNodes.isEmpty()) {
            throw corrupt(f.source, f.prefix + "materials: a key needs at least one material version");
        }
        for (int v = 0; v < materialNodes.size(); v++) {
            StateFields m = new StateFields(f.source, f.prefix + "materials[" + v + "].", materialNodes.get(v));
            if (m.integer("version") != v) {
                throw corrupt(f.source, m.prefix + "version: expected " + v + ", found " + m.integer("version"));
            }
            byte[] bytes;
            try {
                bytes = master.open(m.text("sealed"), materialLabel(keyId, v));
            } catch (IllegalArgumentException e) {
                throw corrupt(f.source, m.prefix + "sealed " + e.getMessage());
            }
            if (bytes.length != 32) {
                throw corrupt(f.source, m.prefix + "sealed: key material is " + bytes.length + " bytes, not 32");
            }
            materials.add(new KeyMaterial(v, m.instant("created"), bytes));
        }
        Integer window = f.node.hasNonNull("pendingWindowInDays") ? f.integer("pendingWindowInDays") : null;
        return new KeyRecord(keyId, keyArn(keyId), f.instant("creationDate"), f.text("description"), state, deletionDate,
                window, policy, parsed, f.bool("rotationEnabled"), f.integer("rotationPeriodInDays"),
                f.optionalInstant("nextRotationDate"),
                f.textList("onDemandRotations").stream().map(t -> parseInstant(f, "onDemandRotations", t)).toList(),
                materials, f.map("tags"));
    }

    private static String materialLabel(String keyId, int version) {
        return "key-material/" + keyId + "/" + version;
    }

    private static String secretLabel(String accessKeyId) {
        return "access-key/" + accessKeyId;
    }
}
