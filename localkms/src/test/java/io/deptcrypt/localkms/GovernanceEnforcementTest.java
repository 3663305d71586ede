package io.deptcrypt.localkms;

import static io.deptcrypt.localkms.LocalKmsFixture.ADMIN;
import static io.deptcrypt.localkms.LocalKmsFixture.AUDITOR;
import static io.deptcrypt.localkms.LocalKmsFixture.CONNECTOR;
import static io.deptcrypt.localkms.LocalKmsFixture.ENCRYPTOR;
import static io.deptcrypt.localkms.LocalKmsFixture.FINANCE_READER;
import static io.deptcrypt.localkms.LocalKmsFixture.SALES_READER;
import static io.deptcrypt.localkms.LocalKmsFixture.assertKmsError;
import static io.deptcrypt.localkms.LocalKmsFixture.department;
import static io.deptcrypt.localkms.LocalKmsFixture.role;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deptcrypt.policy.GovernedKey;
import io.deptcrypt.policy.KeyPolicyRenderer;
import io.deptcrypt.policy.PolicyNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.KmsException;

/** The governance file, enforced: who may generate, decrypt, describe and manage each department key. */
class GovernanceEnforcementTest {

    @TempDir
    static Path stateDir;
    static LocalKmsFixture f;
    static String finance;
    static String sales;

    @BeforeAll
    static void start() {
        f = LocalKmsFixture.start(stateDir);
        finance = f.kms.keyArn("finance");
        sales = f.kms.keyArn("sales");
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    static GenerateDataKeyResponse dataKey(String keyArn, String dept) {
        return f.client(ENCRYPTOR).generateDataKey(r -> r.keyId(keyArn).numberOfBytes(32).encryptionContext(department(dept)));
    }

    @Test
    void financeReaderDecryptingSalesDataKeyIsDeniedInAwsWording() {
        GenerateDataKeyResponse salesKey = dataKey(sales, "sales");
        assertKmsError(() -> f.client(FINANCE_READER).decrypt(r -> r.ciphertextBlob(salesKey.ciphertextBlob())
                        .encryptionContext(department("sales")).keyId(sales)), "AccessDeniedException")
                .hasMessageContaining("User: " + role(FINANCE_READER) + " is not authorized to perform: kms:Decrypt on resource: "
                        + sales + " because no resource-based policy allows the kms:Decrypt action");
        // Claiming another department in the context does not help: the context is bound to the blob.
        assertKmsError(() -> f.client(FINANCE_READER).decrypt(r -> r.ciphertextBlob(salesKey.ciphertextBlob())
                .encryptionContext(department("finance"))), "AccessDeniedException");
        // The rightful reader can.
        assertThat(f.client(SALES_READER).decrypt(r -> r.ciphertextBlob(salesKey.ciphertextBlob())
                .encryptionContext(department("sales")).keyId(sales)).plaintext()).isEqualTo(salesKey.plaintext());
    }

    @Test
    void ownerGeneratesOnlyWithTheMatchingDepartmentContext() {
        assertThat(dataKey(finance, "finance").keyId()).isEqualTo(finance);
        assertThat(f.client(ENCRYPTOR).encrypt(r -> r.keyId(finance).plaintext(SdkBytes.fromUtf8String("k"))
                .encryptionContext(department("finance"))).keyId()).isEqualTo(finance);
        assertKmsError(() -> dataKey(finance, "sales"), "AccessDeniedException")
                .hasMessageContaining("kms:GenerateDataKey on resource: " + finance);
        assertKmsError(() -> f.client(ENCRYPTOR).generateDataKey(r -> r.keyId(finance).numberOfBytes(32)), "AccessDeniedException");
        // As in AWS, the key name in kms:EncryptionContext:<key> compares case-insensitively, the value exactly.
        assertThat(f.client(ENCRYPTOR).generateDataKey(r -> r.keyId(finance).numberOfBytes(32)
                .encryptionContext(Map.of("Department", "finance"))).keyId()).isEqualTo(finance);
        assertKmsError(() -> f.client(ENCRYPTOR).generateDataKey(r -> r.keyId(finance).numberOfBytes(32)
                .encryptionContext(Map.of("department", "Finance"))), "AccessDeniedException");
    }

    @Test
    void ownerCannotDecryptAndReadersCannotGenerate() {
        GenerateDataKeyResponse k = dataKey(finance, "finance");
        assertKmsError(() -> f.client(ENCRYPTOR).decrypt(r -> r.ciphertextBlob(k.ciphertextBlob()).encryptionContext(department("finance"))),
                "AccessDeniedException");
        assertKmsError(() -> f.client(FINANCE_READER).generateDataKey(r -> r.keyId(finance).numberOfBytes(32)
                .encryptionContext(department("finance"))), "AccessDeniedException");
        assertKmsError(() -> f.client(CONNECTOR).generateDataKey(r -> r.keyId(finance).numberOfBytes(32)
                .encryptionContext(department("finance"))), "AccessDeniedException");
    }

    @Test
    void keyAdminManagesButCannotUse() {
        GenerateDataKeyResponse k = dataKey(finance, "finance");
        var admin = f.client(ADMIN);
        assertThat(admin.describeKey(r -> r.keyId(finance)).keyMetadata().arn()).isEqualTo(finance);
        assertThat(admin.getKeyPolicy(r -> r.keyId(finance)).policy()).contains(KeyPolicyRenderer.SID_READERS_DECRYPT);
        assertThat(admin.getKeyRotationStatus(r -> r.keyId(finance)).keyId()).isEqualTo(finance);
        assertThat(admin.listGrants(r -> r.keyId(finance)).grants()).isNotNull();
        assertKmsError(() -> admin.decrypt(r -> r.ciphertextBlob(k.ciphertextBlob()).encryptionContext(department("finance"))),
                "AccessDeniedException");
        assertKmsError(() -> admin.generateDataKey(r -> r.keyId(finance).numberOfBytes(32).encryptionContext(department("finance"))),
                "AccessDeniedException");
        assertKmsError(() -> admin.reEncrypt(r -> r.ciphertextBlob(k.ciphertextBlob()).sourceEncryptionContext(department("finance"))
                .destinationKeyId(sales).destinationEncryptionContext(department("sales"))), "AccessDeniedException");
        // Readers may describe their key but not manage it.
        assertThat(f.client(FINANCE_READER).describeKey(r -> r.keyId(finance)).keyMetadata().keyId()).isNotEmpty();
        assertKmsError(() -> f.client(FINANCE_READER).describeKey(r -> r.keyId(sales)), "AccessDeniedException");
        assertKmsError(() -> f.client(FINANCE_READER).disableKey(r -> r.keyId(finance)), "AccessDeniedException");
        assertKmsError(() -> f.client(ENCRYPTOR).getKeyPolicy(r -> r.keyId(finance)), "AccessDeniedException");
    }

    @Test
    void quarantineIsReadableOnlyByItsReaders() {
        String q = f.kms.quarantineKeyArn();
        GenerateDataKeyResponse k = dataKey(q, PolicyNames.QUARANTINE_DEPARTMENT);
        assertThat(f.client(AUDITOR).decrypt(r -> r.ciphertextBlob(k.ciphertextBlob())
                .encryptionContext(department(PolicyNames.QUARANTINE_DEPARTMENT))).plaintext()).isEqualTo(k.plaintext());
        for (String app : List.of(FINANCE_READER, SALES_READER, ENCRYPTOR, ADMIN)) {
            assertKmsError(() -> f.client(app).decrypt(r -> r.ciphertextBlob(k.ciphertextBlob())
                    .encryptionContext(department(PolicyNames.QUARANTINE_DEPARTMENT))), "AccessDeniedException");
        }
        assertKmsError(() -> dataKey(q, "finance"), "AccessDeniedException");
    }

    @Test
    void explicitDenyWinsOverAllow() {
        String policy = """
                {"Version":"2012-10-17","Statement":[
                 {"Sid":"Admin","Effect":"Allow","Principal":{"AWS":"%1$s"},"Action":"kms:*","Resource":"*"},
                 {"Sid":"Use","Effect":"Allow","Principal":{"AWS":"%2$s"},"Action":"kms:*","Resource":"*"},
                 {"Sid":"NoSecretContext","Effect":"Deny","Principal":"*","Action":"kms:Encrypt","Resource":"*",
                  "Condition":{"StringLike":{"kms:EncryptionContext:label":"secret-*"}}}]}
                """.formatted(role(ADMIN), role(ENCRYPTOR));
        String key = f.client(ADMIN).createKey(r -> r.policy(policy)).keyMetadata().arn();
        assertThat(f.client(ENCRYPTOR).encrypt(r -> r.keyId(key).plaintext(SdkBytes.fromUtf8String("a"))
                .encryptionContext(Map.of("label", "public"))).keyId()).isEqualTo(key);
        assertKmsError(() -> f.client(ENCRYPTOR).encrypt(r -> r.keyId(key).plaintext(SdkBytes.fromUtf8String("a"))
                .encryptionContext(Map.of("label", "secret-1"))), "AccessDeniedException")
                .hasMessageContaining("with an explicit deny in a resource-based policy");
    }

    @Test
    void runTimePolicyChangeTakesEffectOnTheNextCall() {
        // A fresh key with the finance policy shape, so the shared governance keys stay untouched.
        String generated = KeyPolicyRenderer.json(f.kms.governance(), GovernedKey.of(f.kms.governance()).get(0),
                KeyPolicyRenderer.Options.GOVERNANCE_ONLY);
        String key = f.client(ADMIN).createKey(r -> r.policy(generated)).keyMetadata().arn();
        GenerateDataKeyResponse k = dataKey(key, "finance");
        assertThat(f.client(FINANCE_READER).decrypt(r -> r.ciphertextBlob(k.ciphertextBlob())
                .encryptionContext(department("finance"))).keyId()).isEqualTo(key);
        String withoutReaders = generated.replace(role(FINANCE_READER), role(SALES_READER));
        f.client(ADMIN).putKeyPolicy(r -> r.keyId(key).policy(withoutReaders));
        assertKmsError(() -> f.client(FINANCE_READER).decrypt(r -> r.ciphertextBlob(k.ciphertextBlob())
                .encryptionContext(department("finance"))), "AccessDeniedException");
    }

    @Test
    void auditLogRecordsDecisionsWithoutSecrets() throws Exception {
        GenerateDataKeyResponse k = dataKey(finance, "finance");
        try {
            f.client(SALES_READER).decrypt(r -> r.ciphertextBlob(k.ciphertextBlob()).encryptionContext(department("finance")));
        } catch (KmsException expected) {
            // recorded below
        }
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(f.kms.auditLog());
        List<JsonNode> entries = lines.stream().map(l -> {
            try {
                return json.readTree(l);
            } catch (Exception e) {
                throw new AssertionError("audit line is not JSON: " + l, e);
            }
        }).toList();
        JsonNode denied = entries.stream().filter(e -> e.path("operation").asText().equals("Decrypt")
                && e.path("principal").asText().equals(role(SALES_READER))).reduce((a, b) -> b).orElseThrow();
        assertThat(denied.path("decision").asText()).isEqualTo("deny");
        assertThat(denied.path("errorCode").asText()).isEqualTo("AccessDeniedException");
        assertThat(denied.path("keyArn").asText()).isEqualTo(finance);
        assertThat(denied.path("encryptionContext").path("department").asText()).isEqualTo("finance");
        assertThat(denied.path("time").asText()).isNotEmpty();
        JsonNode allowed = entries.stream().filter(e -> e.path("operation").asText().equals("GenerateDataKey")
                && e.path("decision").asText().equals("allow")).findFirst().orElseThrow();
        assertThat(allowed.path("reason").asText()).isEqualTo("policy:" + KeyPolicyRenderer.SID_OWNER_ENCRYPT);
        String all = String.join("\n", lines);
        String plaintextB64 = java.util.Base64.getEncoder().encodeToString(k.plaintext().asByteArray());
        String blobB64 = java.util.Base64.getEncoder().encodeToString(k.ciphertextBlob().asByteArray());
        assertThat(all).doesNotContain(plaintextB64).doesNotContain(blobB64)
                .doesNotContain(f.kms.credentials(ENCRYPTOR).secretAccessKey()).doesNotContain("Signature=");
    }
}
