package io.deptcrypt.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ./deptcrypt} launcher rejects an unknown command at once: usage, exit 2, no build, no JVM. */
@Tag("integration")
class LauncherTest {

    /** Surefire runs in devstack/; the launcher is at the repository root. */
    private static final Path LAUNCHER = Path.of("").toAbsolutePath().getParent().resolve("deptcrypt");

    @Test
    void anUnknownCommandIsRejectedWithTheUsageBeforeAnyBuild(@TempDir Path dir) throws Exception {
        Path ran = dir.resolve("ran");
        Path bin = Files.createDirectory(dir.resolve("bin"));
        for (String tool : new String[] {"mvn", "java"}) {
            Path fake = bin.resolve(tool);
            Files.writeString(fake, "#!/bin/sh\necho " + tool + " >> '" + ran + "'\n");
            Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        }
        ProcessBuilder pb = new ProcessBuilder("bash", LAUNCHER.toString(), "tset").redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().remove("DEPTCRYPT_NO_BUILD");
        Process p = pb.start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("the launcher answered within 20 s").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains("deptcrypt: unknown command 'tset'").contains("usage: ./deptcrypt <command>");
        assertThat(ran).as("mvn or java was started").doesNotExist();
    }
}
