package io.deptcrypt.localkms;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real config/governance.yaml starts localkms: every department and the quarantine get a key under their alias. */
class GovernanceFileTest {

    @TempDir
    Path dir;

    @Test
    void theRealGovernanceFileStarts() {
        Path file = Path.of("..", "config", "governance.yaml");
        assertThat(file).as("run from the localkms module directory").exists();
        Governance g = GovernanceLoader.load(file);
        try (LocalKms kms = LocalKms.start(LocalKmsConfig.of(file, dir))) {
            for (Governance.Department d : g.departments()) {
                assertThat(kms.keyArn(d.name())).startsWith("arn:aws:kms:" + g.region() + ":" + g.account() + ":key/");
            }
            assertThat(kms.quarantineKeyArn()).startsWith("arn:aws:kms:" + g.region() + ":" + g.account() + ":key/");
            for (Governance.Application a : g.applications()) {
                assertThat(kms.credentials(a.name()).principalArn()).isEqualTo(a.role());
            }
            assertThat(Files.exists(kms.credentialsFile())).isTrue();
        }
    }
}
