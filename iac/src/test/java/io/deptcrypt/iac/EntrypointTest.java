package io.deptcrypt.iac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image's entrypoint (iac/docker/entrypoint.sh), run with a stand-in java that records its arguments. */
class EntrypointTest {

    private static final Path SCRIPT = Fixtures.MODULE.resolve("docker/entrypoint.sh");

    @TempDir
    Path tmp;
    private Path home;
    private Path work;
    private Path argsFile;
    private Path fakeJava;

    @BeforeEach
    void image() throws Exception {
        assumeTrue(Processes.find("sh", "/bin/sh").isPresent(), "no POSIX sh: the entrypoint was NOT tested");
        home = tmp.resolve("opt/deptcrypt");
        work = tmp.resolve("work");
        argsFile = tmp.resolve("java-args.txt");
        Files.createDirectories(home.resolve("lib"));
        Files.createDirectories(home.resolve("config"));
        for (String jar : List.of("deptcrypt-topology.jar", "deptcrypt-consumer.jar", "localkms.jar")) {
            Files.writeString(home.resolve("lib").resolve(jar), "");
        }
        Files.writeString(home.resolve("config/governance.yaml"), "# baked into the image\n");
        fakeJava = tmp.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$ARGS_OUT\"\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Processes.Result run(Map<String, String> extraEnv, String... args) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("DEPTCRYPT_HOME", home.toString(), "DEPTCRYPT_JAVA", fakeJava.toString(),
                "DEPTCRYPT_WORK_DIR", work.toString(), "ARGS_OUT", argsFile.toString(), "JAVA_OPTS", "-Xmx64m -Dx=1"));
        env.putAll(extraEnv);
        List<String> command = new ArrayList<>(List.of("sh", SCRIPT.toString()));
        command.addAll(List.of(args));
        return Processes.run(command, env, tmp);
    }

    private List<String> javaArgs() throws Exception {
        return Files.readAllLines(argsFile);
    }

    @Test
    void encryptorGetsItsPropertiesAndTheGovernanceFromTheEnvironment() throws Exception {
        Processes.Result r = run(Map.of("DEPTCRYPT_CONFIG", "application.id=x\nbootstrap.servers=b:9098",
                "DEPTCRYPT_GOVERNANCE", "account: \"111122223333\""), "encryptor");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(javaArgs()).containsExactly("-Xmx64m", "-Dx=1", "-jar", home.resolve("lib/deptcrypt-topology.jar").toString(),
                "--config", work.resolve("encryptor.properties").toString());
        assertThat(Files.readString(work.resolve("encryptor.properties"))).isEqualTo("application.id=x\nbootstrap.servers=b:9098\n");
        assertThat(Files.readString(work.resolve("governance.yaml"))).isEqualTo("account: \"111122223333\"\n");
        assertThat(r.stdout() + r.stderr()).doesNotContain("bootstrap.servers");
    }

    @Test
    void consumerPassesItsOwnArgumentsThrough() throws Exception {
        Processes.Result r = run(Map.of("DEPTCRYPT_CONFIG", "department=finance"), "consumer", "--verbose");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(javaArgs()).containsSubsequence("-jar", home.resolve("lib/deptcrypt-consumer.jar").toString(),
                "--config", work.resolve("consumer.properties").toString(), "--verbose");

        // Without DEPTCRYPT_CONFIG the arguments are the app's alone.
        assertThat(run(Map.of(), "consumer", "--config", "/etc/finance.properties").exit()).isZero();
        assertThat(javaArgs()).endsWith("-jar", home.resolve("lib/deptcrypt-consumer.jar").toString(), "--config", "/etc/finance.properties");
    }

    @Test
    void localkmsDefaultsToTheImagesGovernanceFile() throws Exception {
        assertThat(run(Map.of(), "localkms").exit()).isZero();
        assertThat(javaArgs()).endsWith("-jar", home.resolve("lib/localkms.jar").toString(), "--governance",
                home.resolve("config/governance.yaml").toString(), "--port", "4599", "--state-dir", work.resolve("kms").toString());
    }

    @Test
    void unknownAppOrMissingJarFailsWithAClearMessage() throws Exception {
        Processes.Result unknown = run(Map.of(), "connect");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("unknown app 'connect' (expected encryptor, consumer or localkms)");

        Files.delete(home.resolve("lib/deptcrypt-topology.jar"));
        Processes.Result missing = run(Map.of(), "encryptor");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.stderr()).contains("deptcrypt-topology.jar is missing from the image");

        Processes.Result help = run(Map.of());
        assertThat(help.exit()).isZero();
        assertThat(help.stdout()).contains("usage: deptcrypt <encryptor|consumer|localkms>");
    }

    @Test
    void dockerfileCopiesTheBuiltArtifactsAndUsesThisEntrypoint() {
        String dockerfile = Fixtures.read(Fixtures.REPO.resolve("Dockerfile"));
        String ignore = Fixtures.read(Fixtures.REPO.resolve(".dockerignore"));
        for (String artifact : List.of("topology/target/deptcrypt-topology.jar", "consumers/target/deptcrypt-consumer.jar",
                "localkms/target/localkms.jar", "iac/docker/entrypoint.sh", "config/governance.yaml")) {
            assertThat(dockerfile).contains("COPY " + artifact);
            assertThat(ignore).contains("!" + artifact);
        }
        assertThat(dockerfile).contains("COPY connectors/target/deptcrypt-connectors-${VERSION}-plugin.zip")
                .contains("ARG VERSION=0.1.0-SNAPSHOT")
                .contains("ENTRYPOINT [\"/opt/deptcrypt/bin/deptcrypt\"]")
                .contains("USER 10001");
        assertThat(ignore).contains("!connectors/target/deptcrypt-connectors-*-plugin.zip");
    }
}
