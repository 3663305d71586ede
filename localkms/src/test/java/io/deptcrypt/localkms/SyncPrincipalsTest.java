package io.deptcrypt.localkms;

import static io.deptcrypt.localkms.LocalKmsFixture.ADMIN;
import static io.deptcrypt.localkms.LocalKmsFixture.AUDITOR;
import static io.deptcrypt.localkms.LocalKmsFixture.CONNECTOR;
import static io.deptcrypt.localkms.LocalKmsFixture.ENCRYPTOR;
import static io.deptcrypt.localkms.LocalKmsFixture.FINANCE_READER;
import static io.deptcrypt.localkms.LocalKmsFixture.SALES_READER;
import static io.deptcrypt.localkms.LocalKmsFixture.assertKmsError;
import static io.deptcrypt.localkms.LocalKmsFixture.role;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.localkms.RawKmsRequest.Response;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * {@code DeptcryptLocalIam.SyncPrincipals}, localkms's stand-in for IAM: requests signed by the AWS SDK's own SigV4
 * signer; the principal set changes while localkms runs, and the next calls see it.
 */
class SyncPrincipalsTest {

    static final String HR_READER = "hr-consumer";
    static final List<String> GOVERNANCE_APPS = List.of(ENCRYPTOR, FINANCE_READER, SALES_READER, CONNECTOR, AUDITOR, ADMIN);

    @TempDir
    Path stateDir;

    record Wanted(String name, boolean keyAdmin) {}

    static Response sync(LocalKms kms, String caller, Wanted... principals) {
        ObjectNode body = RawKmsRequest.JSON.createObjectNode();
        ArrayNode list = body.putArray("Principals");
        for (Wanted p : principals) {
            list.addObject().put("Name", p.name()).put("RoleArn", role(p.name())).put("KeyAdmin", p.keyAdmin());
        }
        return sync(kms, caller, body.toString());
    }

    static Response sync(LocalKms kms, String caller, String body) {
        RawKmsRequest request = new RawKmsRequest(kms.endpoint(), kms.credentials(caller), "unused", body);
        request.target = "DeptcryptLocalIam.SyncPrincipals";
        return request.send();
    }

    /** The governance applications minus {@code without}, plus {@code extra}; key-admin stays the key admin. */
    static Wanted[] governanceAppsWithout(String without, Wanted... extra) {
        List<Wanted> out = new ArrayList<>();
        for (String app : GOVERNANCE_APPS) {
            if (!app.equals(without)) {
                out.add(new Wanted(app, app.equals(ADMIN)));
            }
        }
        out.addAll(List.of(extra));
        return out.toArray(Wanted[]::new);
    }

    static Map<String, JsonNode> byName(Response r) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        r.body().path("Principals").forEach(p -> out.put(p.path("Name").asText(), p));
        return out;
    }

    @Test
    void addsKeepsAndRemovesPrincipalsWhileRunning() throws Exception {
        try (LocalKmsFixture f = LocalKmsFixture.start(stateDir)) {
            LocalKms kms = f.kms;
            AccessKey encryptorBefore = kms.credentials(ENCRYPTOR);
            AccessKey salesKeyBefore = kms.credentials(SALES_READER);
            KmsClient salesBefore = f.client(SALES_READER);
            assertThat(salesBefore.listKeys().keys()).isNotEmpty();

            Response r = sync(kms, ADMIN, governanceAppsWithout(SALES_READER, new Wanted(HR_READER, false)));
            assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
            Map<String, JsonNode> answered = byName(r);
            assertThat(answered.keySet()).containsExactly(ENCRYPTOR, FINANCE_READER, CONNECTOR, AUDITOR, ADMIN, HR_READER);
            // Existing principals keep their access keys; the new one gets a fresh one; the answer has them all.
            assertThat(answered.get(ENCRYPTOR).path("AccessKeyId").asText()).isEqualTo(encryptorBefore.accessKeyId());
            assertThat(answered.get(ENCRYPTOR).path("SecretAccessKey").asText()).isEqualTo(encryptorBefore.secretAccessKey());
            JsonNode hr = answered.get(HR_READER);
            assertThat(hr.path("RoleArn").asText()).isEqualTo(role(HR_READER));
            assertThat(hr.path("AccessKeyId").asText()).matches("AKIA[A-Z2-7]{16}");
            assertThat(hr.path("SecretAccessKey").asText()).hasSize(40);
            assertThat(answered.get(ADMIN).path("KeyAdmin").asBoolean()).isTrue();
            assertThat(hr.path("KeyAdmin").asBoolean()).isFalse();

            // The embedder's view, credentials.env and the state follow at once.
            assertThat(kms.applications()).containsExactly(ENCRYPTOR, FINANCE_READER, CONNECTOR, AUDITOR, ADMIN, HR_READER);
            assertThat(kms.credentials(HR_READER).accessKeyId()).isEqualTo(hr.path("AccessKeyId").asText());
            assertThatThrownBy(() -> kms.credentials(SALES_READER)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unknown application '" + SALES_READER + "'");
            Properties env = new Properties();
            env.load(new StringReader(Files.readString(kms.credentialsFile())));
            assertThat(env.getProperty("HR_CONSUMER_AWS_ACCESS_KEY_ID")).isEqualTo(hr.path("AccessKeyId").asText());
            assertThat(env.getProperty("HR_CONSUMER_AWS_SECRET_ACCESS_KEY")).isEqualTo(hr.path("SecretAccessKey").asText());
            assertThat(env.getProperty("SALES_CONSUMER_AWS_ACCESS_KEY_ID")).isNull();
            assertThat(env.getProperty("FINANCE_KEY_ARN")).isEqualTo(kms.keyArn("finance"));
            assertThat(env.getProperty("KMS_ENDPOINT")).isEqualTo(kms.endpoint().toString());
            assertThat(Files.readString(kms.stateDir().resolve("state.json"))).contains("\"application\" : \"" + HR_READER + "\"")
                    .doesNotContain("\"application\" : \"" + SALES_READER + "\"");

            // The removed principal's very next call is refused; the new one is a principal policies may name.
            assertKmsError(salesBefore::listKeys, "UnrecognizedClientException");
            String key = f.client(ADMIN).createKey(r2 -> r2.policy(KeyLifecycleTest.policyFor(HR_READER))).keyMetadata().arn();
            KmsClient hrClient = LocalKmsFixture.client(kms, HR_READER);
            SdkBytes blob = hrClient.encrypt(e -> e.keyId(key).plaintext(SdkBytes.fromUtf8String("hr"))).ciphertextBlob();
            assertThat(hrClient.decrypt(d -> d.ciphertextBlob(blob)).plaintext().asUtf8String()).isEqualTo("hr");
            hrClient.close();
            assertKmsError(() -> f.client(ADMIN).createKey(c -> c.policy(KeyLifecycleTest.policyFor(SALES_READER))),
                    "MalformedPolicyDocumentException").hasMessageContaining(role(SALES_READER) + " does not exist");

            // Adding the removed one back gives it a fresh access key, not its old one.
            Response back = sync(kms, ADMIN, governanceAppsWithout(HR_READER));
            assertThat(back.status()).isEqualTo(200);
            assertThat(byName(back).get(SALES_READER).path("AccessKeyId").asText())
                    .isNotEqualTo(salesKeyBefore.accessKeyId());
        }
    }

    @Test
    void onlyACurrentKeyAdminMaySyncAndTheLastOneCannotBeRemoved() throws Exception {
        try (LocalKmsFixture f = LocalKmsFixture.start(stateDir)) {
            LocalKms kms = f.kms;
            Response denied = sync(kms, FINANCE_READER, governanceAppsWithout(SALES_READER));
            assertThat(denied.status()).isEqualTo(400);
            assertThat(denied.errorType()).isEqualTo("AccessDeniedException");
            assertThat(denied.message()).isEqualTo("User: " + role(FINANCE_READER) + " is not authorized to perform:"
                    + " DeptcryptLocalIam:SyncPrincipals on resource: * because no identity-based policy allows the"
                    + " DeptcryptLocalIam:SyncPrincipals action");
            assertThat(kms.applications()).contains(SALES_READER);
            String audit = Files.readAllLines(kms.auditLog()).stream().filter(l -> l.contains("\"operation\":\"SyncPrincipals\""))
                    .reduce((a, b) -> b).orElseThrow();
            assertThat(RawKmsRequest.JSON.readTree(audit).path("decision").asText()).isEqualTo("deny");
            assertThat(RawKmsRequest.JSON.readTree(audit).path("application").asText()).isEqualTo(FINANCE_READER);

            Wanted[] noAdmin = GOVERNANCE_APPS.stream().map(a -> new Wanted(a, false)).toArray(Wanted[]::new);
            Response lastAdmin = sync(kms, ADMIN, noAdmin);
            assertThat(lastAdmin.errorType()).isEqualTo("ValidationException");
            assertThat(lastAdmin.message()).contains("no key admin").contains("refuses to remove the last key admin");
            assertThat(sync(kms, ADMIN, "{\"Principals\":[]}").message()).contains("no key admin");

            // Handing administration over: the new admin may create keys and sync, the old one no longer.
            Wanted[] handOver = GOVERNANCE_APPS.stream().map(a -> new Wanted(a, a.equals(AUDITOR))).toArray(Wanted[]::new);
            assertThat(sync(kms, ADMIN, handOver).status()).isEqualTo(200);
            assertKmsError(() -> f.client(ADMIN).createKey(c -> c.description("x")), "AccessDeniedException")
                    .hasMessageContaining("kms:CreateKey on resource: *");
            assertThat(f.client(AUDITOR).createKey(c -> c.policy(KeyLifecycleTest.policyFor(AUDITOR).replace(role(ADMIN), role(AUDITOR))))
                    .keyMetadata().arn()).isNotEmpty();
            assertThat(sync(kms, ADMIN, handOver).errorType()).isEqualTo("AccessDeniedException");
            assertThat(sync(kms, AUDITOR, governanceAppsWithout(null)).status()).isEqualTo(200);
        }
    }

    @Test
    void invalidPrincipalListsAreRefusedNamingTheEntry() {
        try (LocalKmsFixture f = LocalKmsFixture.start(stateDir)) {
            LocalKms kms = f.kms;
            String admin = "{\"Name\":\"key-admin\",\"RoleArn\":\"" + role(ADMIN) + "\",\"KeyAdmin\":true}";
            Map<String, String> cases = new LinkedHashMap<>();
            cases.put("{}", "Value null at 'principals' failed to satisfy constraint: Member must not be null");
            cases.put("{\"Principals\":[" + admin + ",{\"RoleArn\":\"" + role("x") + "\"}]}", "Principals[1].Name is missing");
            cases.put("{\"Principals\":[" + admin + ",{\"Name\":\"Bad_Name\",\"RoleArn\":\"" + role("x") + "\"}]}",
                    "Principals[1].Name 'Bad_Name' must be 1-63 lower-case letters");
            cases.put("{\"Principals\":[" + admin + "," + admin + "]}", "Principals[1].Name 'key-admin' appears twice");
            cases.put("{\"Principals\":[" + admin + ",{\"Name\":\"other\",\"RoleArn\":\"" + role(ADMIN) + "\"}]}",
                    "Principals[1].RoleArn '" + role(ADMIN) + "' is already used by another principal");
            cases.put("{\"Principals\":[" + admin + ",{\"Name\":\"x\",\"RoleArn\":\"arn:aws:iam::999999999999:role/x\"}]}",
                    "is in account 999999999999; this localkms serves account 111122223333");
            cases.put("{\"Principals\":[" + admin + ",{\"Name\":\"x\",\"RoleArn\":\"not-an-arn\"}]}",
                    "Principals[1].RoleArn 'not-an-arn' is not an IAM role ARN");
            for (Map.Entry<String, String> c : cases.entrySet()) {
                Response r = sync(kms, ADMIN, c.getKey());
                assertThat(r.errorType()).as(c.getKey()).isEqualTo("ValidationException");
                assertThat(r.message()).as(c.getKey()).contains(c.getValue());
            }
            assertThat(sync(kms, ADMIN, "{\"Principals\":\"all\"}").errorType()).isEqualTo("SerializationException");
            assertThat(kms.applications()).as("nothing changed").containsExactlyElementsOf(GOVERNANCE_APPS);
        }
    }

    @Test
    void restartAddsTheGovernanceApplicationsAndKeepsWhatASyncLeft() throws Exception {
        AccessKey encryptor;
        AccessKey salesBefore;
        try (LocalKmsFixture f = LocalKmsFixture.start(stateDir)) {
            encryptor = f.kms.credentials(ENCRYPTOR);
            salesBefore = f.kms.credentials(SALES_READER);
            assertThat(sync(f.kms, ADMIN, governanceAppsWithout(SALES_READER, new Wanted(HR_READER, false))).status()).isEqualTo(200);
        }
        try (LocalKmsFixture f = LocalKmsFixture.start(stateDir)) {
            // A restart neither widens nor narrows what a running system allowed: the principal a sync added stays.
            assertThat(f.kms.applications()).containsAll(GOVERNANCE_APPS).contains(HR_READER);
            assertThat(f.kms.credentials(ENCRYPTOR)).isEqualTo(encryptor);
            assertThat(f.kms.credentials(SALES_READER).accessKeyId()).isNotEqualTo(salesBefore.accessKeyId());
            assertThat(f.client(SALES_READER).listKeys().keys()).isNotEmpty();
            assertThat(f.client(ADMIN).createKey(c -> c.policy(KeyLifecycleTest.policyFor(ENCRYPTOR))).keyMetadata().arn()).isNotEmpty();
        }
    }

    @Test
    void stateWrittenBeforeKeyAdminFlagsExistedStillStarts() throws Exception {
        try (LocalKmsFixture f = LocalKmsFixture.start(stateDir)) {
            assertThat(f.kms.applications()).isNotEmpty();
        }
        Path state = stateDir.resolve("state.json");
        String old = Files.readString(state).replaceAll("\\s*\"keyAdmin\" : (true|false),", "");
        assertThat(old).doesNotContain("keyAdmin");
        Files.writeString(state, old);
        try (LocalKmsFixture f = LocalKmsFixture.start(stateDir)) {
            assertThat(f.client(ADMIN).createKey(c -> c.policy(KeyLifecycleTest.policyFor(ENCRYPTOR))).keyMetadata().arn()).isNotEmpty();
            assertKmsError(() -> f.client(ENCRYPTOR).createKey(c -> c.description("x")), "AccessDeniedException");
        }
    }
}
