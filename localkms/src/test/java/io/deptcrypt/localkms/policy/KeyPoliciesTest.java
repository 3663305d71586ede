package io.deptcrypt.localkms.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.testkit.TestGovernance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policies generated from governance: stable Sids, exact principals, actions and conditions, and what they allow. */
class KeyPoliciesTest {

    static final Governance G = TestGovernance.governance();
    static final ObjectMapper JSON = new ObjectMapper();

    static Principal principal(String app) {
        return new Principal(app, G.application(app).role(), G.account());
    }

    static RequestContext context(Map<String, String> encryptionContext) {
        return RequestContext.builder().put("kms:CallerAccount", G.account()).encryptionContext(encryptionContext).build();
    }

    static PolicyDecision.Effect decide(KeyPolicy p, String app, String action, Map<String, String> ctx) {
        return p.evaluate(principal(app), action, "arn:aws:kms:us-east-1:111122223333:key/k", context(ctx), true).effect();
    }

    @Test
    void financePolicyShape() throws Exception {
        JsonNode policy = JSON.readTree(KeyPolicies.forDepartment(G, G.department("finance")));
        assertThat(policy.path("Version").asText()).isEqualTo("2012-10-17");
        assertThat(policy.path("Id").asText()).isEqualTo("deptcrypt-finance");
        List<String> sids = new ArrayList<>();
        policy.path("Statement").forEach(s -> sids.add(s.path("Sid").asText()));
        assertThat(sids).containsExactly(KeyPolicies.SID_KEY_ADMINISTRATION, KeyPolicies.SID_OWNER_ENCRYPT,
                KeyPolicies.SID_READERS_DECRYPT, KeyPolicies.SID_USERS_DESCRIBE);
        JsonNode owner = policy.path("Statement").get(1);
        assertThat(owner.path("Principal").path("AWS").get(0).asText()).isEqualTo("arn:aws:iam::111122223333:role/deptcrypt-encryptor");
        assertThat(owner.path("Action").toString()).isEqualTo("[\"kms:GenerateDataKey*\",\"kms:Encrypt\"]");
        assertThat(owner.path("Condition").toString()).isEqualTo("{\"StringEquals\":{\"kms:EncryptionContext:department\":\"finance\"}}");
        JsonNode readers = policy.path("Statement").get(2);
        assertThat(readers.path("Principal").path("AWS").toString()).isEqualTo("[\"arn:aws:iam::111122223333:role/deptcrypt-finance-consumer\"]");
        assertThat(readers.path("Action").toString()).isEqualTo("[\"kms:Decrypt\"]");
        assertThat(policy.path("Statement").get(0).path("Principal").path("AWS").toString())
                .isEqualTo("[\"arn:aws:iam::111122223333:role/deptcrypt-key-admin\"]");
        assertThat(policy.toString()).doesNotContain(":root");
        // Deterministic: the same governance gives the same text.
        assertThat(KeyPolicies.forDepartment(G, G.department("finance"))).isEqualTo(KeyPolicies.forDepartment(G, G.department("finance")));
    }

    @Test
    void financePolicyAllowsExactlyWhatGovernanceSays() throws Exception {
        KeyPolicy p = KeyPolicy.parse(KeyPolicies.forDepartment(G, G.department("finance")));
        Map<String, String> finance = Map.of("department", "finance");
        Map<String, String> sales = Map.of("department", "sales");
        assertThat(decide(p, "encryptor", "kms:GenerateDataKey", finance)).isEqualTo(PolicyDecision.Effect.ALLOW);
        assertThat(decide(p, "encryptor", "kms:GenerateDataKeyWithoutPlaintext", finance)).isEqualTo(PolicyDecision.Effect.ALLOW);
        assertThat(decide(p, "encryptor", "kms:Encrypt", finance)).isEqualTo(PolicyDecision.Effect.ALLOW);
        assertThat(decide(p, "encryptor", "kms:GenerateDataKey", sales)).isEqualTo(PolicyDecision.Effect.IMPLICIT_DENY);
        assertThat(decide(p, "encryptor", "kms:GenerateDataKey", Map.of())).isEqualTo(PolicyDecision.Effect.IMPLICIT_DENY);
        assertThat(decide(p, "encryptor", "kms:Decrypt", finance)).isEqualTo(PolicyDecision.Effect.IMPLICIT_DENY);
        assertThat(decide(p, "finance-consumer", "kms:Decrypt", finance)).isEqualTo(PolicyDecision.Effect.ALLOW);
        assertThat(decide(p, "finance-consumer", "kms:Decrypt", sales)).isEqualTo(PolicyDecision.Effect.IMPLICIT_DENY);
        assertThat(decide(p, "finance-consumer", "kms:GenerateDataKey", finance)).isEqualTo(PolicyDecision.Effect.IMPLICIT_DENY);
        assertThat(decide(p, "sales-consumer", "kms:Decrypt", finance)).isEqualTo(PolicyDecision.Effect.IMPLICIT_DENY);
        for (String use : List.of("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo")) {
            assertThat(decide(p, "key-admin", use, finance)).as(use).isEqualTo(PolicyDecision.Effect.IMPLICIT_DENY);
        }
        for (String manage : List.of("kms:PutKeyPolicy", "kms:GetKeyPolicy", "kms:CreateGrant", "kms:RevokeGrant", "kms:ListGrants",
                "kms:DisableKey", "kms:EnableKey", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
                "kms:EnableKeyRotation", "kms:DescribeKey", "kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias", "kms:TagResource")) {
            assertThat(decide(p, "key-admin", manage, Map.of())).as(manage).isEqualTo(PolicyDecision.Effect.ALLOW);
        }
        assertThat(decide(p, "finance-consumer", "kms:DescribeKey", Map.of())).isEqualTo(PolicyDecision.Effect.ALLOW);
        assertThat(decide(p, "sqs-connector", "kms:DescribeKey", Map.of())).isEqualTo(PolicyDecision.Effect.IMPLICIT_DENY);
        assertThat(decide(p, "finance-consumer", "kms:PutKeyPolicy", Map.of())).isEqualTo(PolicyDecision.Effect.IMPLICIT_DENY);
    }

    @Test
    void quarantinePolicyUsesTheQuarantineValueAndReaders() throws Exception {
        KeyPolicy p = KeyPolicy.parse(KeyPolicies.forQuarantine(G));
        Map<String, String> q = Map.of("department", KeyPolicies.QUARANTINE_DEPARTMENT);
        assertThat(decide(p, "encryptor", "kms:GenerateDataKey", q)).isEqualTo(PolicyDecision.Effect.ALLOW);
        assertThat(decide(p, "encryptor", "kms:GenerateDataKey", Map.of("department", "finance"))).isEqualTo(PolicyDecision.Effect.IMPLICIT_DENY);
        assertThat(decide(p, "security-auditor", "kms:Decrypt", q)).isEqualTo(PolicyDecision.Effect.ALLOW);
        assertThat(decide(p, "finance-consumer", "kms:Decrypt", q)).isEqualTo(PolicyDecision.Effect.IMPLICIT_DENY);
        assertThat(JSON.readTree(KeyPolicies.forQuarantine(G)).path("Id").asText()).isEqualTo("deptcrypt-quarantine");
    }

    @Test
    void departmentWithoutReadersHasNoDecryptStatement() throws Exception {
        JsonNode policy = JSON.readTree(KeyPolicies.forKey(G, "deptcrypt-hr", "hr", List.of()));
        List<String> sids = new ArrayList<>();
        policy.path("Statement").forEach(s -> sids.add(s.path("Sid").asText()));
        assertThat(sids).containsExactly(KeyPolicies.SID_KEY_ADMINISTRATION, KeyPolicies.SID_OWNER_ENCRYPT, KeyPolicies.SID_USERS_DESCRIBE);
    }
}
