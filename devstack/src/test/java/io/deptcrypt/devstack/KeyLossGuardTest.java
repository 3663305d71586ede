package io.deptcrypt.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A start without localkms's state over a broker that holds sealed records is refused, saying why and what to do. */
class KeyLossGuardTest {

    @TempDir
    Path state;

    private static final Path GOVERNANCE = Path.of("").toAbsolutePath().getParent().resolve("config/governance.yaml");
    private final Governance g = GovernanceLoader.load(GOVERNANCE);

    private StackConfig cfg() {
        return StackConfig.defaults(state, GOVERNANCE);
    }

    private void segment(String partitionDir, int bytes) throws Exception {
        Path d = Files.createDirectories(cfg().kafkaDir().resolve(partitionDir));
        Files.write(d.resolve("00000000000000000000.log"), new byte[bytes]);
    }

    @Test
    void sealedRecordsWithoutKeysAreRefusedWithTheWayOut() throws Exception {
        segment("node-2/" + g.topics().shared() + "-3", 1200);
        segment(g.topics().keys() + "-0", 300);
        segment(g.topics().ingest() + "-0", 5000); // plaintext ingest: not sealed, not counted
        assertThat(KeyLossGuard.sealedLogBytes(cfg().kafkaDir(), List.of(g.topics().shared(), g.topics().keys())))
                .isEqualTo(1500);
        assertThatThrownBy(() -> KeyLossGuard.check(cfg(), g)).isInstanceOf(StackException.class)
                .hasMessageContaining("localkms has no state").hasMessageContaining("1500 bytes")
                .hasMessageContaining("--fresh").hasMessageContaining("Restore " + cfg().kmsDir());
    }

    @Test
    void aNewStateAnEmptyTopicOrKeptKeysStartAsBefore() throws Exception {
        assertThatCode(() -> KeyLossGuard.check(cfg(), g)).as("nothing yet").doesNotThrowAnyException();
        segment(g.topics().shared() + "-0", 0);
        assertThatCode(() -> KeyLossGuard.check(cfg(), g)).as("created, never written").doesNotThrowAnyException();
        segment(g.topics().shared() + "-1", 900);
        Files.createDirectories(cfg().kmsDir());
        Files.writeString(cfg().kmsDir().resolve("state.json"), "{}");
        assertThatCode(() -> KeyLossGuard.check(cfg(), g)).as("localkms kept its keys").doesNotThrowAnyException();
    }
}
