package io.deptcrypt.localkms;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.testkit.TestGovernance;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/** The command line, run as its own process: prints where it listens, writes credentials.env, stops on SIGTERM. */
@Tag("integration")
class LocalKmsMainTest {

    @TempDir
    Path dir;

    Process launch(String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", LocalKmsMain.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile()).start();
    }

    @Test
    void runsUntilTerminatedAndServesTheCredentialsItWrote() throws Exception {
        Path governance = TestGovernance.file();
        Path state = dir.resolve("kms");
        Process p = launch("--governance", governance.toString(), "--port", "0", "--state-dir", state.toString());
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertThat(first).as("first line; stderr: %s", Files.exists(dir.resolve("stderr.txt")) ? Files.readString(dir.resolve("stderr.txt")) : "")
                    .matches("localkms listening on http://127\\.0\\.0\\.1:\\d+");
            Matcher m = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)").matcher(first);
            assertThat(m.find()).isTrue();
            URI endpoint = URI.create(m.group());
            Properties env = new Properties();
            try (var in = Files.newBufferedReader(state.resolve("credentials.env"))) {
                env.load(in);
            }
            assertThat(env.getProperty("KMS_ENDPOINT")).isEqualTo(endpoint.toString());
            try (KmsClient kms = KmsClient.builder().endpointOverride(endpoint).region(Region.of(env.getProperty("AWS_REGION")))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                            env.getProperty("ENCRYPTOR_AWS_ACCESS_KEY_ID"), env.getProperty("ENCRYPTOR_AWS_SECRET_ACCESS_KEY"))))
                    .build()) {
                var dk = kms.generateDataKey(r -> r.keyId(env.getProperty("FINANCE_KEY_ARN")).numberOfBytes(32)
                        .encryptionContext(LocalKmsFixture.department("finance")));
                assertThat(dk.keyId()).isEqualTo(env.getProperty("FINANCE_KEY_ARN"));
            }
        } finally {
            p.destroy();
        }
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        // The shutdown hook released the state dir: it can be opened again at once.
        LocalKms.start(LocalKmsConfig.of(LocalKmsFixture.governance(), state)).close();
    }

    @Test
    void badArgumentsAndBrokenGovernanceExitNonZeroWithAMessage() throws Exception {
        java.io.StringWriter err = new java.io.StringWriter();
        int missing = new picocli.CommandLine(new LocalKmsMain()).setErr(new java.io.PrintWriter(err)).execute("--port", "0");
        assertThat(missing).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--governance=FILE'");

        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "account: 12\n");
        java.io.StringWriter err2 = new java.io.StringWriter();
        int bad = new picocli.CommandLine(new LocalKmsMain()).setErr(new java.io.PrintWriter(err2))
                .execute("--governance", broken.toString(), "--port", "0", "--state-dir", dir.resolve("s").toString());
        assertThat(bad).isEqualTo(1);
        assertThat(err2.toString()).startsWith("localkms: ").contains(broken.toString());
    }
}
