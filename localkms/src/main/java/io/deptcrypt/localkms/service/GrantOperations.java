package io.deptcrypt.localkms.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.localkms.policy.Principal;
import io.deptcrypt.localkms.state.GrantRecord;
import io.deptcrypt.localkms.state.KeyRecord;
import io.deptcrypt.localkms.state.KmsState;
import io.deptcrypt.localkms.state.StateStore;
import io.deptcrypt.localkms.state.StateStore.Change;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Grant operations: CreateGrant, ListGrants, RevokeGrant, RetireGrant. Grants take effect on the very next call (AWS
 * is eventually consistent); grant tokens are accepted and ignored elsewhere.
 */
final class GrantOperations {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern GRANT_NAME = Pattern.compile("[a-zA-Z0-9:/_-]{1,256}");
    private static final Pattern IAM_ARN = Pattern.compile("arn:aws[a-z-]*:(iam|sts)::(\\d{12}):.+");

    private final ServiceSettings settings;
    private final StateStore store;
    private final KeyResolver resolver;
    private final Authorizer authorizer;

    GrantOperations(ServiceSettings settings, StateStore store, KeyResolver resolver, Authorizer authorizer) {
        this.settings = settings;
        this.store = store;
        this.resolver = resolver;
        this.authorizer = authorizer;
    }

    Map<String, Operation> operations() {
        Map<String, Operation> ops = new LinkedHashMap<>();
        ops.put("CreateGrant", this::createGrant);
        ops.put("ListGrants", this::listGrants);
        ops.put("RevokeGrant", this::revokeGrant);
        ops.put("RetireGrant", this::retireGrant);
        return ops;
    }

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
            if (!GrantRecord.OPERATIONS.contains(op)) {
                throw KmsException.constraint("'" + op + "'", "operations",
                        "Member must satisfy enum value set: " + GrantRecord.OPERATIONS);
            }
        }
        Optional<KmsRequest> constraints = r.object("Constraints");
        Map<String, String> equalsConstraint = constraints.flatMap(c -> c.optionalStringMap("EncryptionContextEquals")).orElse(null);
        Map<String, String> subsetConstraint = constraints.flatMap(c -> c.optionalStringMap("EncryptionContextSubset")).orElse(null);
        String name = r.string("Name").orElse(null);
        if (name != null && !GRANT_NAME.matcher(name).matches()) {
            throw KmsException.constraint("'" + name + "'", "name",
                    "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$");
        }
        r.stringList("GrantTokens");
        GrantRecord created = store.update(s -> {
            ResolvedKey k = resolver.resolve(s, keyId, false, audit);
            KeyResolver.requireNotPendingDeletion(k.key());
            GrantRecord proposed = new GrantRecord(newGrantId(), newGrantToken(), k.key().keyId(), name, settings.now(), grantee,
                    retiring, caller.account(), ops, equalsConstraint, subsetConstraint);
            authorizer.authorizeCreateGrant(s, caller, k, proposed, audit);
            r.stopIfDryRun();
            Optional<GrantRecord> same = name == null ? Optional.empty()
                    : s.grantsFor(k.key().keyId()).stream().filter(g -> sameGrant(g, proposed)).findFirst();
            // AWS: the same name and parameters return the existing grant.
            return same.map(g -> new Change<>(s, g)).orElseGet(() -> new Change<>(s.withGrant(proposed), proposed));
        });
        audit.grant(created.grantId());
        return AwsJson.object().put("GrantToken", created.grantToken()).put("GrantId", created.grantId());
    }

    private static boolean sameGrant(GrantRecord g, GrantRecord proposed) {
        return Objects.equals(g.name(), proposed.name()) && g.granteePrincipal().equals(proposed.granteePrincipal())
                && Set.copyOf(g.operations()).equals(Set.copyOf(proposed.operations()))
                && Objects.equals(g.retiringPrincipal(), proposed.retiringPrincipal())
                && Objects.equals(g.encryptionContextEquals(), proposed.encryptionContextEquals())
                && Objects.equals(g.encryptionContextSubset(), proposed.encryptionContextSubset());
    }

    private ObjectNode listGrants(Principal caller, KmsRequest r, AuditEntry audit) {
        KmsState s = store.current();
        ResolvedKey k = resolver.resolve(s, r.requiredString("KeyId"), false, audit);
        authorizer.authorize(s, caller, "ListGrants", k, null, audit);
        Optional<String> grantId = r.string("GrantId");
        Optional<String> grantee = r.string("GranteePrincipal");
        List<GrantRecord> grants = s.grantsFor(k.key().keyId()).stream()
                .filter(g -> grantId.isEmpty() || g.grantId().equals(grantId.get()))
                .filter(g -> grantee.isEmpty() || g.granteePrincipal().equals(grantee.get()))
                .toList();
        Page page = Page.of(r, grants.size(), 100, 50);
        ObjectNode out = AwsJson.object();
        ArrayNode list = out.putArray("Grants");
        for (GrantRecord g : grants.subList(page.from, page.to)) {
            listEntry(list.addObject(), k.key(), g);
        }
        page.finish(out);
        return out;
    }

    private static void listEntry(ObjectNode n, KeyRecord key, GrantRecord g) {
        n.put("KeyId", key.arn());
        n.put("GrantId", g.grantId());
        if (g.name() != null) {
            n.put("Name", g.name());
        }
        n.set("CreationDate", AwsJson.epochSeconds(g.creationDate()));
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

    private ObjectNode revokeGrant(Principal caller, KmsRequest r, AuditEntry audit) {
        String keyId = r.requiredString("KeyId");
        String grantId = r.requiredString("GrantId");
        audit.grant(grantId);
        store.update(s -> {
            ResolvedKey k = resolver.resolve(s, keyId, false, audit);
            authorizer.authorize(s, caller, "RevokeGrant", k, null, audit);
            GrantRecord g = grantOfKey(s, grantId, k.key());
            r.stopIfDryRun();
            return new Change<>(s.withoutGrant(g.grantId()), null);
        });
        return AwsJson.object();
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
                g = s.grantByToken(token.get()).orElseThrow(() ->
                        new KmsException(KmsErrorCode.INVALID_GRANT_TOKEN, "Grant token is invalid"));
                key = s.key(g.keyId()).orElseThrow();
            } else {
                key = resolver.resolve(s, keyId.get(), false, audit).key();
                g = grantOfKey(s, grantId.get(), key);
            }
            audit.key(key.arn());
            audit.grant(g.grantId());
            authorizer.authorizeRetireGrant(s, caller, key, g, audit);
            r.stopIfDryRun();
            return new Change<>(s.withoutGrant(g.grantId()), null);
        });
        return AwsJson.object();
    }

    private static GrantRecord grantOfKey(KmsState s, String grantId, KeyRecord key) {
        return s.grant(grantId).filter(x -> x.keyId().equals(key.keyId()))
                .orElseThrow(() -> KmsException.notFound("Grant ID " + grantId + " not found"));
    }

    private static String principalArn(String arn, String field) {
        if (!IAM_ARN.matcher(arn).matches()) {
            throw KmsException.constraint("'" + arn + "'", field,
                    "Member must be an IAM principal ARN (arn:aws:iam::<account>:role/<name>)");
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
}
