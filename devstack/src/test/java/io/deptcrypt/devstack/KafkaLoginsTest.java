package io.deptcrypt.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.embedded.KafkaSecurity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stack's Kafka logins in its state directory: generated once, owner-only, read back exactly. */
@Tag("integration")
class KafkaLoginsTest {

    private static StackConfig config(Path state) {
        return StackConfig.defaults(state, state.resolve("governance.yaml"));
    }

    @Test
    void theAdministratorIsGeneratedOnceOwnerOnlyAndTheSameOnTheNextStart(@TempDir Path state) throws Exception {
        StackConfig cfg = config(state);
        KafkaSecurity first = KafkaLogins.admin(cfg);
        assertThat(first.superUser()).isEqualTo(KafkaLogins.ADMIN_USER);
        assertThat(first.superUserPassword()).hasSizeGreaterThanOrEqualTo(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cfg.kafkaAdminFile()))).isEqualTo("rw-------");
        // The broker formats its log dir with this credential; a later start must give the same one.
        Files.createDirectories(cfg.kafkaDir());
        assertThat(KafkaLogins.admin(cfg)).isEqualTo(first);
        assertThat(EndpointsTest.parse(Files.readAllLines(cfg.kafkaAdminFile())))
                .containsEntry("KAFKA_ADMIN_USERNAME", "deptcrypt-admin")
                .containsEntry("KAFKA_ADMIN_PASSWORD", first.superUserPassword());
    }

    @Test
    void aBrokerDirWithoutTheAdministratorsFileIsRefusedWithWhatToDo(@TempDir Path state) throws Exception {
        StackConfig cfg = config(state);
        Files.createDirectories(cfg.kafkaDir());
        assertThatThrownBy(() -> KafkaLogins.admin(cfg)).isInstanceOf(StackException.class)
                .hasMessageContaining(cfg.kafkaDir().toString()).hasMessageContaining("--fresh");
        assertThat(cfg.kafkaAdminFile()).doesNotExist();
    }

    @Test
    void applicationPasswordsAreSavedOwnerOnlyAndReadBackInOrder(@TempDir Path state) throws Exception {
        StackConfig cfg = config(state);
        assertThat(KafkaLogins.applicationPasswords(cfg)).isEmpty();
        Map<String, String> pw = new LinkedHashMap<>();
        pw.put("encryptor", "enc-pw-0123456789");
        pw.put("finance-consumer", "fin'pw-0123456789");
        KafkaLogins.saveApplicationPasswords(cfg, pw);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cfg.kafkaUsersFile()))).isEqualTo("rw-------");
        assertThat(KafkaLogins.applicationPasswords(cfg)).containsExactlyEntriesOf(pw);
        assertThat(List.copyOf(KafkaLogins.variables(pw).keySet())).containsExactly("ENCRYPTOR_KAFKA_USERNAME",
                "ENCRYPTOR_KAFKA_PASSWORD", "FINANCE_CONSUMER_KAFKA_USERNAME", "FINANCE_CONSUMER_KAFKA_PASSWORD");
    }
}
