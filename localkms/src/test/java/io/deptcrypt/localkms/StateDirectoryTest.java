package io.deptcrypt.localkms;

import static io.deptcrypt.localkms.LocalKmsFixture.ENCRYPTOR;
import static io.deptcrypt.localkms.LocalKmsFixture.department;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.testkit.TestGovernance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state directory: owner-only, secrets sealed, atomic, refused (never reset) when damaged. */
@Tag("integration")
class StateDirectoryTest {

    @TempDir
    Path dir;

    LocalKmsConfig config() {
        return LocalKmsConfig.of(LocalKmsFixture.governance(), dir);
    }

    /** Starts once so the directory holds real state, returning the finance data key blob made under it. */
    byte[] populate() {
        try (LocalKmsFixture f = LocalKmsFixture.start(config())) {
            return f.client(ENCRYPTOR).generateDataKey(r -> r.keyId(f.kms.keyArn("finance")).numberOfBytes(32)
                    .encryptionContext(department("finance"))).ciphertextBlob().asByteArray();
        }
    }

    @Test
    void filesAreOwnerOnlyAndLeaveNoTemporaries() throws Exception {
        populate();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        for (String name : List.of("state.json", "master.key", "credentials.env", "audit.log")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name)))).as(name).isEqualTo("rw-------");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void looseFilePermissionsAreTightenedOnStart() throws Exception {
        populate();
        Files.setPosixFilePermissions(dir.resolve("state.json"), PosixFilePermissions.fromString("rw-r--r--"));
        LocalKms.start(config()).close();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state.json")))).isEqualTo("rw-------");
    }

    @Test
    void keyMaterialAndSecretsAreSealedUnderTheMasterKey() throws Exception {
        populate();
        String state = Files.readString(dir.resolve("state.json"));
        Properties env = new Properties();
        try (var in = Files.newBufferedReader(dir.resolve("credentials.env"))) {
            env.load(in);
        }
        String secret = env.getProperty("ENCRYPTOR_AWS_SECRET_ACCESS_KEY");
        assertThat(secret).hasSize(40);
        assertThat(state).doesNotContain(secret).contains(env.getProperty("ENCRYPTOR_AWS_ACCESS_KEY_ID"));
        assertThat(state).contains("\"sealed\"").doesNotContain("\"material\"");
        // Without the master key nothing in state.json can be opened: start is refused, never reset.
        Files.delete(dir.resolve("master.key"));
        assertThatThrownBy(() -> LocalKms.start(config())).isInstanceOf(LocalKmsStartException.class)
                .hasMessageContaining("master.key is missing").hasMessageContaining("will not start over");
        assertThat(Files.readString(dir.resolve("state.json"))).isEqualTo(state);
    }

    @Test
    void aReplacedMasterKeyIsRefused() throws Exception {
        populate();
        Files.write(dir.resolve("master.key"), new byte[32]);
        assertThatThrownBy(() -> LocalKms.start(config())).isInstanceOf(LocalKmsStartException.class)
                .hasMessageContaining("state.json is corrupt").hasMessageContaining("does not decrypt under master.key");
    }

    @Test
    void corruptStateIsRefusedWithAClearErrorAndLeftUntouched() throws Exception {
        populate();
        Path file = dir.resolve("state.json");
        String good = Files.readString(file);
        Map<String, String> damages = Map.of(
                good.substring(0, good.length() / 2), "not valid JSON",
                good.replaceFirst("\"state\" : \"Enabled\"", "\"state\" : \"Melted\""), "keys[0].state: 'Melted' is not Enabled",
                good.replaceFirst("\"format\" : 1", "\"format\" : 9"), "format 9 is not supported",
                good.replaceFirst("\"sealed\" : \"[^\"]+\"", "\"sealed\" : \"AAAA\""), "keys[0].materials[0].sealed",
                good.replaceFirst("\"targetKeyId\" : \"[^\"]+\"", "\"targetKeyId\" : \"gone\""), "aliases[0].targetKeyId: key gone does not exist",
                "", "the file is empty");
        for (Map.Entry<String, String> damage : damages.entrySet()) {
            Files.writeString(file, damage.getKey());
            assertThatThrownBy(() -> LocalKms.start(config())).as(damage.getValue()).isInstanceOf(LocalKmsStartException.class)
                    .hasMessageContaining(file + " is corrupt").hasMessageContaining(damage.getValue())
                    .hasMessageContaining("refuses to start rather than lose keys");
            assertThat(Files.readString(file)).isEqualTo(damage.getKey());
        }
        Files.writeString(file, good);
        LocalKms.start(config()).close();
    }

    @Test
    void stateFromAnotherAccountIsRefused() throws Exception {
        populate();
        String yaml = TestGovernance.yaml()
                .replace("111122223333", "444455556666");
        Governance other = GovernanceLoader.parse(yaml, "other-account");
        assertThatThrownBy(() -> LocalKms.start(LocalKmsConfig.of(other, dir))).isInstanceOf(LocalKmsStartException.class)
                .hasMessageContaining("holds keys of account 111122223333").hasMessageContaining("444455556666");
    }

    @Test
    void oneStateDirServesOneLocalKmsAtATime() {
        try (LocalKms running = LocalKms.start(config())) {
            assertThatThrownBy(() -> LocalKms.start(config())).isInstanceOf(LocalKmsStartException.class)
                    .hasMessageContaining("in use by another running localkms");
            assertThat(running.endpoint()).isNotNull();
        }
        LocalKms.start(config()).close();
    }

    @Test
    void credentialsEnvIsShellSourceable() throws Exception {
        try (LocalKms kms = LocalKms.start(config())) {
            Path env = kms.credentialsFile();
            List<String> lines = Files.readAllLines(env);
            assertThat(lines).contains("KMS_ENDPOINT=" + kms.endpoint(), "AWS_REGION=us-east-1",
                    "FINANCE_KEY_ARN=" + kms.keyArn("finance"), "SALES_KEY_ARN=" + kms.keyArn("sales"),
                    "QUARANTINE_KEY_ARN=" + kms.quarantineKeyArn(),
                    "FINANCE_CONSUMER_AWS_ACCESS_KEY_ID=" + kms.credentials("finance-consumer").accessKeyId(),
                    "KEY_ADMIN_AWS_SECRET_ACCESS_KEY=" + kms.credentials("key-admin").secretAccessKey());
            for (String app : List.of("encryptor", "finance-consumer", "sales-consumer", "sqs-connector", "security-auditor", "key-admin")) {
                assertThat(kms.credentials(app).accessKeyId()).matches("AKIA[A-Z2-7]{16}");
                assertThat(kms.credentials(app).secretAccessKey()).matches("[A-Za-z0-9+/]{40}");
                assertThat(kms.credentials(app).toString()).doesNotContain(kms.credentials(app).secretAccessKey());
            }
            // Sourcing it in a real shell yields the same values.
            Process p = new ProcessBuilder("sh", "-c", "set -a; . '" + env + "'; set +a; printf '%s %s' \"$ENCRYPTOR_AWS_SECRET_ACCESS_KEY\" \"$KMS_ENDPOINT\"")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).isZero();
            assertThat(out).isEqualTo(kms.credentials("encryptor").secretAccessKey() + " " + kms.endpoint());
            assertThatThrownBy(() -> kms.credentials("nobody")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nobody");
            assertThatThrownBy(() -> kms.keyArn("hr")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finance");
        }
    }
}
