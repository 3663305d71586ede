package io.deptcrypt.iac;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.Governance.Application;
import io.deptcrypt.governance.KmsArn;
import io.deptcrypt.localkms.AccessKey;
import io.deptcrypt.localkms.crypto.KeyMaterial;
import io.deptcrypt.localkms.policy.IdentityPolicy;
import io.deptcrypt.localkms.policy.KeyPolicy;
import io.deptcrypt.localkms.policy.MalformedPolicyException;
import io.deptcrypt.localkms.policy.Principal;
import io.deptcrypt.localkms.service.AuditEntry;
import io.deptcrypt.localkms.service.Authorizer;
import io.deptcrypt.localkms.service.KmsErrorCode;
import io.deptcrypt.localkms.service.KmsException;
import io.deptcrypt.localkms.service.ResolvedKey;
import io.deptcrypt.localkms.state.AliasRecord;
import io.deptcrypt.localkms.state.GrantRecord;
import io.deptcrypt.localkms.state.KeyRecord;
import io.deptcrypt.localkms.state.KeyState;
import io.deptcrypt.localkms.state.KmsState;
import io.deptcrypt.localkms.state.PrincipalRecord;
import io.deptcrypt.policy.GovernedKey;
import io.deptcrypt.policy.KeyRole.Decision;
import io.deptcrypt.policy.KmsAccess;
import io.deptcrypt.policy.KmsAction;
import io.deptcrypt.policy.PolicyNames;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The AWS rendering of a governance file (key policies and IAM role policies) loaded into localkms's state, and the
 * access matrix it gives, decided by localkms's own {@link Authorizer} (the code the running server calls), with AWS's
 * same-account rule. Each governed key gets a made-up key id (or the id its key ARN names) and, for an alias ARN, that
 * alias; each application its rendered identity policy, or none when the rendering gives it none, which here means
 * that IAM allows it nothing ({@code rootMeansAccount} off), as in AWS.
 */
final class AwsRenderingEvaluator {

    private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

    private final Governance governance;
    private final Map<String, KeyRecord> keys;
    private final KmsState state;
    private final Authorizer authorizer;

    private AwsRenderingEvaluator(Governance governance, Map<String, KeyRecord> keys, KmsState state, Authorizer authorizer) {
        this.governance = governance;
        this.keys = keys;
        this.state = state;
        this.authorizer = authorizer;
    }

    /** Every key policy and every application's identity policy of {@code rendering}. */
    static AwsRenderingEvaluator of(Governance g, Rendering rendering) {
        return of(g, rendering, true, false);
    }

    /**
     * @param withIdentityPolicies false leaves every application without an identity policy
     * @param rootMeansAccount     what the account root then means (see {@code LocalKmsConfig})
     */
    static AwsRenderingEvaluator of(Governance g, Rendering rendering, boolean withIdentityPolicies, boolean rootMeansAccount) {
        Map<String, KeyRecord> keys = new LinkedHashMap<>();
        Map<String, AliasRecord> aliases = new LinkedHashMap<>();
        for (GovernedKey k : GovernedKey.of(g)) {
            KmsArn arn = k.arn();
            String keyId = arn.type() == KmsArn.Type.KEY ? arn.resource()
                    : UUID.nameUUIDFromBytes(arn.toString().getBytes(StandardCharsets.UTF_8)).toString();
            String policy = rendering.file(IacRenderer.keyPolicyFile(k.label()));
            keys.put(k.label(), new KeyRecord(keyId, "arn:" + arn.partition() + ":kms:" + arn.region() + ":" + arn.account()
                    + ":key/" + keyId, CREATED, k.label(), KeyState.Enabled, null, null, policy, parse(policy, k.label()),
                    false, 365, null, List.of(), List.of(KeyMaterial.generate(0, CREATED)), Map.of()));
            if (arn.type() == KmsArn.Type.ALIAS) {
                aliases.put(arn.aliasName(), new AliasRecord(arn.aliasName(), keyId, CREATED, CREATED));
            }
        }
        Map<String, PrincipalRecord> principals = new LinkedHashMap<>();
        for (Application app : g.applications()) {
            String permissions = rendering.files().get(IacRenderer.permissionsFile(app.name()));
            IdentityPolicy identity = withIdentityPolicies && permissions != null ? identity(permissions, app.name()) : null;
            principals.put(app.name(), new PrincipalRecord(new AccessKey(app.name(), app.role(), "AKIA" + app.name(), "unused"),
                    g.keyAdmins().contains(app.name()), identity));
        }
        Map<String, KeyRecord> byId = new LinkedHashMap<>();
        keys.values().forEach(k -> byId.put(k.keyId(), k));
        return new AwsRenderingEvaluator(g, keys, new KmsState(byId, aliases, Map.of(), principals),
                new Authorizer(rootMeansAccount));
    }

    /** Every cell, application by application, key by key, action by action, as {@link KmsAccess#cells()} orders them. */
    List<KmsAccess.Cell> cells() {
        List<KmsAccess.Cell> cells = new ArrayList<>();
        for (Application app : governance.applications()) {
            Principal caller = new Principal(app.name(), app.role(), governance.account());
            for (GovernedKey k : GovernedKey.of(governance)) {
                for (KmsAction a : KmsAction.values()) {
                    cells.add(new KmsAccess.Cell(app.name(), k.label(), a, decision(caller, k, a)));
                }
            }
        }
        return cells;
    }

    /**
     * As the API probe of the running localkms decides a cell: tried with the key's department context and, if that
     * is allowed, with another one.
     */
    private Decision decision(Principal caller, GovernedKey k, KmsAction action) {
        if (!allowed(caller, keys.get(k.label()), action, k.contextValue())) {
            return Decision.DENY;
        }
        if (!action.takesContext()) {
            return Decision.ALLOW;
        }
        return allowed(caller, keys.get(k.label()), action, "not-" + k.contextValue()) ? Decision.ALLOW
                : Decision.ALLOW_WITH_DEPARTMENT_CONTEXT;
    }

    private boolean allowed(Principal caller, KeyRecord key, KmsAction action, String department) {
        Map<String, String> context = action.takesContext() ? Map.of(PolicyNames.CONTEXT_KEY, department) : null;
        try {
            if (action == KmsAction.CREATE_GRANT) {
                GrantRecord proposed = new GrantRecord("probe", "probe-token", key.keyId(), null, CREATED, caller.arn(), null,
                        governance.account(), List.of("Decrypt"), null, null);
                authorizer.authorizeCreateGrant(state, caller, ResolvedKey.direct(key), proposed, audit());
            } else {
                for (String iamAction : action.iamActions()) {
                    authorizer.authorize(state, caller, iamAction.substring("kms:".length()), ResolvedKey.direct(key), context,
                            audit());
                }
            }
            return true;
        } catch (KmsException e) {
            if (e.code() != KmsErrorCode.ACCESS_DENIED) {
                throw e;
            }
            return false;
        }
    }

    private static AuditEntry audit() {
        return new AuditEntry(CREATED, "matrix", "127.0.0.1");
    }

    private static KeyPolicy parse(String policy, String label) {
        try {
            return KeyPolicy.parse(policy);
        } catch (MalformedPolicyException e) {
            throw new AssertionError("localkms refuses the rendered key policy of " + label + ": " + e.getMessage(), e);
        }
    }

    private static IdentityPolicy identity(String policy, String application) {
        try {
            return IdentityPolicy.parse(policy);
        } catch (MalformedPolicyException e) {
            throw new AssertionError("localkms refuses the rendered identity policy of " + application + ": " + e.getMessage(), e);
        }
    }
}
