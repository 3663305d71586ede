package io.deptcrypt.iac;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.Governance.Application;
import io.deptcrypt.policy.GovernedKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Least privilege of the application roles and of every other policy in the templates. */
class RolePolicyRulesTest {

    private static final Pattern KAFKA_RESOURCE = Pattern.compile(
            "arn:aws:kafka:us-east-1:111122223333:(cluster/deptcrypt/\\*|(topic|group|transactional-id)/deptcrypt/\\*/[A-Za-z0-9._*-]+)");

    private static List<JsonNode> allowStatements(JsonNode document) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode policy : Fixtures.policyDocuments(document)) {
            for (JsonNode s : Fixtures.statements(policy)) {
                if ("Allow".equals(s.path("Effect").asText())) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    private static Map<String, JsonNode> everyTemplate() {
        Map<String, JsonNode> all = new java.util.TreeMap<>(Fixtures.handWrittenTemplates());
        Fixtures.renderedTemplates(Fixtures.render(Fixtures.governanceText())).forEach((k, v) -> all.put("rendered " + k, v));
        Fixtures.renderedTemplates(Fixtures.render(Fixtures.richGovernance())).forEach((k, v) -> all.put("rich " + k, v));
        return all;
    }

    @Test
    void noAllowAnywhereHasAWildcardActionOrAWildcardPrincipal() {
        int checked = 0;
        for (var e : everyTemplate().entrySet()) {
            for (JsonNode s : allowStatements(e.getValue())) {
                checked++;
                assertThat(Fixtures.strings(s.get("Action"))).as("%s: %s", e.getKey(), s)
                        .allSatisfy(a -> assertThat(a).doesNotContain("*"));
                assertThat(s.has("NotAction")).isFalse();
                JsonNode principal = s.get("Principal");
                if (principal != null) {
                    assertThat(principal.isTextual()).as("%s: Principal \"*\" in %s", e.getKey(), s).isFalse();
                    principal.properties().forEach(p -> assertThat(Fixtures.strings(p.getValue()))
                            .as("%s: wildcard principal", e.getKey()).noneMatch(v -> v.contains("*")));
                }
            }
        }
        for (String file : Fixtures.render(Fixtures.governanceText()).files().keySet()) {
            if (file.startsWith("iam/") || file.startsWith("kms/")) {
                for (JsonNode s : allowStatements(Documents.parseJson(Fixtures.read(Fixtures.RENDERED.resolve(file))))) {
                    checked++;
                    assertThat(Fixtures.strings(s.get("Action"))).as(file).allSatisfy(a -> assertThat(a).doesNotContain("*"));
                }
            }
        }
        assertThat(checked).as("statements checked").isGreaterThan(60);
    }

    @Test
    void applicationRolesReachOnlyTheirOwnKeysQueueTopicsAndGroups() {
        Governance g = Fixtures.governance();
        Rendering rendering = Fixtures.render(Fixtures.governanceText());
        int checked = 0;
        for (Application app : g.applications()) {
            String file = IacRenderer.permissionsFile(app.name());
            if (!rendering.files().containsKey(file)) {
                continue; // the renderer gives this application no permissions, so there is nothing to check
            }
            // The committed file is what gets deployed: a rendered policy missing from iac/rendered/ is a failure.
            assertThat(Fixtures.RENDERED.resolve(file)).as("%s (run ./deptcrypt iac render)", file).isRegularFile();
            checked++;
            JsonNode policy = Documents.parseJson(Fixtures.read(Fixtures.RENDERED.resolve(file)));
            for (JsonNode s : Fixtures.statements(policy)) {
                List<String> actions = Fixtures.strings(s.get("Action"));
                List<String> resources = Fixtures.strings(s.get("Resource"));
                String service = actions.get(0).substring(0, actions.get(0).indexOf(':'));
                assertThat(actions).as("%s: one service per statement", file).allMatch(a -> a.startsWith(service + ":"));
                switch (service) {
                    case "kafka-cluster" -> assertThat(resources).as(file).allMatch(r -> KAFKA_RESOURCE.matcher(r).matches());
                    case "sqs" -> assertThat(resources).as(file)
                            .containsExactly("arn:aws:sqs:us-east-1:111122223333:" + RenderSettings.DEFAULT_INGEST_QUEUE);
                    case "kms" -> {
                        if (actions.equals(List.of("kms:ListAliases", "kms:ListKeys"))) {
                            assertThat(resources).containsExactly("*"); // KMS has no resource-level listing
                        } else if (resources.equals(List.of("arn:aws:kms:us-east-1:111122223333:key/*"))) {
                            assertThat(s.at("/Condition/ForAnyValue:StringEquals/kms:ResourceAliases").isMissingNode())
                                    .as("%s: any key of the account narrowed by alias", file).isFalse();
                        } else {
                            assertThat(resources).allMatch(r -> r.startsWith("arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-"));
                        }
                        if (actions.contains("kms:Decrypt") || actions.contains("kms:GenerateDataKey")) {
                            assertThat(s.at("/Condition/StringEquals/kms:EncryptionContext:department").isTextual()).isTrue();
                        }
                    }
                    default -> throw new AssertionError(file + ": unexpected service " + service);
                }
            }
        }
        assertThat(checked).as("permission policies checked (one per governance application)").isEqualTo(6);
    }

    @Test
    void eachApplicationDoesOnlyItsJob() {
        Rendering r = Fixtures.render(Fixtures.governanceText());
        String encryptor = r.file("iam/encryptor.policy.json");
        String finance = r.file("iam/finance-consumer.policy.json");
        String connector = r.file("iam/sqs-connector.policy.json");
        String admin = r.file("iam/key-admin.policy.json");
        assertThat(encryptor).contains("\"kms:GenerateDataKey\"").doesNotContain("\"kms:Decrypt\"").doesNotContain("sqs:");
        assertThat(statementFor(encryptor, "ReadTopics")).contains("/deptcrypt.ingest").doesNotContain("deptcrypt.shared");
        assertThat(statementFor(encryptor, "WriteTopics")).contains("/deptcrypt.shared").doesNotContain("deptcrypt.ingest");
        assertThat(finance).contains("\"kms:Decrypt\"").doesNotContain("\"kms:Encrypt\"").doesNotContain("\"kms:GenerateDataKey\"")
                .doesNotContain("alias/deptcrypt-sales").doesNotContain("deptcrypt.ingest").doesNotContain("sqs:");
        assertThat(statementFor(finance, "ReadTopics")).doesNotContain("WriteData").contains("kafka-cluster:ReadData")
                .contains("/deptcrypt.shared");
        assertThat(statementFor(finance, "WriteTopics")).contains("/finance.*").doesNotContain("deptcrypt.");
        assertThat(connector).contains("sqs:ReceiveMessage").doesNotContain("kms:").doesNotContain("deptcrypt.shared");
        assertThat(admin).doesNotContain("\"kms:Decrypt\"").doesNotContain("\"kms:Encrypt\"");
        assertThat(statementFor(admin, "WriteTopics")).as("key admins publish applied governance versions, nothing else")
                .contains("/deptcrypt.governance").doesNotContain("deptcrypt.shared").doesNotContain("deptcrypt.ingest");
    }

    @Test
    void rolesAreAssumableOnlyByWhereTheyRun() {
        Rendering r = Fixtures.render(Fixtures.governanceText());
        assertThat(principal(r, "encryptor")).isEqualTo("{\"Service\":\"ecs-tasks.amazonaws.com\"}");
        assertThat(principal(r, "finance-consumer")).isEqualTo("{\"Service\":\"ecs-tasks.amazonaws.com\"}");
        assertThat(principal(r, "sqs-connector")).isEqualTo("{\"Service\":\"kafkaconnect.amazonaws.com\"}");
        assertThat(principal(r, "key-admin")).isEqualTo("{\"AWS\":[\"arn:aws:iam::111122223333:root\"]}");
        JsonNode ecs = Fixtures.statements(Documents.parseJson(r.file("iam/encryptor.trust-policy.json"))).get(0);
        assertThat(ecs.at("/Condition/StringEquals/aws:SourceAccount").asText()).isEqualTo("111122223333");
    }

    @Test
    void theStackDeploysExactlyTheRenderedPolicyDocuments() {
        Rendering r = Fixtures.render(Fixtures.governanceText());
        JsonNode resources = Documents.parseYaml(r.file(IacRenderer.GOVERNANCE_STACK)).get("Resources");
        int compared = 0;
        for (Application app : Fixtures.governance().applications()) {
            JsonNode role = resources.get(AppRole.logicalName(app.name()) + "Role").get("Properties");
            assertThat(role.get("AssumeRolePolicyDocument"))
                    .isEqualTo(Documents.parseJson(r.file(IacRenderer.trustPolicyFile(app.name()))));
            if (role.has("Policies")) {
                assertThat(role.at("/Policies/0/PolicyDocument"))
                        .isEqualTo(Documents.parseJson(r.file(IacRenderer.permissionsFile(app.name()))));
                compared++;
            }
        }
        for (String dept : List.of("finance", "sales", GovernedKey.QUARANTINE_LABEL)) {
            String logical = dept.equals(GovernedKey.QUARANTINE_LABEL) ? "Quarantine" : AppRole.logicalName(dept);
            assertThat(resources.at("/" + logical + "Key/Properties/KeyPolicy"))
                    .isEqualTo(Documents.parseJson(r.file(IacRenderer.keyPolicyFile(dept))));
            assertThat(resources.at("/" + logical + "Key/DeletionPolicy").asText()).isEqualTo("Retain");
            compared++;
        }
        assertThat(compared).as("6 role policies + 3 key policies").isEqualTo(9);
    }

    private static String principal(Rendering r, String app) {
        return Fixtures.statements(Documents.parseJson(r.file(IacRenderer.trustPolicyFile(app)))).get(0).get("Principal").toString();
    }

    private static String statementFor(String policy, String sid) {
        for (JsonNode s : Fixtures.statements(Documents.parseJson(policy))) {
            if (s.path("Sid").asText().equals(sid)) {
                return s.toString();
            }
        }
        throw new AssertionError("no statement " + sid + " in " + policy);
    }
}
