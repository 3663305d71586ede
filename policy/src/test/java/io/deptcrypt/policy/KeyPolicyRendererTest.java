package io.deptcrypt.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.governance.Governance;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyPolicyRendererTest {

    private final Governance g = KmsAccessTest.governance();

    @Test
    void everyStatementNamesRolesAndActionsWithoutWildcards() {
        for (GovernedKey key : GovernedKey.of(g)) {
            for (KeyPolicyRenderer.Options o : List.of(KeyPolicyRenderer.Options.GOVERNANCE_ONLY,
                    KeyPolicyRenderer.Options.WITH_ACCOUNT)) {
                for (JsonNode s : KeyPolicyRenderer.render(g, key, o).get("Statement")) {
                    assertThat(s.get("Effect").asText()).isEqualTo("Allow");
                    for (JsonNode p : s.get("Principal").get("AWS")) {
                        assertThat(p.asText()).matches("arn:aws:iam::111122223333:(role/.+|root)");
                    }
                    for (JsonNode a : s.get("Action")) {
                        assertThat(a.asText()).startsWith("kms:").doesNotContain("*").isNotEqualTo("kms:CreateGrant");
                    }
                }
            }
        }
    }

    @Test
    void useIsBoundToTheKeysDepartment() {
        GovernedKey quarantine = GovernedKey.of(g).get(2);
        ObjectNode p = KeyPolicyRenderer.render(g, quarantine, KeyPolicyRenderer.Options.GOVERNANCE_ONLY);
        List<String> bound = new ArrayList<>();
        for (JsonNode s : p.get("Statement")) {
            JsonNode c = s.path("Condition").path("StringEquals").path(PolicyNames.CONTEXT_CONDITION);
            for (JsonNode a : s.get("Action")) {
                if (List.of("kms:GenerateDataKey", "kms:Encrypt", "kms:Decrypt").contains(a.asText())) {
                    assertThat(c.asText()).as(s.get("Sid").asText()).isEqualTo("_quarantine");
                    bound.add(a.asText());
                }
            }
        }
        assertThat(bound).containsExactlyInAnyOrder("kms:GenerateDataKey", "kms:Encrypt", "kms:Decrypt");
    }

    @Test
    void theAccountStatementOnlyWhenAskedAndOnlyToManage() {
        GovernedKey finance = GovernedKey.of(g).get(0);
        assertThat(sids(KeyPolicyRenderer.render(g, finance, KeyPolicyRenderer.Options.GOVERNANCE_ONLY)))
                .containsExactly("KeyAdministratorsManageNotUse", "OwnerEncryptsForThisDepartmentOnly",
                        "OwnerDescribesKey", "ReadersDecryptThisDepartmentOnly", "ReadersDescribeKey");
        ObjectNode aws = KeyPolicyRenderer.render(g, finance, KeyPolicyRenderer.Options.WITH_ACCOUNT);
        assertThat(sids(aws)).contains(KeyPolicyRenderer.SID_ACCOUNT);
        for (JsonNode s : aws.get("Statement")) {
            if (s.get("Sid").asText().equals(KeyPolicyRenderer.SID_ACCOUNT)) {
                assertThat(s.get("Principal").get("AWS").get(0).asText()).isEqualTo("arn:aws:iam::111122223333:root");
                List<String> actions = new ArrayList<>();
                s.get("Action").forEach(a -> actions.add(a.asText()));
                assertThat(actions).isEqualTo(KeyRole.ADMINISTRATOR.actions());
            }
        }
    }

    @Test
    void jsonIsStableText() {
        GovernedKey sales = GovernedKey.of(g).get(1);
        String a = KeyPolicyRenderer.json(g, sales, KeyPolicyRenderer.Options.GOVERNANCE_ONLY);
        assertThat(a).isEqualTo(KeyPolicyRenderer.json(g, sales, KeyPolicyRenderer.Options.GOVERNANCE_ONLY))
                .contains("\"Id\" : \"deptcrypt-sales\"");
    }

    private static List<String> sids(ObjectNode policy) {
        List<String> sids = new ArrayList<>();
        policy.get("Statement").forEach(s -> sids.add(s.get("Sid").asText()));
        return sids;
    }
}
