package io.deptcrypt.iac;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.Governance.Department;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.policy.GovernedKey;
import io.deptcrypt.policy.PolicyNames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The key-policy rules, checked on the AWS rendering (the checked-in one and two variants). */
class KeyPolicyRulesTest {

    private static final Set<String> CRYPTO = Set.of("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey",
            "kms:GenerateDataKeyWithoutPlaintext", "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext",
            "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:CreateGrant", "kms:GenerateMac", "kms:Sign");

    static Stream<Arguments> governances() {
        return Stream.of(
                Arguments.of("checked-in rendering of config/governance.yaml", Fixtures.governanceText(), true),
                Arguments.of("third department", Fixtures.withThirdDepartment(), false),
                Arguments.of("rich variant", Fixtures.richGovernance(), false));
    }

    private static JsonNode keyPolicy(String label, String governanceYaml, boolean checkedIn, String department) {
        String file = IacRenderer.keyPolicyFile(department);
        String text = checkedIn ? Fixtures.read(Fixtures.RENDERED.resolve(file)) : Fixtures.render(governanceYaml).file(file);
        return Documents.parseJson(text);
    }

    private static Governance parse(String yaml) {
        return GovernanceLoader.parse(yaml, "test");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("governances")
    void onlyTheDepartmentsReadersDecryptAndOnlyWithTheirContext(String label, String yaml, boolean checkedIn) {
        Governance g = parse(yaml);
        List<String[]> keys = new ArrayList<>();
        for (Department d : g.departments()) {
            keys.add(new String[] {d.name(), d.name()});
        }
        keys.add(new String[] {GovernedKey.QUARANTINE_LABEL, PolicyNames.QUARANTINE_DEPARTMENT});
        for (String[] k : keys) {
            String dept = k[0];
            List<String> readers = dept.equals(GovernedKey.QUARANTINE_LABEL) ? g.quarantine().readers()
                    : g.department(dept).readers();
            Set<String> readerRoles = new HashSet<>(KeyPolicies.roles(g, readers));
            JsonNode policy = keyPolicy(label, yaml, checkedIn, dept);
            Set<String> decryptors = new HashSet<>();
            for (JsonNode s : Fixtures.statements(policy)) {
                List<String> actions = Fixtures.strings(s.get("Action"));
                assertThat(s.get("Effect").asText()).isEqualTo("Allow");
                if (actions.contains("kms:Decrypt")) {
                    assertThat(actions).as("%s: a Decrypt statement grants nothing else", dept).containsExactly("kms:Decrypt");
                    assertThat(s.at("/Condition/StringEquals/kms:EncryptionContext:department").asText())
                            .as("%s: Decrypt only with the department's encryption context", dept).isEqualTo(k[1]);
                    assertThat(s.get("Condition").size()).isEqualTo(1);
                    decryptors.addAll(Fixtures.strings(s.at("/Principal/AWS")));
                }
            }
            assertThat(decryptors).as("%s key (%s): who may Decrypt", dept, label).isEqualTo(readerRoles);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("governances")
    void theOwnerEncryptsOnlyWithTheContextAndNeverDecrypts(String label, String yaml, boolean checkedIn) {
        Governance g = parse(yaml);
        String owner = g.ownerApplication().role();
        for (Department d : g.departments()) {
            JsonNode policy = keyPolicy(label, yaml, checkedIn, d.name());
            boolean encrypts = false;
            for (JsonNode s : Fixtures.statements(policy)) {
                List<String> principals = Fixtures.strings(s.at("/Principal/AWS"));
                List<String> actions = Fixtures.strings(s.get("Action"));
                if (principals.contains(owner)) {
                    assertThat(actions).as("%s: the owner never decrypts", d.name()).doesNotContain("kms:Decrypt");
                }
                if (actions.contains("kms:GenerateDataKey") || actions.contains("kms:Encrypt")) {
                    assertThat(principals).containsExactly(owner);
                    assertThat(s.at("/Condition/StringEquals/kms:EncryptionContext:department").asText()).isEqualTo(d.name());
                    encrypts = true;
                }
            }
            assertThat(encrypts).as("%s: the owner may generate data keys", d.name()).isTrue();
        }
        // Nor through its identity policy.
        String ownerPolicy = Fixtures.render(yaml).file(IacRenderer.permissionsFile(g.owner()));
        for (JsonNode s : Fixtures.statements(Documents.parseJson(ownerPolicy))) {
            assertThat(Fixtures.strings(s.get("Action"))).doesNotContain("kms:Decrypt");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("governances")
    void keyAdministratorsManageButCannotUseAndNoPrincipalIsAWildcard(String label, String yaml, boolean checkedIn) {
        Governance g = parse(yaml);
        Set<String> admins = new HashSet<>(KeyPolicies.roles(g, g.keyAdmins()));
        for (Department d : g.departments()) {
            for (JsonNode s : Fixtures.statements(keyPolicy(label, yaml, checkedIn, d.name()))) {
                JsonNode principal = s.get("Principal");
                assertThat(principal.isObject()).as("Principal is a named list, never \"*\"").isTrue();
                List<String> arns = Fixtures.strings(principal.get("AWS"));
                assertThat(principal.size()).isEqualTo(1);
                assertThat(arns).isNotEmpty().allSatisfy(a -> assertThat(a).doesNotContain("*").startsWith("arn:aws:iam::"));
                assertThat(Fixtures.strings(s.get("Action"))).allSatisfy(a -> assertThat(a).doesNotContain("*"));
                boolean adminStatement = arns.stream().anyMatch(admins::contains) || arns.get(0).endsWith(":root");
                if (adminStatement) {
                    assertThat(Fixtures.strings(s.get("Action"))).as("administration is not use").noneMatch(CRYPTO::contains);
                }
            }
        }
    }
}
