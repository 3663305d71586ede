package io.deptcrypt.iac;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The two changes docs/deploy-aws.md walks through: granting a third department, and revoking a reader. */
class GovernanceChangesTest {

    @Test
    void aThirdDepartmentAddsKeyRoleAndServiceAndLeavesTheOthersAlone() {
        Rendering before = Fixtures.render(Fixtures.governanceText());
        Rendering after = Fixtures.render(Fixtures.withThirdDepartment());

        // Existing departments' key policies and readers' roles are byte for byte unchanged.
        for (String file : new String[] {"kms/finance.key-policy.json", "kms/sales.key-policy.json",
                "kms/quarantine.key-policy.json", "iam/finance-consumer.policy.json", "iam/sales-consumer.policy.json",
                "iam/sqs-connector.policy.json"}) {
            assertThat(after.file(file)).as(file).isEqualTo(before.file(file));
        }
        // The new key: only hr-consumer decrypts, with context department=hr; the encryptor may now seal for hr.
        String hrKey = after.file("kms/hr.key-policy.json");
        assertThat(hrKey).contains("role/deptcrypt-hr-consumer").contains("\"kms:EncryptionContext:department\": \"hr\"")
                .doesNotContain("finance-consumer").doesNotContain("sales-consumer");
        assertThat(after.file("iam/encryptor.policy.json")).contains("alias/deptcrypt-hr");
        assertThat(after.file("iam/hr-consumer.trust-policy.json")).contains("ecs-tasks.amazonaws.com");

        JsonNode gov = Documents.parseYaml(after.file(IacRenderer.GOVERNANCE_STACK)).get("Resources");
        assertThat(gov.at("/HrKeyAlias/Properties/AliasName").asText()).isEqualTo("alias/deptcrypt-hr");
        assertThat(gov.at("/HrConsumerRole/Properties/RoleName").asText()).isEqualTo("deptcrypt-hr-consumer");
        JsonNode apps = Documents.parseYaml(after.file(IacRenderer.APPS_STACK)).get("Resources");
        assertThat(apps.at("/HrConsumerService/Properties/ServiceName").asText()).isEqualTo("deptcrypt-hr-consumer");
        assertThat(apps.at("/HrConsumerTaskDefinition/Properties/ContainerDefinitions/0/Environment/1/Value/Fn::Sub/0").asText())
                .contains("department=hr").contains("application.name=hr-consumer");
        // Still one shared topic: a department is a key, not a topic.
        assertThat(apps.at("/SharedTopic/Properties/TopicName").asText()).isEqualTo("deptcrypt.shared");
        assertThat(apps.findValues("TopicName")).hasSize(3);
    }

    @Test
    void revokingAReaderIsAKeyPolicyChangeNotANewTopic() {
        String granted = Fixtures.governanceText().replace(
                "  - name: sales\n    key: arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-sales\n    readers: [sales-consumer]",
                "  - name: sales\n    key: arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-sales\n    readers: [sales-consumer, finance-consumer]");
        assertThat(granted).isNotEqualTo(Fixtures.governanceText());
        Rendering withGrant = Fixtures.render(granted);
        Rendering revoked = Fixtures.render(Fixtures.governanceText());

        assertThat(withGrant.file("kms/sales.key-policy.json")).contains("role/deptcrypt-finance-consumer");
        assertThat(withGrant.file("iam/finance-consumer.policy.json")).contains("DecryptSales");
        assertThat(revoked.file("kms/sales.key-policy.json")).doesNotContain("role/deptcrypt-finance-consumer");
        assertThat(revoked.file("iam/finance-consumer.policy.json")).doesNotContain("DecryptSales");

        JsonNode appsGranted = Documents.parseYaml(withGrant.file(IacRenderer.APPS_STACK)).get("Resources");
        JsonNode appsRevoked = Documents.parseYaml(revoked.file(IacRenderer.APPS_STACK)).get("Resources");
        for (String topic : new String[] {"IngestTopic", "SharedTopic", "DeadLetterTopic"}) {
            assertThat(appsRevoked.get(topic)).isEqualTo(appsGranted.get(topic));
        }
        // While granted, finance-consumer ran a second service for sales; its finance service and group never changed.
        assertThat(appsGranted.has("FinanceConsumerSalesService")).isTrue();
        assertThat(appsRevoked.has("FinanceConsumerSalesService")).isFalse();
        assertThat(appsRevoked.get("FinanceConsumerService")).isEqualTo(appsGranted.get("FinanceConsumerService"));
        // (Its task definition does change: every task gets the new governance file and restarts with it.)
    }

    @Test
    void anExistingKeyArnIsNotCreatedButItsPolicyIsRendered() {
        Rendering r = Fixtures.render(Fixtures.richGovernance());
        JsonNode t = Documents.parseYaml(r.file(IacRenderer.GOVERNANCE_STACK));
        assertThat(t.at("/Resources/SalesKey").isMissingNode()).isTrue();
        assertThat(t.at("/Resources/FinanceKey/Type").asText()).isEqualTo("AWS::KMS::Key");
        assertThat(t.at("/Metadata/deptcrypt/existingKeysNotCreatedHere/0").asText())
                .contains("key/1234abcd-12ab-34cd-56ef-1234567890ab").contains("put-key-policy");
        assertThat(r.file("kms/sales.key-policy.json")).contains("\"sales\"");
        // IAM names the key itself, no alias condition needed.
        assertThat(r.file("iam/sales-consumer.policy.json"))
                .contains("\"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\"");
        // An application with nothing to do gets a role with no permissions at all.
        assertThat(r.files()).doesNotContainKey("iam/idle.policy.json").containsKey("iam/idle.trust-policy.json");
        assertThat(t.at("/Resources/IdleRole/Properties/Policies").isMissingNode()).isTrue();
    }
}
