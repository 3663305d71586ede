package io.deptcrypt.localkms;

import static io.deptcrypt.localkms.LocalKmsFixture.ADMIN;
import static io.deptcrypt.localkms.LocalKmsFixture.ENCRYPTOR;
import static io.deptcrypt.localkms.LocalKmsFixture.FINANCE_READER;
import static io.deptcrypt.localkms.LocalKmsFixture.SALES_READER;
import static io.deptcrypt.localkms.LocalKmsFixture.assertKmsError;
import static io.deptcrypt.localkms.LocalKmsFixture.department;
import static io.deptcrypt.localkms.LocalKmsFixture.role;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit line fields an audit command reads (docs/localkms.md, "Audit log"): the caller's application, and a
 * SHA-256 of every policy document CreateKey or PutKeyPolicy was given; plus the embedder's read access to aliases.
 */
class AuditFieldsTest {

    @TempDir
    Path stateDir;

    static List<JsonNode> entries(LocalKms kms) {
        try {
            return Files.readAllLines(kms.auditLog()).stream().map(l -> {
                try {
                    return RawKmsRequest.JSON.readTree(l);
                } catch (IOException e) {
                    throw new AssertionError("audit line is not JSON: " + l, e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode last(LocalKms kms, String operation, String application) {
        return entries(kms).stream().filter(e -> e.path("operation").asText().equals(operation)
                && e.path("application").asText().equals(application)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no " + operation + " by " + application + " in the audit log"));
    }

    static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void everyCallNamesTheCallersApplicationAndPolicyChangesTheirDocumentsHash() throws Exception {
        try (LocalKmsFixture f = LocalKmsFixture.start(stateDir)) {
            String finance = f.kms.keyArn("finance");
            var dk = f.client(ENCRYPTOR).generateDataKey(r -> r.keyId(finance).numberOfBytes(32).encryptionContext(department("finance")));
            assertKmsError(() -> f.client(SALES_READER).decrypt(r -> r.ciphertextBlob(dk.ciphertextBlob())
                    .encryptionContext(department("finance"))), "AccessDeniedException");

            JsonNode generated = last(f.kms, "GenerateDataKey", ENCRYPTOR);
            assertThat(generated.path("principal").asText()).isEqualTo(role(ENCRYPTOR));
            assertThat(generated.path("accessKeyId").asText()).isEqualTo(f.kms.credentials(ENCRYPTOR).accessKeyId());
            assertThat(generated.path("decision").asText()).isEqualTo("allow");
            assertThat(generated.has("policySha256")).as("only policy changes carry a hash").isFalse();
            JsonNode denied = last(f.kms, "Decrypt", SALES_READER);
            assertThat(denied.path("decision").asText()).isEqualTo("deny");
            assertThat(denied.path("keyArn").asText()).isEqualTo(finance);
            assertThat(denied.path("encryptionContext").path("department").asText()).isEqualTo("finance");
            for (String field : List.of("time", "requestId", "principal", "application", "operation", "reason", "errorCode")) {
                assertThat(denied.path(field).asText()).as(field).isNotEmpty();
            }

            String policy = KeyLifecycleTest.policyFor(ENCRYPTOR);
            String key = f.client(ADMIN).createKey(r -> r.policy(policy)).keyMetadata().arn();
            JsonNode created = last(f.kms, "CreateKey", ADMIN);
            assertThat(created.path("policySha256").asText()).isEqualTo(sha256(policy));
            assertThat(created.path("keyArn").asText()).isEqualTo(key);
            f.client(ADMIN).createKey(r -> r.description("default policy"));
            assertThat(last(f.kms, "CreateKey", ADMIN).path("policySha256").asText())
                    .as("CreateKey without a policy: the hash of the default policy it got")
                    .isEqualTo(sha256(f.client(ADMIN).getKeyPolicy(r -> r.keyId(last(f.kms, "CreateKey", ADMIN).path("keyArn").asText()))
                            .policy()));

            String changed = KeyLifecycleTest.policyFor(ENCRYPTOR, FINANCE_READER);
            f.client(ADMIN).putKeyPolicy(r -> r.keyId(key).policy(changed));
            JsonNode put = last(f.kms, "PutKeyPolicy", ADMIN);
            assertThat(put.path("policySha256").asText()).isEqualTo(sha256(changed)).isNotEqualTo(sha256(policy));
            assertThat(put.path("decision").asText()).isEqualTo("allow");
            // A refused change is recorded with the hash of what was tried.
            String attempt = KeyLifecycleTest.policyFor(FINANCE_READER);
            assertKmsError(() -> f.client(FINANCE_READER).putKeyPolicy(r -> r.keyId(key).policy(attempt)), "AccessDeniedException");
            JsonNode refused = last(f.kms, "PutKeyPolicy", FINANCE_READER);
            assertThat(refused.path("decision").asText()).isEqualTo("deny");
            assertThat(refused.path("policySha256").asText()).isEqualTo(sha256(attempt));

            String log = Files.readString(f.kms.auditLog());
            assertThat(log).as("hashes, not documents").doesNotContain("2012-10-17").doesNotContain("\"Statement\"");
        }
    }

    @Test
    void embeddersResolveAliasesWithoutReachingIntoState() {
        try (LocalKmsFixture f = LocalKmsFixture.start(stateDir)) {
            assertThat(f.kms.keyArnForAlias("alias/deptcrypt-finance")).contains(f.kms.keyArn("finance"));
            assertThat(f.kms.keyArnForAlias("alias/nothing-here")).isEmpty();
            String key = f.client(ADMIN).createKey(r -> r.policy(KeyLifecycleTest.policyFor(ENCRYPTOR))).keyMetadata().arn();
            f.client(ADMIN).createAlias(r -> r.aliasName("alias/made-at-run-time").targetKeyId(key));
            assertThat(f.kms.keyArnForAlias("alias/made-at-run-time")).contains(key);
            assertThatThrownBy(() -> f.kms.keyArnForAlias("deptcrypt-finance")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not an alias name");
            assertThat(f.kms.auditLog()).isEqualTo(f.kms.stateDir().resolve("audit.log"));
            assertThat(f.kms.applications()).containsExactly(ENCRYPTOR, FINANCE_READER, SALES_READER, LocalKmsFixture.CONNECTOR,
                    LocalKmsFixture.AUDITOR, ADMIN);
        }
    }
}
