package io.deptcrypt.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.policy.KeyRole.Decision;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class KmsAccessTest {

    static final Path GOVERNANCE = Path.of("../config/governance.yaml");

    static Governance governance() {
        return GovernanceLoader.load(GOVERNANCE);
    }

    @Test
    void theShippedGovernanceGivesExactlyTheHandWrittenMatrix() {
        assertThat(KmsAccess.of(governance()).cells()).containsExactlyInAnyOrderElementsOf(ExpectedAccessMatrix.cells());
    }

    @Test
    void noApplicationMayGrantOrReEncryptAndKeyAdminsMayNotUseKeys() {
        KmsAccess access = KmsAccess.of(governance());
        for (KmsAccess.Cell c : access.cells()) {
            if (c.action() == KmsAction.CREATE_GRANT || c.action() == KmsAction.RE_ENCRYPT) {
                assertThat(c.decision()).as(c.toString()).isEqualTo(Decision.DENY);
            }
            if (c.application().equals("key-admin") && c.action().takesContext()) {
                assertThat(c.decision()).as(c.toString()).isEqualTo(Decision.DENY);
            }
        }
    }

    @Test
    void addingAReaderFlipsExactlyItsDecryptAndDescribe() throws Exception {
        String text = Files.readString(GOVERNANCE).replace("readers: [finance-consumer]",
                "readers: [finance-consumer, security-auditor]");
        Governance after = GovernanceLoader.parse(text, "edited");
        assertThat(KmsAccess.of(governance()).changesTo(KmsAccess.of(after)))
                .extracting(KmsAccess.Change::describe)
                .containsExactly(
                        "+ security-auditor  kms:Decrypt on finance (department context only)",
                        "+ security-auditor  kms:DescribeKey on finance");
    }

    @Test
    void aRemovedDepartmentsKeyLosesEveryCell() throws Exception {
        // sales is an audience of the file's event types: it leaves them (here: they go) before it can go
        String text = Files.readString(GOVERNANCE).replaceAll("(?s)\neventTypes:.*?\n(?=departments:)", "\n");
        assertThat(text).doesNotContain("eventTypes");
        String sales = text.substring(text.indexOf("  - name: sales\n"));
        Governance after = GovernanceLoader.parse(text.replace(sales, ""), "edited");
        assertThat(KmsAccess.of(governance()).changesTo(KmsAccess.of(after)))
                .allSatisfy(c -> {
                    assertThat(c.keyLabel()).isEqualTo("sales");
                    assertThat(c.after()).isEqualTo(Decision.DENY);
                })
                // encryptor: GenerateDataKey, Encrypt, DescribeKey; sales-consumer: Decrypt, DescribeKey;
                // key-admin: PutKeyPolicy, ScheduleKeyDeletion, DescribeKey
                .hasSize(8);
    }

    @Test
    void theMarkdownTableHasARowPerApplication() {
        String table = KmsAccess.of(governance()).markdownTable();
        assertThat(table.lines().filter(l -> l.startsWith("| key-admin |"))).hasSize(3);
        assertThat(table).contains("| key-admin | - | - | - | - | - | yes | yes | yes |");
    }
}
