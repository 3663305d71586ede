package io.deptcrypt.iac;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.policy.ExpectedAccessMatrix;
import io.deptcrypt.policy.KeyPolicyRenderer;
import io.deptcrypt.policy.KeyRole.Decision;
import io.deptcrypt.policy.KmsAccess;
import io.deptcrypt.policy.KmsAccess.Cell;
import io.deptcrypt.policy.KmsAction;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The AWS rendering evaluated: the key policies with the account-root statement and every application's IAM policy,
 * decided by localkms's Authorizer with AWS's same-account rule, give exactly the hand-written access matrix. (The same
 * matrix is checked a second time against a running localkms over the KMS API, in control's GovernanceApplyTest.)
 */
class AwsRenderingMatrixTest {

    static final String FINANCE_READER = "finance-consumer";

    static Rendering awsRendering() {
        return IacRenderer.render(Fixtures.GOVERNANCE_FILE, RenderSettings.defaults());
    }

    @Test
    void theAwsRenderingOfTheGovernanceFileGivesExactlyTheHandWrittenMatrix() {
        Rendering rendering = awsRendering();
        assertThat(rendering.file(IacRenderer.keyPolicyFile("finance"))).as("the rendering evaluated is the AWS one")
                .contains(KeyPolicyRenderer.SID_ACCOUNT).contains(KeyPolicyRenderer.accountRoot(Fixtures.governance()));
        List<Cell> evaluated = AwsRenderingEvaluator.of(Fixtures.governance(), rendering).cells();
        assertThat(evaluated).containsExactlyInAnyOrderElementsOf(ExpectedAccessMatrix.cells());
    }

    @Test
    void removingOneReaderFromOneKeyPolicyIsCaught() {
        Governance g = Fixtures.governance();
        Rendering mutated = withoutReader(awsRendering(), "finance", g.application(FINANCE_READER).role());
        List<Cell> evaluated = AwsRenderingEvaluator.of(g, mutated).cells();
        assertThat(evaluated).isNotEqualTo(ExpectedAccessMatrix.cells());
        // Exactly that reader's Decrypt on that key is lost: its own IAM policy allowing Decrypt does not make up for it.
        List<Cell> changed = new ArrayList<>(evaluated);
        changed.removeAll(ExpectedAccessMatrix.cells());
        assertThat(changed).containsExactly(new Cell(FINANCE_READER, "finance", KmsAction.DECRYPT, Decision.DENY));
    }

    @Test
    void withoutTheIdentityPoliciesTheAccountStatementWouldGiveEveryApplicationTheKeyAdminsRights() {
        // What localkms did before identity policies: the root meant every principal of the account.
        List<Cell> evaluated = AwsRenderingEvaluator.of(Fixtures.governance(), awsRendering(), false, true).cells();
        assertThat(evaluated).contains(new Cell("sqs-connector", "finance", KmsAction.PUT_KEY_POLICY, Decision.ALLOW),
                new Cell("encryptor", "sales", KmsAction.SCHEDULE_KEY_DELETION, Decision.ALLOW));
        assertThat(evaluated).isNotEqualTo(ExpectedAccessMatrix.cells());
    }

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of("third department", Fixtures.withThirdDepartment(), true),
                Arguments.of("rich variant (key ARN, IAM path, reader of two departments)", Fixtures.richGovernance(), true),
                Arguments.of("governance file without the account statement", Fixtures.governanceText(), false));
    }

    /** Governance files without a hand-written matrix: the rendering must give the matrix the roles imply. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void variantsGiveTheMatrixTheirRolesImply(String label, String yaml, boolean accountAdministers) {
        Governance g = GovernanceLoader.parse(yaml, label);
        Rendering rendering = IacRenderer.render(g, yaml, RenderSettings.defaults().withAccountAdministersKeys(accountAdministers));
        assertThat(AwsRenderingEvaluator.of(g, rendering).cells()).as(label)
                .containsExactlyInAnyOrderElementsOf(KmsAccess.of(g).cells());
    }

    /** {@code rendering} with {@code role} taken out of the readers' Decrypt statement of one key's policy. */
    static Rendering withoutReader(Rendering rendering, String keyLabel, String role) {
        String file = IacRenderer.keyPolicyFile(keyLabel);
        ObjectNode policy = (ObjectNode) Documents.parseJson(rendering.file(file));
        boolean removed = false;
        for (Iterator<JsonNode> it = policy.withArray("Statement").elements(); it.hasNext(); ) {
            JsonNode s = it.next();
            if (!s.path("Sid").asText().equals(KeyPolicyRenderer.SID_READERS_DECRYPT)) {
                continue;
            }
            ArrayNode readers = (ArrayNode) s.at("/Principal/AWS");
            for (int i = readers.size() - 1; i >= 0; i--) {
                if (readers.get(i).asText().equals(role)) {
                    readers.remove(i);
                    removed = true;
                }
            }
            if (readers.isEmpty()) {
                it.remove();
            }
        }
        assertThat(removed).as("%s is a reader in %s", role, file).isTrue();
        TreeMap<String, String> files = new TreeMap<>(rendering.files());
        files.put(file, Documents.toJson(policy));
        return new Rendering(files);
    }
}
