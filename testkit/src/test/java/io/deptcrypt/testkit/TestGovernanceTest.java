package io.deptcrypt.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestGovernanceTest {

    @Test
    void hasTheShapeOfTheRealGovernanceFile() {
        Governance real = GovernanceLoader.load(Path.of("..", "config", "governance.yaml"));
        Governance test = TestGovernance.governance();
        // The test file has no event types (TestEventTypes adds some): a test names the types it is about.
        assertThat(test).usingRecursiveComparison().ignoringFields("source", "eventTypes").isEqualTo(real);
        assertThat(real.eventTypes()).as("the shipped file's event types (the demo's)").isNotEmpty();
        assertThat(test.eventTypes()).isEmpty();
        assertThat(test.department("finance").key()).isEqualTo(TestGovernance.FINANCE);
        assertThat(test.department("sales").key()).isEqualTo(TestGovernance.SALES);
        assertThat(test.quarantine().key()).isEqualTo(TestGovernance.QUARANTINE);
        assertThat(test.topics().shared()).isEqualTo(TestGovernance.SHARED);
        assertThat(test.account()).isEqualTo(TestGovernance.ACCOUNT);
    }

    @Test
    void filesHoldTheSameGovernance(@TempDir Path dir) throws Exception {
        Path copy = TestGovernance.copyTo(dir);
        assertThat(copy.getFileName()).hasToString("governance.yaml");
        assertThat(Files.readString(copy)).isEqualTo(TestGovernance.yaml());
        assertThat(TestGovernance.file()).isSameAs(TestGovernance.file()).hasFileName("governance.yaml");
        assertThat(GovernanceLoader.load(TestGovernance.file())).usingRecursiveComparison().ignoringFields("source")
                .isEqualTo(TestGovernance.governance());
    }
}
