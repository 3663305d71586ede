package io.deptcrypt.localkms;

import static io.deptcrypt.localkms.LocalKmsFixture.ACCOUNT;
import static io.deptcrypt.localkms.LocalKmsFixture.ADMIN;
import static io.deptcrypt.localkms.LocalKmsFixture.ENCRYPTOR;
import static io.deptcrypt.localkms.LocalKmsFixture.FINANCE_READER;
import static io.deptcrypt.localkms.LocalKmsFixture.SALES_READER;
import static io.deptcrypt.localkms.LocalKmsFixture.assertKmsError;
import static io.deptcrypt.localkms.LocalKmsFixture.department;
import static io.deptcrypt.localkms.LocalKmsFixture.role;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.localkms.RawKmsRequest.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;

/**
 * Identity policies handed to localkms with {@code SyncPrincipals}, over the real HTTP API with the unchanged SDK
 * client: a key with AWS's default policy (the account root may do everything) then gives each principal exactly what
 * its own identity policy allows, as in AWS, while governance keys, which name roles, need none.
 */
class IdentityPolicyEnforcementTest {

    static final String KEYS = "arn:aws:kms:us-east-1:" + ACCOUNT + ":key/*";
    static final String HR_ALIAS = "alias/hr-data";
    static final SdkBytes DATA = SdkBytes.fromUtf8String("payroll");

    @TempDir
    Path stateDir;

    static String iamPolicy(String statements) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[" + statements + "]}";
    }

    /** The governance applications (key-admin the key admin), with the given identity policies. */
    static String principals(Map<String, String> identityPolicies) {
        ObjectNode body = RawKmsRequest.JSON.createObjectNode();
        ArrayNode list = body.putArray("Principals");
        for (String app : SyncPrincipalsTest.GOVERNANCE_APPS) {
            ObjectNode p = list.addObject().put("Name", app).put("RoleArn", role(app)).put("KeyAdmin", app.equals(ADMIN));
            if (identityPolicies.containsKey(app)) {
                p.put("IdentityPolicy", identityPolicies.get(app));
            }
        }
        return body.toString();
    }

    static final String FINANCE_IAM = iamPolicy("{\"Sid\":\"UseHrKeyByAlias\",\"Effect\":\"Allow\","
            + "\"Action\":[\"kms:Encrypt\",\"kms:Decrypt\"],\"Resource\":\"" + KEYS + "\","
            + "\"Condition\":{\"ForAnyValue:StringEquals\":{\"kms:ResourceAliases\":\"" + HR_ALIAS + "\"}}}");
    static final String SALES_IAM = iamPolicy("{\"Sid\":\"QueueOnly\",\"Effect\":\"Allow\",\"Action\":\"sqs:ReceiveMessage\","
            + "\"Resource\":\"arn:aws:sqs:us-east-1:" + ACCOUNT + ":ingest\"}");
    static final String ENCRYPTOR_IAM = iamPolicy("{\"Sid\":\"GenerateOnly\",\"Effect\":\"Allow\",\"Action\":\"kms:GenerateDataKey\","
            + "\"Resource\":\"" + KEYS + "\"}");

    @Test
    void theAccountRootGivesEachPrincipalWhatItsIdentityPolicyAllows() throws Exception {
        try (LocalKmsFixture f = LocalKmsFixture.start(stateDir)) {
            String key = f.client(ADMIN).createKey(c -> c.description("AWS's default policy")).keyMetadata().arn();
            f.client(ADMIN).createAlias(a -> a.aliasName(HR_ALIAS).targetKeyId(key));
            // No identity policies yet: the root means every principal of the account.
            f.client(SALES_READER).encrypt(e -> e.keyId(key).plaintext(DATA));

            Response synced = SyncPrincipalsTest.sync(f.kms, ADMIN, principals(Map.of(FINANCE_READER, FINANCE_IAM,
                    SALES_READER, SALES_IAM, ENCRYPTOR, ENCRYPTOR_IAM)));
            assertThat(synced.status()).as(synced.body().toString()).isEqualTo(200);

            // Root + identity allow: finance-consumer encrypts and decrypts under the key its policy names by alias ...
            SdkBytes blob = f.client(FINANCE_READER).encrypt(e -> e.keyId(key).plaintext(DATA)).ciphertextBlob();
            assertThat(f.client(FINANCE_READER).decrypt(d -> d.ciphertextBlob(blob)).plaintext()).isEqualTo(DATA);
            // ... and nothing its policy leaves out.
            assertKmsError(() -> f.client(FINANCE_READER).describeKey(d -> d.keyId(key)), "AccessDeniedException")
                    .hasMessageContaining("User: " + role(FINANCE_READER) + " is not authorized to perform: kms:DescribeKey on"
                            + " resource: " + key + " because no identity-based policy allows the kms:DescribeKey action");
            // Root + silent identity policy: sales-consumer, allowed a moment ago, is refused now.
            assertKmsError(() -> f.client(SALES_READER).encrypt(e -> e.keyId(key).plaintext(DATA)), "AccessDeniedException")
                    .hasMessageContaining("because no identity-based policy allows the kms:Encrypt action");
            // Principals without an identity policy keep the root-means-account rule.
            f.client(ADMIN).describeKey(d -> d.keyId(key));

            // Governance keys name the roles: those allows need no identity policy (finance-consumer's says nothing
            // of the finance key, the encryptor's nothing of Encrypt).
            String finance = f.kms.keyArn("finance");
            SdkBytes sealed = f.client(ENCRYPTOR).encrypt(e -> e.keyId(finance).plaintext(DATA)
                    .encryptionContext(department("finance"))).ciphertextBlob();
            assertThat(f.client(FINANCE_READER).decrypt(d -> d.ciphertextBlob(sealed).encryptionContext(department("finance")))
                    .plaintext()).isEqualTo(DATA);
            // Operations on no key are the identity policy's: the encryptor's does not allow ListKeys.
            assertKmsError(() -> f.client(ENCRYPTOR).listKeys(), "AccessDeniedException")
                    .hasMessageContaining("kms:ListKeys on resource: * because no identity-based policy allows");

            // kms:ResourceAliases is the aliases of the moment: with the alias gone, so is finance-consumer's access.
            f.client(ADMIN).deleteAlias(a -> a.aliasName(HR_ALIAS));
            assertKmsError(() -> f.client(FINANCE_READER).decrypt(d -> d.ciphertextBlob(blob)), "AccessDeniedException")
                    .hasMessageContaining("because no identity-based policy allows the kms:Decrypt action");

            String audit = Files.readString(f.kms.auditLog());
            assertThat(audit).contains("\"reason\":\"policy:Enable IAM User Permissions + identity:UseHrKeyByAlias\"")
                    .contains("\"reason\":\"policy:Enable IAM User Permissions delegates to IAM; no identity-policy"
                            + " statement or grant allows\"");
            assertThat(Files.readString(stateDir.resolve("state.json"))).contains("\"identityPolicy\" : ")
                    .contains("UseHrKeyByAlias");
        }
    }

    @Test
    void malformedIdentityPoliciesAreRefusedNamingTheEntryAndChangeNothing() {
        try (LocalKmsFixture f = LocalKmsFixture.start(stateDir)) {
            String withPrincipal = iamPolicy("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\"}");
            Response r = SyncPrincipalsTest.sync(f.kms, ADMIN, principals(Map.of(FINANCE_READER, withPrincipal)));
            assertThat(r.errorType()).isEqualTo("MalformedPolicyDocumentException");
            assertThat(r.message()).isEqualTo("Principals[1].IdentityPolicy: Statement[0] has a Principal: an identity policy"
                    + " has none (it applies to the principal it is attached to)");
            String unknownKey = iamPolicy("{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\","
                    + "\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}}");
            assertThat(SyncPrincipalsTest.sync(f.kms, ADMIN, principals(Map.of(SALES_READER, unknownKey))).message())
                    .startsWith("Principals[2].IdentityPolicy: Policy has an unsupported condition operator 'IpAddress'");
            String notText = principals(Map.of()).replace("\"Name\":\"encryptor\"", "\"Name\":\"encryptor\",\"IdentityPolicy\":{}");
            assertThat(SyncPrincipalsTest.sync(f.kms, ADMIN, notText).errorType()).isEqualTo("SerializationException");
            // Nothing changed: sales-consumer still has no identity policy, so the root still means it.
            String key = f.client(ADMIN).createKey(c -> c.description("default policy")).keyMetadata().arn();
            f.client(SALES_READER).encrypt(e -> e.keyId(key).plaintext(DATA));
        }
    }

    @Test
    void aStoredIdentityPolicyIsCheckedOnStartAndKeptByTheStartUpSync() throws Exception {
        try (LocalKmsFixture f = LocalKmsFixture.start(stateDir)) {
            assertThat(SyncPrincipalsTest.sync(f.kms, ADMIN, principals(Map.of(SALES_READER, SALES_IAM))).status()).isEqualTo(200);
        }
        Path state = stateDir.resolve("state.json");
        String good = Files.readString(state);
        String damaged = good.replace("QueueOnly\\\",\\\"Effect\\\"", "QueueOnly\\\",\\\"Effekt\\\"");
        assertThat(damaged).as("the stored identity policy was edited").isNotEqualTo(good);
        Files.writeString(state, damaged);
        assertThatThrownBy(() -> LocalKmsFixture.start(stateDir)).isInstanceOf(LocalKmsStartException.class)
                .hasMessageContaining("accessKeys[2].identityPolicy: Statement[0] has an unknown element 'Effekt'");
        Files.writeString(state, good);
        try (LocalKmsFixture f = LocalKmsFixture.start(stateDir)) {
            // The start-up sync keeps what apply set: a restart must not widen what sales-consumer may do.
            assertThat(Files.readString(state)).contains("identityPolicy");
            String key = f.client(ADMIN).createKey(c -> c.description("default policy")).keyMetadata().arn();
            LocalKmsFixture.assertKmsError(() -> f.client(SALES_READER).encrypt(e -> e.keyId(key).plaintext(DATA)),
                    "AccessDeniedException");
        }
    }
}
