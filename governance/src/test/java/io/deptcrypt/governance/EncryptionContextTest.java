package io.deptcrypt.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EncryptionContextTest {

    @Test
    void theContextIsExactlyOneDepartmentPair() {
        assertThat(EncryptionContext.of("finance")).containsExactlyEntriesOf(Map.of("department", "finance"));
        assertThat(EncryptionContext.of(EncryptionContext.QUARANTINE_DEPARTMENT))
                .containsEntry("department", "_quarantine");
    }

    @Test
    void theQuarantineValueCanNeverBeADepartmentName() {
        String yaml = GovernanceLoaderTest.VALID.replace("- name: sales\n",
                "- name: " + EncryptionContext.QUARANTINE_DEPARTMENT + "\n");
        assertThat(yaml).contains("name: _quarantine");
        assertThatThrownBy(() -> GovernanceLoader.parse(yaml, "g.yaml")).isInstanceOf(GovernanceException.class)
                .hasMessageContaining("departments[1].name");
    }
}
