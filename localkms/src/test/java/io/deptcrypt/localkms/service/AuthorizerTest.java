package io.deptcrypt.localkms.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.localkms.AccessKey;
import io.deptcrypt.localkms.crypto.KeyMaterial;
import io.deptcrypt.localkms.policy.KeyPolicy;
import io.deptcrypt.localkms.policy.MalformedPolicyException;
import io.deptcrypt.localkms.policy.Principal;
import io.deptcrypt.localkms.state.GrantRecord;
import io.deptcrypt.localkms.state.KeyRecord;
import io.deptcrypt.localkms.state.KeyState;
import io.deptcrypt.localkms.state.KmsState;
import io.deptcrypt.localkms.state.PrincipalRecord;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every decision of {@link Authorizer}, called directly (no HTTP): key policy and grants with explicit deny first,
 * the lockout safety check, CreateGrant's and RetireGrant's rules, and the identity rules of IAM-only operations.
 */
class AuthorizerTest {

    static final String ACCOUNT = "111122223333";
    static final Principal ADMIN = principal("key-admin");
    static final Principal READER = principal("finance-consumer");
    static final Principal OTHER = principal("sales-consumer");
    static final Map<String, String> FINANCE = Map.of("department", "finance");
    static final Authorizer AUTHORIZER = new Authorizer(true);

    static Principal principal(String name) {
        return new Principal(name, "arn:aws:iam::" + ACCOUNT + ":role/deptcrypt-" + name, ACCOUNT);
    }

    static String allow(String sid, Principal who, String actions, String condition) {
        return "{\"Sid\":\"" + sid + "\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + who.arn() + "\"},\"Action\":" + actions
                + ",\"Resource\":\"*\"" + (condition == null ? "" : ",\"Condition\":" + condition) + "}";
    }

    static String deny(String sid, String actions) {
        return "{\"Sid\":\"" + sid + "\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":" + actions + ",\"Resource\":\"*\"}";
    }

    static KeyPolicy policy(String... statements) {
        try {
            return KeyPolicy.parse("{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}");
        } catch (MalformedPolicyException e) {
            throw new AssertionError(e);
        }
    }

    /** The finance key's shape: admins manage, the reader decrypts with the finance context only. */
    static final KeyPolicy FINANCE_POLICY = policy(
            allow("Admin", ADMIN, "[\"kms:Describe*\",\"kms:Put*\",\"kms:CreateGrant\",\"kms:RetireGrant\"]", null),
            allow("ReadFinance", READER, "\"kms:Decrypt\"", "{\"StringEquals\":{\"kms:EncryptionContext:department\":\"finance\"}}"));

    static KeyRecord key(KeyPolicy policy) {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        return new KeyRecord("k1", "arn:aws:kms:us-east-1:" + ACCOUNT + ":key/k1", now, "", KeyState.Enabled, null, null, "{}",
                policy, false, 365, null, List.of(), List.of(KeyMaterial.generate(0, now)), Map.of());
    }

    static GrantRecord grant(String id, Principal grantee, List<String> ops, Map<String, String> equals, Map<String, String> subset) {
        return grant(id, grantee, null, ops, equals, subset);
    }

    static GrantRecord grant(String id, Principal grantee, Principal retiring, List<String> ops, Map<String, String> equals,
                             Map<String, String> subset) {
        return new GrantRecord(id, "token-" + id, "k1", null, Instant.EPOCH, grantee.arn(),
                retiring == null ? null : retiring.arn(), ACCOUNT, ops, equals, subset);
    }

    /** State holding {@code key}, its grants, and the three principals (ADMIN a key admin). */
    static KmsState state(KeyRecord key, GrantRecord... grants) {
        Map<String, PrincipalRecord> principals = new LinkedHashMap<>();
        for (Principal p : List.of(ADMIN, READER, OTHER)) {
            principals.put(p.name(), new PrincipalRecord(new AccessKey(p.name(), p.arn(), "AKIA" + p.name(), "secret"), p == ADMIN));
        }
        Map<String, GrantRecord> byId = new LinkedHashMap<>();
        for (GrantRecord g : grants) {
            byId.put(g.grantId(), g);
        }
        return new KmsState(Map.of(key.keyId(), key), Map.of(), byId, principals);
    }

    static AuditEntry audit() {
        return new AuditEntry(Instant.now(), "request", "127.0.0.1");
    }

    static void assertAllowed(AuditEntry audit, String reason) {
        assertThat(audit.decision).isEqualTo(AuditEntry.Decision.allow);
        assertThat(audit.reason).isEqualTo(reason);
    }

    static void assertDenied(Runnable call, AuditEntry audit, String messagePart, String reason) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(KmsException.class, e -> {
            assertThat(e.code()).isEqualTo(KmsErrorCode.ACCESS_DENIED);
            assertThat(e.getMessage()).contains(messagePart);
        });
        assertThat(audit.decision).isEqualTo(AuditEntry.Decision.deny);
        assertThat(audit.reason).isEqualTo(reason);
    }

    @Test
    void policyAllowsOnlyWhatItsStatementAndConditionSay() {
        KeyRecord k = key(FINANCE_POLICY);
        KmsState s = state(k);
        AuditEntry allowed = audit();
        AUTHORIZER.authorize(s, READER, "Decrypt", ResolvedKey.direct(k), FINANCE, allowed);
        assertAllowed(allowed, "policy:ReadFinance");

        AuditEntry wrongContext = audit();
        assertDenied(() -> AUTHORIZER.authorize(s, READER, "Decrypt", ResolvedKey.direct(k), Map.of("department", "sales"), wrongContext),
                wrongContext, "User: " + READER.arn() + " is not authorized to perform: kms:Decrypt on resource: " + k.arn()
                        + " because no resource-based policy allows the kms:Decrypt action", "no matching policy statement or grant");
        AuditEntry otherPrincipal = audit();
        assertDenied(() -> AUTHORIZER.authorize(s, OTHER, "Decrypt", ResolvedKey.direct(k), FINANCE, otherPrincipal),
                otherPrincipal, "because no resource-based policy allows", "no matching policy statement or grant");
        AuditEntry otherAction = audit();
        assertDenied(() -> AUTHORIZER.authorize(s, READER, "Encrypt", ResolvedKey.direct(k), FINANCE, otherAction),
                otherAction, "kms:Encrypt", "no matching policy statement or grant");
    }

    @Test
    void requestAliasIsAConditionKey() {
        KeyRecord k = key(policy(allow("ViaAlias", READER, "\"kms:DescribeKey\"",
                "{\"StringEquals\":{\"kms:RequestAlias\":\"alias/finance\"}}")));
        KmsState s = state(k);
        AuditEntry viaAlias = audit();
        AUTHORIZER.authorize(s, READER, "DescribeKey", new ResolvedKey(k, "alias/finance"), null, viaAlias);
        assertAllowed(viaAlias, "policy:ViaAlias");
        AuditEntry direct = audit();
        assertDenied(() -> AUTHORIZER.authorize(s, READER, "DescribeKey", ResolvedKey.direct(k), null, direct), direct,
                "kms:DescribeKey", "no matching policy statement or grant");
    }

    @Test
    void grantAllowsWithinItsContextConstraints() {
        KeyRecord k = key(FINANCE_POLICY);
        GrantRecord exact = grant("g-equals", OTHER, List.of("Decrypt"), Map.of("department", "finance"), null);
        KmsState s = state(k, exact);
        AuditEntry allowed = audit();
        AUTHORIZER.authorize(s, OTHER, "Decrypt", ResolvedKey.direct(k), FINANCE, allowed);
        assertAllowed(allowed, "grant:g-equals");
        // Equals: one pair more is refused; the grant does not cover other operations.
        AuditEntry extraPair = audit();
        assertDenied(() -> AUTHORIZER.authorize(s, OTHER, "Decrypt", ResolvedKey.direct(k), Map.of("department", "finance", "batch", "7"),
                extraPair), extraPair, "kms:Decrypt", "no matching policy statement or grant");
        AuditEntry otherOp = audit();
        assertDenied(() -> AUTHORIZER.authorize(s, OTHER, "Encrypt", ResolvedKey.direct(k), FINANCE, otherOp), otherOp,
                "kms:Encrypt", "no matching policy statement or grant");

        // Subset: the pairs must be present; keys compare case-insensitively, values exactly.
        KmsState subset = state(k, grant("g-subset", OTHER, List.of("Decrypt"), null, Map.of("DEPARTMENT", "finance")));
        AuditEntry more = audit();
        AUTHORIZER.authorize(subset, OTHER, "Decrypt", ResolvedKey.direct(k), Map.of("department", "finance", "batch", "7"), more);
        assertAllowed(more, "grant:g-subset");
        AuditEntry wrongValue = audit();
        assertDenied(() -> AUTHORIZER.authorize(subset, OTHER, "Decrypt", ResolvedKey.direct(k), Map.of("department", "Finance"),
                wrongValue), wrongValue, "kms:Decrypt", "no matching policy statement or grant");

        // Constraints apply only to operations with a context: DescribeKey through a constrained grant is allowed.
        KmsState describe = state(k, grant("g-describe", OTHER, List.of("DescribeKey"), Map.of("department", "finance"), null));
        AuditEntry described = audit();
        AUTHORIZER.authorize(describe, OTHER, "DescribeKey", ResolvedKey.direct(k), null, described);
        assertAllowed(described, "grant:g-describe");
        // A grant for someone else does nothing for the caller.
        AuditEntry notGrantee = audit();
        assertDenied(() -> AUTHORIZER.authorize(s, READER, "Decrypt", ResolvedKey.direct(k), Map.of("department", "sales"), notGrantee),
                notGrantee, "kms:Decrypt", "no matching policy statement or grant");
    }

    @Test
    void explicitDenyBeatsAnAllowAndAGrant() {
        KeyRecord k = key(policy(
                allow("ReadFinance", READER, "\"kms:Decrypt\"", null),
                deny("NoDecrypt", "\"kms:Decrypt\"")));
        KmsState s = state(k, grant("g1", READER, List.of("Decrypt"), null, null));
        AuditEntry audit = audit();
        assertDenied(() -> AUTHORIZER.authorize(s, READER, "Decrypt", ResolvedKey.direct(k), FINANCE, audit), audit,
                "User: " + READER.arn() + " is not authorized to perform: kms:Decrypt on resource: " + k.arn()
                        + " with an explicit deny in a resource-based policy", "policy:NoDecrypt (explicit deny)");
    }

    @Test
    void rootMeansEveryPrincipalOfTheAccountOnlyWhenConfigured() {
        KeyRecord k = key(policy("{\"Sid\":\"Root\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + ACCOUNT
                + ":root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}"));
        KmsState s = state(k);
        AuditEntry allowed = audit();
        new Authorizer(true).authorize(s, OTHER, "Encrypt", ResolvedKey.direct(k), Map.of(), allowed);
        assertAllowed(allowed, "policy:Root");
        AuditEntry denied = audit();
        assertDenied(() -> new Authorizer(false).authorize(s, OTHER, "Encrypt", ResolvedKey.direct(k), Map.of(), denied), denied,
                "kms:Encrypt", "no matching policy statement or grant");
    }

    @Test
    void lockoutCheckRefusesAPolicyTheCallerCouldNotChangeAgain() {
        String arn = key(FINANCE_POLICY).arn();
        AUTHORIZER.checkLockout(state(key(FINANCE_POLICY)), FINANCE_POLICY, ADMIN, arn);
        assertThatThrownBy(() -> AUTHORIZER.checkLockout(state(key(FINANCE_POLICY)), FINANCE_POLICY, READER, arn))
                .isInstanceOfSatisfying(KmsException.class, e -> {
                    assertThat(e.code()).isEqualTo(KmsErrorCode.MALFORMED_POLICY_DOCUMENT);
                    assertThat(e.getMessage()).isEqualTo("The new key policy will not allow you to update the key policy in the future.");
                });
        KeyPolicy deniesPut = policy(allow("Admin", ADMIN, "\"kms:*\"", null), deny("NoPut", "\"kms:PutKeyPolicy\""));
        assertThatThrownBy(() -> AUTHORIZER.checkLockout(state(key(deniesPut)), deniesPut, ADMIN, arn)).isInstanceOf(KmsException.class);
    }

    @Test
    void createGrantByPolicySeesTheGrantsConditionKeys() {
        KeyRecord k = key(policy(allow("DecryptGrantsOnly", ADMIN, "\"kms:CreateGrant\"",
                "{\"ForAllValues:StringEquals\":{\"kms:GrantOperations\":[\"Decrypt\"]},\"Bool\":{\"kms:GrantIsForAWSResource\":\"false\"}}")));
        KmsState s = state(k);
        AuditEntry allowed = audit();
        AUTHORIZER.authorizeCreateGrant(s, ADMIN, ResolvedKey.direct(k), grant("new", READER, List.of("Decrypt"), null, null), allowed);
        assertAllowed(allowed, "policy:DecryptGrantsOnly");
        AuditEntry wider = audit();
        assertDenied(() -> AUTHORIZER.authorizeCreateGrant(s, ADMIN, ResolvedKey.direct(k),
                grant("new", READER, List.of("Decrypt", "Encrypt"), null, null), wider), wider, "kms:CreateGrant",
                "no matching policy statement or grant");

        KeyRecord denied = key(policy(allow("Admin", ADMIN, "\"kms:*\"", null), deny("NoGrants", "\"kms:CreateGrant\"")));
        AuditEntry explicit = audit();
        assertDenied(() -> AUTHORIZER.authorizeCreateGrant(state(denied), ADMIN, ResolvedKey.direct(denied),
                grant("new", READER, List.of("Decrypt"), null, null), explicit), explicit, "with an explicit deny",
                "policy:NoGrants (explicit deny)");
    }

    @Test
    void createGrantThroughAGrantMayNotWidenOperationsOrLoosenConstraints() {
        KeyRecord k = key(FINANCE_POLICY);
        KmsState subsetParent = state(k, grant("parent", OTHER, List.of("Decrypt", "CreateGrant"), null, FINANCE));
        ResolvedKey rk = ResolvedKey.direct(k);

        AuditEntry stricter = audit();
        AUTHORIZER.authorizeCreateGrant(subsetParent, OTHER, rk,
                grant("child", READER, List.of("Decrypt"), Map.of("department", "finance", "batch", "7"), null), stricter);
        assertAllowed(stricter, "grant:parent");
        AuditEntry sameSubset = audit();
        AUTHORIZER.authorizeCreateGrant(subsetParent, OTHER, rk, grant("child", READER, List.of("Decrypt"), null,
                Map.of("department", "finance", "batch", "7")), sameSubset);
        assertAllowed(sameSubset, "grant:parent");

        AuditEntry widerOps = audit();
        assertDenied(() -> AUTHORIZER.authorizeCreateGrant(subsetParent, OTHER, rk,
                grant("child", READER, List.of("Decrypt", "Encrypt"), null, FINANCE), widerOps), widerOps, "kms:CreateGrant",
                "no matching policy statement or grant");
        AuditEntry unconstrained = audit();
        assertDenied(() -> AUTHORIZER.authorizeCreateGrant(subsetParent, OTHER, rk,
                grant("child", READER, List.of("Decrypt"), null, null), unconstrained), unconstrained, "kms:CreateGrant",
                "no matching policy statement or grant");
        AuditEntry otherPair = audit();
        assertDenied(() -> AUTHORIZER.authorizeCreateGrant(subsetParent, OTHER, rk,
                grant("child", READER, List.of("Decrypt"), null, Map.of("department", "sales")), otherPair), otherPair,
                "kms:CreateGrant", "no matching policy statement or grant");

        // An EncryptionContextEquals parent allows only the very same Equals constraint.
        KmsState equalsParent = state(k, grant("parent", OTHER, List.of("Decrypt", "CreateGrant"), FINANCE, null));
        AuditEntry same = audit();
        AUTHORIZER.authorizeCreateGrant(equalsParent, OTHER, rk, grant("child", READER, List.of("Decrypt"), FINANCE, null), same);
        assertAllowed(same, "grant:parent");
        AuditEntry subsetChild = audit();
        assertDenied(() -> AUTHORIZER.authorizeCreateGrant(equalsParent, OTHER, rk,
                grant("child", READER, List.of("Decrypt"), null, FINANCE), subsetChild), subsetChild, "kms:CreateGrant",
                "no matching policy statement or grant");

        // A grant without CreateGrant delegates nothing.
        KmsState noCreate = state(k, grant("parent", OTHER, List.of("Decrypt"), null, null));
        AuditEntry none = audit();
        assertDenied(() -> AUTHORIZER.authorizeCreateGrant(noCreate, OTHER, rk, grant("child", READER, List.of("Decrypt"), null, null),
                none), none, "kms:CreateGrant", "no matching policy statement or grant");
    }

    @Test
    void retireGrantByRetiringPrincipalGranteeWithRetireGrantOrPolicy() {
        KeyRecord k = key(FINANCE_POLICY);
        GrantRecord retirable = grant("g1", OTHER, READER, List.of("Decrypt"), null, null);
        AuditEntry byRetiree = audit();
        AUTHORIZER.authorizeRetireGrant(state(k), READER, k, retirable, byRetiree);
        assertAllowed(byRetiree, "retiring-principal");

        AuditEntry granteeWithout = audit();
        assertDenied(() -> AUTHORIZER.authorizeRetireGrant(state(k), OTHER, k, retirable, granteeWithout), granteeWithout,
                "kms:RetireGrant on resource: " + k.arn(), "no matching policy statement or grant");
        AuditEntry granteeWith = audit();
        AUTHORIZER.authorizeRetireGrant(state(k), OTHER, k, grant("g2", OTHER, List.of("Decrypt", "RetireGrant"), null, null), granteeWith);
        assertAllowed(granteeWith, "grant:g2");

        AuditEntry byPolicy = audit();
        AUTHORIZER.authorizeRetireGrant(state(k), ADMIN, k, retirable, byPolicy);
        assertAllowed(byPolicy, "policy:Admin");
        KeyRecord denying = key(policy(allow("Admin", ADMIN, "\"kms:*\"", null), deny("NoRetire", "\"kms:RetireGrant\"")));
        AuditEntry denied = audit();
        assertDenied(() -> AUTHORIZER.authorizeRetireGrant(state(denying), ADMIN, denying, retirable, denied), denied, "with an explicit deny",
                "policy:NoRetire (explicit deny)");
    }

    @Test
    void identityOnlyOperationsFollowFixedRules() {
        KmsState s = state(key(FINANCE_POLICY));
        for (String action : List.of("kms:CreateKey", Authorizer.SYNC_PRINCIPALS_ACTION)) {
            AuditEntry admin = audit();
            AUTHORIZER.authorizeIdentity(s, ADMIN, action, admin);
            assertAllowed(admin, "identity");
            AuditEntry reader = audit();
            assertDenied(() -> AUTHORIZER.authorizeIdentity(s, READER, action, reader), reader,
                    "User: " + READER.arn() + " is not authorized to perform: " + action + " on resource: * because no"
                            + " identity-based policy allows the " + action + " action", "identity: not a key admin");
        }
        for (String action : List.of("kms:ListKeys", "kms:ListAliases", "kms:GenerateRandom")) {
            AuditEntry reader = audit();
            AUTHORIZER.authorizeIdentity(s, READER, action, reader);
            assertAllowed(reader, "identity");
        }
        // Admin status is the current state's: a principal no longer known (or known under another role) is none.
        KmsState withoutAdmin = new KmsState(Map.of(), Map.of(), Map.of(), Map.of());
        AuditEntry removed = audit();
        assertDenied(() -> AUTHORIZER.authorizeIdentity(withoutAdmin, ADMIN, "kms:CreateKey", removed), removed,
                "kms:CreateKey", "identity: not a key admin");
        Principal impostor = new Principal(ADMIN.name(), OTHER.arn(), ACCOUNT);
        AuditEntry otherRole = audit();
        assertDenied(() -> AUTHORIZER.authorizeIdentity(s, impostor, "kms:CreateKey", otherRole), otherRole,
                "kms:CreateKey", "identity: not a key admin");
        assertThatThrownBy(() -> AUTHORIZER.authorizeIdentity(s, ADMIN, "kms:Decrypt", audit()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an identity-only action");
    }
}
