package io.deptcrypt.localkms;

import static io.deptcrypt.localkms.LocalKmsFixture.ENCRYPTOR;
import static io.deptcrypt.localkms.LocalKmsFixture.FINANCE_READER;
import static io.deptcrypt.localkms.LocalKmsFixture.SALES_READER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official AWS CLI ({@code aws kms ... --endpoint-url}) against localkms, with credentials from the environment
 * as from credentials.env. Skipped, saying so, when {@code aws} is not on PATH.
 */
@Tag("integration")
class AwsCliTest {

    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {}

    Result aws(LocalKms kms, String application, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("aws"));
        command.addAll(List.of(args));
        command.addAll(List.of("--endpoint-url", kms.endpoint().toString(), "--region", kms.region(), "--output", "json"));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.remove("AWS_SESSION_TOKEN");
        env.remove("AWS_PROFILE");
        env.put("AWS_CONFIG_FILE", dir.resolve("no-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials").toString());
        env.put("AWS_ACCESS_KEY_ID", kms.credentials(application).accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", kms.credentials(application).secretAccessKey());
        env.put("AWS_MAX_ATTEMPTS", "1");
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("aws %s finished", String.join(" ", args)).isTrue();
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void generateDataKeyDecryptAndListAliasesWithTheAwsCli() throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (LocalKms kms = LocalKms.start(LocalKmsConfig.of(LocalKmsFixture.governance(), dir.resolve("state")))) {
            Result generated;
            try {
                generated = aws(kms, ENCRYPTOR, "kms", "generate-data-key", "--key-id", "alias/deptcrypt-finance",
                        "--number-of-bytes", "32", "--encryption-context", "department=finance");
            } catch (IOException notFound) {
                assumeTrue(false, "The AWS CLI ('aws') is not on PATH (" + notFound.getMessage() + "): the AWS CLI"
                        + " compatibility test did NOT run. Install it (e.g. pip install awscli) to run it.");
                return;
            }
            assertThat(generated.exit()).as(generated.err()).isZero();
            JsonNode dk = json.readTree(generated.out());
            assertThat(dk.path("KeyId").asText()).isEqualTo(kms.keyArn("finance"));
            byte[] blob = Base64.getDecoder().decode(dk.path("CiphertextBlob").asText());
            Path blobFile = dir.resolve("blob.bin");
            Files.write(blobFile, blob);

            Result decrypted = aws(kms, FINANCE_READER, "kms", "decrypt", "--ciphertext-blob", "fileb://" + blobFile,
                    "--encryption-context", "department=finance");
            assertThat(decrypted.exit()).as(decrypted.err()).isZero();
            JsonNode opened = json.readTree(decrypted.out());
            assertThat(opened.path("Plaintext").asText()).isEqualTo(dk.path("Plaintext").asText());
            assertThat(opened.path("KeyId").asText()).isEqualTo(kms.keyArn("finance"));

            Result denied = aws(kms, SALES_READER, "kms", "decrypt", "--ciphertext-blob", "fileb://" + blobFile,
                    "--encryption-context", "department=finance");
            assertThat(denied.exit()).isNotZero();
            assertThat(denied.err()).contains("AccessDeniedException")
                    .contains("is not authorized to perform: kms:Decrypt on resource: " + kms.keyArn("finance"));

            Result aliases = aws(kms, "key-admin", "kms", "list-aliases");
            assertThat(aliases.exit()).as(aliases.err()).isZero();
            List<String> names = new ArrayList<>();
            json.readTree(aliases.out()).path("Aliases").forEach(a -> names.add(a.path("AliasName").asText()));
            assertThat(names).containsExactly("alias/deptcrypt-finance", "alias/deptcrypt-quarantine", "alias/deptcrypt-sales");
        }
    }
}
