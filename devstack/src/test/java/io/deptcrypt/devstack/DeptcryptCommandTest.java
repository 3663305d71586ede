package io.deptcrypt.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --state-dir} of the control commands stands for the state files they name one by one. */
class DeptcryptCommandTest {

    private static List<String> files(Path dir) {
        return List.of("--endpoints", dir.resolve("endpoints.env").toString(), "--kafka-admin", dir.resolve("kafka-admin.env").toString());
    }

    @Test
    void stateDirBecomesTheFilesInItAndEverythingElsePassesThrough() {
        assertThat(DeptcryptCommand.withStateDir(List.of("apply", "--state-dir", "/tmp/x", "--as", "key-admin"), DeptcryptCommandTest::files))
                .containsExactly("apply", "--endpoints", "/tmp/x/endpoints.env", "--kafka-admin", "/tmp/x/kafka-admin.env", "--as", "key-admin");
        assertThat(DeptcryptCommand.withStateDir(List.of("plan", "--state-dir=/s"), DeptcryptCommandTest::files))
                .containsExactly("plan", "--endpoints", "/s/endpoints.env", "--kafka-admin", "/s/kafka-admin.env");
        assertThat(DeptcryptCommand.withStateDir(List.of("plan", "--governance", "g.yaml"), DeptcryptCommandTest::files))
                .containsExactly("plan", "--governance", "g.yaml");
    }

    @Test
    void aStateDirOptionWithoutADirectoryIsNamed() {
        assertThatThrownBy(() -> DeptcryptCommand.withStateDir(List.of("plan", "--state-dir"), DeptcryptCommandTest::files))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--state-dir needs a directory");
    }
}
