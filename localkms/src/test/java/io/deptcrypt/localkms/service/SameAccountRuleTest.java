package io.deptcrypt.localkms.service;

import static io.deptcrypt.localkms.service.AuthorizerTest.ACCOUNT;
import static io.deptcrypt.localkms.service.AuthorizerTest.ADMIN;
import static io.deptcrypt.localkms.service.AuthorizerTest.FINANCE;
import static io.deptcrypt.localkms.service.AuthorizerTest.OTHER;
import static io.deptcrypt.localkms.service.AuthorizerTest.READER;
import static io.deptcrypt.localkms.service.AuthorizerTest.allow;
import static io.deptcrypt.localkms.service.AuthorizerTest.assertAllowed;
import static io.deptcrypt.localkms.service.AuthorizerTest.assertDenied;
import static io.deptcrypt.localkms.service.AuthorizerTest.audit;
import static io.deptcrypt.localkms.service.AuthorizerTest.grant;
import static io.deptcrypt.localkms.service.AuthorizerTest.key;
import static io.deptcrypt.localkms.service.AuthorizerTest.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.localkms.AccessKey;
import io.deptcrypt.localkms.policy.IdentityPolicy;
import io.deptcrypt.localkms.policy.KeyPolicy;
import io.deptcrypt.localkms.policy.MalformedPolicyException;
import io.deptcrypt.localkms.policy.Principal;
import io.deptcrypt.localkms.state.AliasRecord;
import io.deptcrypt.localkms.state.GrantRecord;
import io.deptcrypt.localkms.state.KeyRecord;
import io.deptcrypt.localkms.state.KmsState;
import io.deptcrypt.localkms.state.PrincipalRecord;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Authorizer with IAM identity policies, called directly: each branch of AWS's same-account rule (explicit deny in
 * either policy; allow by name; account root + identity allow), a principal without an identity policy keeping the
 * {@code rootMeansAccount} behaviour, {@code kms:ResourceAliases}, and the identity policy deciding operations on no
 * key and on aliases.
 */
class SameAccountRuleTest {

    static final String ROOT = "arn:aws:iam::" + ACCOUNT + ":root";
    static final String KEYS = "arn:aws:kms:us-east-1:" + ACCOUNT + ":key/*";
    static final Authorizer ROOT_MEANS_ACCOUNT = new Authorizer(true);
    static final Authorizer ROOT_MEANS_NOBODY = new Authorizer(false);

    /** What the AWS rendering does: the account administers (here: describes, decrypts) through IAM. */
    static String rootAllows(String sid, String actions) {
        return "{\"Sid\":\"" + sid + "\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ROOT + "\"},\"Action\":" + actions
                + ",\"Resource\":\"*\"}";
    }

    static IdentityPolicy identity(String... statements) {
        try {
            return IdentityPolicy.parse("{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}");
        } catch (MalformedPolicyException e) {
            throw new AssertionError(e);
        }
    }

    static String iamAllow(String sid, String actions, String resource, String condition) {
        return "{\"Sid\":\"" + sid + "\",\"Effect\":\"Allow\",\"Action\":" + actions + ",\"Resource\":\"" + resource + "\""
                + (condition == null ? "" : ",\"Condition\":" + condition) + "}";
    }

    static String iamDeny(String sid, String actions) {
        return "{\"Sid\":\"" + sid + "\",\"Effect\":\"Deny\",\"Action\":" + actions + ",\"Resource\":\"*\"}";
    }

    static final String FINANCE_CONTEXT = "{\"StringEquals\":{\"kms:EncryptionContext:department\":\"finance\"}}";

    /** A state with one key, its aliases, grants, and ADMIN, READER, OTHER with the given identity policies. */
    static KmsState state(KeyRecord key, Map<Principal, IdentityPolicy> identities, List<String> aliases, GrantRecord... grants) {
        Map<String, PrincipalRecord> principals = new LinkedHashMap<>();
        for (Principal p : List.of(ADMIN, READER, OTHER)) {
            principals.put(p.name(), new PrincipalRecord(new AccessKey(p.name(), p.arn(), "AKIA" + p.name(), "secret"),
                    p == ADMIN, identities.get(p)));
        }
        Map<String, AliasRecord> aliasRecords = new LinkedHashMap<>();
        aliases.forEach(a -> aliasRecords.put(a, new AliasRecord(a, key.keyId(), Instant.EPOCH, Instant.EPOCH)));
        Map<String, GrantRecord> byId = new LinkedHashMap<>();
        for (GrantRecord g : grants) {
            byId.put(g.grantId(), g);
        }
        return new KmsState(Map.of(key.keyId(), key), aliasRecords, byId, principals);
    }

    static KmsState state(KeyRecord key, Principal who, IdentityPolicy identity, GrantRecord... grants) {
        return state(key, Map.of(who, identity), List.of(), grants);
    }

    @Test
    void anAllowNamingTheCallerNeedsNoIdentityPolicy() {
        KeyRecord k = key(policy(allow("ReadFinance", READER, "\"kms:Decrypt\"", FINANCE_CONTEXT)));
        // READER's identity policy allows nothing in KMS: the key policy naming its role is enough.
        KmsState s = state(k, READER, identity(iamAllow("Queue", "\"sqs:ReceiveMessage\"", "*", null)));
        for (Authorizer a : List.of(ROOT_MEANS_ACCOUNT, ROOT_MEANS_NOBODY)) {
            AuditEntry allowed = audit();
            a.authorize(s, READER, "Decrypt", ResolvedKey.direct(k), FINANCE, allowed);
            assertAllowed(allowed, "policy:ReadFinance");
        }
        AuditEntry wrongContext = audit();
        assertDenied(() -> ROOT_MEANS_ACCOUNT.authorize(s, READER, "Decrypt", ResolvedKey.direct(k), Map.of("department", "sales"),
                wrongContext), wrongContext, "because no resource-based policy allows the kms:Decrypt action",
                "no matching policy statement or grant");
    }

    @Test
    void theAccountRootAllowsWhatTheIdentityPolicyAlsoAllows() {
        KeyRecord k = key(policy(rootAllows("AccountThroughIam", "[\"kms:Decrypt\",\"kms:DescribeKey\"]")));
        KmsState s = state(k, READER, identity(iamAllow("DecryptFinance", "\"kms:Decrypt\"", KEYS, FINANCE_CONTEXT)));
        AuditEntry allowed = audit();
        ROOT_MEANS_NOBODY.authorize(s, READER, "Decrypt", ResolvedKey.direct(k), FINANCE, allowed);
        assertAllowed(allowed, "policy:AccountThroughIam + identity:DecryptFinance");

        // The identity policy's own condition counts: another department's context is not allowed by it.
        AuditEntry otherContext = audit();
        assertDenied(() -> ROOT_MEANS_ACCOUNT.authorize(s, READER, "Decrypt", ResolvedKey.direct(k), Map.of("department", "sales"),
                otherContext), otherContext, "User: " + READER.arn() + " is not authorized to perform: kms:Decrypt on resource: "
                        + k.arn() + " because no identity-based policy allows the kms:Decrypt action",
                "policy:AccountThroughIam delegates to IAM; no identity-policy statement or grant allows");
        // What the key policy does not give the account, the identity policy cannot add.
        AuditEntry notInKeyPolicy = audit();
        KmsState wide = state(k, READER, identity(iamAllow("Everything", "\"kms:*\"", "*", null)));
        assertDenied(() -> ROOT_MEANS_ACCOUNT.authorize(wide, READER, "Encrypt", ResolvedKey.direct(k), FINANCE, notInKeyPolicy),
                notInKeyPolicy, "because no resource-based policy allows the kms:Encrypt action",
                "no matching policy statement or grant");
        // The identity policy must cover the key's ARN.
        KmsState otherKey = state(k, READER, identity(iamAllow("OtherKey", "\"kms:Decrypt\"",
                "arn:aws:kms:us-east-1:" + ACCOUNT + ":key/k2", null)));
        AuditEntry wrongResource = audit();
        assertDenied(() -> ROOT_MEANS_ACCOUNT.authorize(otherKey, READER, "Decrypt", ResolvedKey.direct(k), FINANCE, wrongResource),
                wrongResource, "because no identity-based policy allows", "policy:AccountThroughIam delegates to IAM;"
                        + " no identity-policy statement or grant allows");
    }

    @Test
    void theAccountRootWithASilentIdentityPolicyDeniesWhileNoIdentityPolicyKeepsRootMeansAccount() {
        KeyRecord k = key(policy(rootAllows("AccountThroughIam", "\"kms:*\"")));
        KmsState s = state(k, READER, identity(iamAllow("DescribeOnly", "\"kms:DescribeKey\"", KEYS, null)));
        AuditEntry silent = audit();
        assertDenied(() -> ROOT_MEANS_ACCOUNT.authorize(s, READER, "Decrypt", ResolvedKey.direct(k), FINANCE, silent), silent,
                "because no identity-based policy allows the kms:Decrypt action",
                "policy:AccountThroughIam delegates to IAM; no identity-policy statement or grant allows");
        AuditEntry described = audit();
        ROOT_MEANS_ACCOUNT.authorize(s, READER, "DescribeKey", ResolvedKey.direct(k), null, described);
        assertAllowed(described, "policy:AccountThroughIam + identity:DescribeOnly");

        // OTHER has no identity policy: IAM allows everything if the root means the account, nothing otherwise.
        AuditEntry everything = audit();
        ROOT_MEANS_ACCOUNT.authorize(s, OTHER, "Decrypt", ResolvedKey.direct(k), FINANCE, everything);
        assertAllowed(everything, "policy:AccountThroughIam");
        AuditEntry nothing = audit();
        assertDenied(() -> ROOT_MEANS_NOBODY.authorize(s, OTHER, "Decrypt", ResolvedKey.direct(k), FINANCE, nothing), nothing,
                "because no resource-based policy allows the kms:Decrypt action", "no matching policy statement or grant");

        // A grant still allows what the silent identity policy does not (grants need no IAM permission).
        KmsState granted = state(k, READER, identity(iamAllow("DescribeOnly", "\"kms:DescribeKey\"", KEYS, null)),
                grant("g1", READER, List.of("Decrypt"), null, null));
        AuditEntry byGrant = audit();
        ROOT_MEANS_ACCOUNT.authorize(granted, READER, "Decrypt", ResolvedKey.direct(k), FINANCE, byGrant);
        assertAllowed(byGrant, "grant:g1");
    }

    @Test
    void anExplicitDenyInTheIdentityPolicyBeatsAKeyPolicyAllowAndAGrant() {
        KeyRecord k = key(policy(allow("ReadFinance", READER, "\"kms:Decrypt\"", null), rootAllows("Account", "\"kms:*\"")));
        KmsState s = state(k, READER, identity(iamAllow("All", "\"kms:*\"", "*", null), iamDeny("NeverDecrypt", "\"kms:Decrypt\"")),
                grant("g1", READER, List.of("Decrypt"), null, null));
        AuditEntry denied = audit();
        assertDenied(() -> ROOT_MEANS_ACCOUNT.authorize(s, READER, "Decrypt", ResolvedKey.direct(k), FINANCE, denied), denied,
                "User: " + READER.arn() + " is not authorized to perform: kms:Decrypt on resource: " + k.arn()
                        + " with an explicit deny in an identity-based policy", "identity:NeverDecrypt (explicit deny)");
        AuditEntry other = audit();
        ROOT_MEANS_ACCOUNT.authorize(s, READER, "Encrypt", ResolvedKey.direct(k), FINANCE, other);
        assertAllowed(other, "policy:Account + identity:All");
    }

    @Test
    void aKeyPolicyDenyNamingTheAccountReachesEveryPrincipalWithAnIdentityPolicy() {
        String denyAccount = "{\"Sid\":\"NoDecryptInAccount\",\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"" + ROOT
                + "\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}";
        KeyRecord k = key(policy(allow("ReadFinance", READER, "\"kms:Decrypt\"", null), denyAccount));
        KmsState s = state(k, READER, identity(iamAllow("Queue", "\"sqs:ReceiveMessage\"", "*", null)));
        AuditEntry denied = audit();
        assertDenied(() -> ROOT_MEANS_NOBODY.authorize(s, READER, "Decrypt", ResolvedKey.direct(k), FINANCE, denied), denied,
                "with an explicit deny in a resource-based policy", "policy:NoDecryptInAccount (explicit deny)");
        // Without an identity policy, as before: the root means nobody here, so the Deny does not reach READER.
        KmsState without = state(k, Map.of(), List.of());
        AuditEntry allowed = audit();
        ROOT_MEANS_NOBODY.authorize(without, READER, "Decrypt", ResolvedKey.direct(k), FINANCE, allowed);
        assertAllowed(allowed, "policy:ReadFinance");
    }

    @Test
    void resourceAliasesAreTheAliasesPointingAtTheKeyNow() {
        KeyRecord k = key(policy(rootAllows("Account", "\"kms:DescribeKey\"")));
        IdentityPolicy byAlias = identity(iamAllow("DescribeFinanceKeys", "\"kms:DescribeKey\"", KEYS,
                "{\"ForAnyValue:StringEquals\":{\"kms:ResourceAliases\":[\"alias/finance\",\"alias/finance-archive\"]}}"));
        for (List<String> aliases : List.of(List.of("alias/finance"), List.of("alias/a-first", "alias/finance-archive"))) {
            AuditEntry allowed = audit();
            ROOT_MEANS_ACCOUNT.authorize(state(k, Map.of(READER, byAlias), aliases), READER, "DescribeKey",
                    ResolvedKey.direct(k), null, allowed);
            assertAllowed(allowed, "policy:Account + identity:DescribeFinanceKeys");
        }
        for (List<String> aliases : List.<List<String>>of(List.of(), List.of("alias/sales"))) {
            AuditEntry denied = audit();
            assertDenied(() -> ROOT_MEANS_ACCOUNT.authorize(state(k, Map.of(READER, byAlias), aliases), READER, "DescribeKey",
                    ResolvedKey.direct(k), null, denied), denied, "because no identity-based policy allows",
                    "policy:Account delegates to IAM; no identity-policy statement or grant allows");
        }
        // The alias the request used is kms:RequestAlias; kms:ResourceAliases does not depend on it.
        IdentityPolicy viaAlias = identity(iamAllow("OnlyViaAlias", "\"kms:DescribeKey\"", KEYS,
                "{\"StringEquals\":{\"kms:RequestAlias\":\"alias/finance\"}}"));
        KmsState s = state(k, Map.of(READER, viaAlias), List.of("alias/finance"));
        AuditEntry named = audit();
        ROOT_MEANS_ACCOUNT.authorize(s, READER, "DescribeKey", new ResolvedKey(k, "alias/finance"), null, named);
        assertAllowed(named, "policy:Account + identity:OnlyViaAlias");
        AuditEntry direct = audit();
        assertDenied(() -> ROOT_MEANS_ACCOUNT.authorize(s, READER, "DescribeKey", ResolvedKey.direct(k), null, direct), direct,
                "because no identity-based policy allows", "policy:Account delegates to IAM; no identity-policy statement or grant allows");
    }

    @Test
    void operationsOnNoKeyAndOnAliasesAreTheIdentityPolicysOnce() {
        KeyRecord k = key(policy(allow("Admin", ADMIN, "\"kms:*\"", null)));
        IdentityPolicy adminIam = identity(iamAllow("List", "[\"kms:ListKeys\",\"kms:ListAliases\"]", "*", null),
                iamAllow("ManageFinanceAlias", "\"kms:CreateAlias\"", "arn:aws:kms:us-east-1:" + ACCOUNT + ":alias/finance", null));
        KmsState s = state(k, ADMIN, adminIam);
        AuditEntry listed = audit();
        ROOT_MEANS_ACCOUNT.authorizeIdentity(s, ADMIN, "kms:ListKeys", listed);
        assertAllowed(listed, "identity:List");
        // A key admin with an identity policy that does not allow CreateKey may not create keys (as in AWS) ...
        AuditEntry create = audit();
        assertDenied(() -> ROOT_MEANS_ACCOUNT.authorizeIdentity(s, ADMIN, "kms:CreateKey", create), create,
                "User: " + ADMIN.arn() + " is not authorized to perform: kms:CreateKey on resource: * because no identity-based"
                        + " policy allows the kms:CreateKey action", "identity: no identity-policy statement allows");
        // ... but SyncPrincipals is localkms's own: the key-admin flag decides it.
        AuditEntry sync = audit();
        ROOT_MEANS_ACCOUNT.authorizeIdentity(s, ADMIN, Authorizer.SYNC_PRINCIPALS_ACTION, sync);
        assertAllowed(sync, "identity");
        // READER has no identity policy: the fixed rules, as before.
        AuditEntry random = audit();
        ROOT_MEANS_ACCOUNT.authorizeIdentity(s, READER, "kms:GenerateRandom", random);
        assertAllowed(random, "identity");
        KmsState denying = state(k, READER, identity(iamDeny("NoRandom", "\"kms:GenerateRandom\"")));
        AuditEntry explicit = audit();
        assertDenied(() -> ROOT_MEANS_ACCOUNT.authorizeIdentity(denying, READER, "kms:GenerateRandom", explicit), explicit,
                "with an explicit deny in an identity-based policy", "identity:NoRandom (explicit deny)");

        String financeAlias = "arn:aws:kms:us-east-1:" + ACCOUNT + ":alias/finance";
        String salesAlias = "arn:aws:kms:us-east-1:" + ACCOUNT + ":alias/sales";
        ROOT_MEANS_ACCOUNT.authorizeAlias(s, ADMIN, "CreateAlias", financeAlias, audit());
        AuditEntry otherAlias = audit();
        assertDenied(() -> ROOT_MEANS_ACCOUNT.authorizeAlias(s, ADMIN, "CreateAlias", salesAlias, otherAlias), otherAlias,
                "kms:CreateAlias on resource: " + salesAlias + " because no identity-based policy allows",
                "identity: no identity-policy statement allows");
        ROOT_MEANS_ACCOUNT.authorizeAlias(s, READER, "CreateAlias", salesAlias, audit());
    }

    @Test
    void theLockoutCheckCountsTheIdentityPolicy() {
        KeyPolicy rootOnly = policy(rootAllows("Account", "\"kms:*\""));
        String arn = key(rootOnly).arn();
        KmsState mayPut = state(key(rootOnly), READER, identity(iamAllow("Put", "\"kms:PutKeyPolicy\"", KEYS, null)));
        ROOT_MEANS_NOBODY.checkLockout(mayPut, rootOnly, READER, arn);
        KmsState mayNot = state(key(rootOnly), READER, identity(iamAllow("Describe", "\"kms:DescribeKey\"", KEYS, null)));
        assertThatThrownBy(() -> ROOT_MEANS_ACCOUNT.checkLockout(mayNot, rootOnly, READER, arn))
                .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.code()).isEqualTo(KmsErrorCode.MALFORMED_POLICY_DOCUMENT));
    }

    @Test
    void createGrantAndRetireGrantFollowTheSameRule() {
        KeyRecord k = key(policy(rootAllows("Account", "[\"kms:CreateGrant\",\"kms:RetireGrant\"]")));
        KmsState s = state(k, Map.of(ADMIN, identity(iamAllow("Grants", "\"kms:CreateGrant\"", KEYS,
                "{\"ForAllValues:StringEquals\":{\"kms:GrantOperations\":\"Decrypt\"}}"))), List.of());
        AuditEntry allowed = audit();
        ROOT_MEANS_ACCOUNT.authorizeCreateGrant(s, ADMIN, ResolvedKey.direct(k), grant("new", READER, List.of("Decrypt"), null, null),
                allowed);
        assertAllowed(allowed, "policy:Account + identity:Grants");
        AuditEntry wider = audit();
        assertDenied(() -> ROOT_MEANS_ACCOUNT.authorizeCreateGrant(s, ADMIN, ResolvedKey.direct(k),
                grant("new", READER, List.of("Decrypt", "Encrypt"), null, null), wider), wider,
                "kms:CreateGrant on resource: " + k.arn() + " because no identity-based policy allows",
                "policy:Account delegates to IAM; no identity-policy statement or grant allows");
        AuditEntry retire = audit();
        assertDenied(() -> ROOT_MEANS_ACCOUNT.authorizeRetireGrant(s, ADMIN, k, grant("g1", READER, List.of("Decrypt"), null, null),
                retire), retire, "kms:RetireGrant on resource: " + k.arn() + " because no identity-based policy allows",
                "policy:Account delegates to IAM; no identity-policy statement or grant allows");
    }
}
