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

import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.localkms.LocalKmsFixture.MovableClock;
import io.deptcrypt.testkit.TestGovernance;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GrantOperation;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/** Rotation, deletion (crypto-shredding), restart on the same port and state, governance re-applied on start. */
class KeyLifecycleTest {

    @TempDir
    Path stateDir;

    static String policyFor(String... users) {
        StringBuilder arns = new StringBuilder();
        for (String u : users) {
            arns.append(arns.length() == 0 ? "" : ",").append('"').append(role(u)).append('"');
        }
        return """
                {"Version":"2012-10-17","Statement":[
                 {"Sid":"Admin","Effect":"Allow","Principal":{"AWS":"%s"},"Action":"kms:*","Resource":"*"},
                 {"Sid":"Use","Effect":"Allow","Principal":{"AWS":[%s]},"Action":["kms:Encrypt","kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*"}]}
                """.formatted(role(ADMIN), arns);
    }

    static int materialVersion(SdkBytes blob) {
        byte[] b = blob.asByteArray();
        return ByteBuffer.wrap(b, 2 + (b[1] & 0xff), 4).getInt();
    }

    @Test
    void restartOnTheSamePortKeepsKeysGrantsAndAccessKeysAndReappliesGovernancePolicies() throws Exception {
        LocalKmsFixture first = LocalKmsFixture.start(stateDir);
        int port = first.kms.port();
        String finance = first.kms.keyArn("finance");
        AccessKey encryptorKey = first.kms.credentials(ENCRYPTOR);
        var financeKey = first.client(ENCRYPTOR).generateDataKey(r -> r.keyId(finance).numberOfBytes(32).encryptionContext(department("finance")));
        String own = first.client(ADMIN).createKey(r -> r.policy(policyFor(ENCRYPTOR))).keyMetadata().arn();
        var before = first.client(ENCRYPTOR).encrypt(r -> r.keyId(own).plaintext(SdkBytes.fromUtf8String("before rotation")));
        first.client(ADMIN).rotateKeyOnDemand(r -> r.keyId(own));
        var after = first.client(ENCRYPTOR).encrypt(r -> r.keyId(own).plaintext(SdkBytes.fromUtf8String("after rotation")));
        assertThat(materialVersion(before.ciphertextBlob())).isZero();
        assertThat(materialVersion(after.ciphertextBlob())).isEqualTo(1);
        // Governance keys let nobody grant; the test key's own policy lets its admin.
        var grant = first.client(ADMIN).createGrant(r -> r.keyId(own).granteePrincipal(role("security-auditor"))
                .operations(GrantOperation.DECRYPT));
        // A run-time policy change on a governance key lasts until the next start; on other keys it persists.
        first.client(ADMIN).putKeyPolicy(r -> r.keyId(finance).policy(policyFor(SALES_READER)));
        first.client(ADMIN).putKeyPolicy(r -> r.keyId(own).policy(policyFor(ENCRYPTOR, SALES_READER)));
        assertKmsError(() -> first.client(FINANCE_READER).decrypt(r -> r.ciphertextBlob(financeKey.ciphertextBlob())
                .encryptionContext(department("finance"))), "AccessDeniedException");

        long stopStarted = System.nanoTime();
        first.close();
        assertThat(Duration.ofNanos(System.nanoTime() - stopStarted)).isLessThan(Duration.ofSeconds(5));
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).as("port closed after stop").isInstanceOf(IOException.class);

        try (LocalKmsFixture second = LocalKmsFixture.start(LocalKmsConfig.of(LocalKmsFixture.governance(), stateDir).withPort(port))) {
            assertThat(second.kms.port()).isEqualTo(port);
            assertThat(second.kms.keyArn("finance")).isEqualTo(finance);
            assertThat(second.kms.credentials(ENCRYPTOR)).isEqualTo(encryptorKey);
            KmsClient finReader = second.client(FINANCE_READER);
            assertThat(finReader.decrypt(r -> r.ciphertextBlob(financeKey.ciphertextBlob()).encryptionContext(department("finance")))
                    .plaintext()).isEqualTo(financeKey.plaintext());
            assertThat(second.client(ENCRYPTOR).decrypt(r -> r.ciphertextBlob(before.ciphertextBlob())).plaintext().asUtf8String())
                    .isEqualTo("before rotation");
            assertThat(second.client(ENCRYPTOR).decrypt(r -> r.ciphertextBlob(after.ciphertextBlob())).plaintext().asUtf8String())
                    .isEqualTo("after rotation");
            assertThat(second.client(SALES_READER).decrypt(r -> r.ciphertextBlob(before.ciphertextBlob())).plaintext().asUtf8String())
                    .as("PutKeyPolicy on a non-governance key persists").isEqualTo("before rotation");
            assertThat(second.client("security-auditor").decrypt(r -> r.ciphertextBlob(after.ciphertextBlob())).plaintext()
                    .asUtf8String()).as("grant persists").isEqualTo("after rotation");
            assertThat(second.client(ADMIN).listGrants(r -> r.keyId(own)).grants()).extracting(g -> g.grantId()).contains(grant.grantId());
            // A client configured before the restart keeps working against the new instance.
            var oldClient = LocalKmsFixture.client(second.kms, ENCRYPTOR);
            assertThat(oldClient.generateDataKey(r -> r.keyId(finance).numberOfBytes(32).encryptionContext(department("finance"))).keyId())
                    .isEqualTo(finance);
            oldClient.close();
        }
    }

    @Test
    void automaticRotationAddsAMaterialVersionAndOldCiphertextStillDecrypts() {
        MovableClock clock = new MovableClock();
        try (LocalKmsFixture f = LocalKmsFixture.start(LocalKmsConfig.of(LocalKmsFixture.governance(), stateDir).withClock(clock))) {
            String finance = f.kms.keyArn("finance");
            var old = f.client(ENCRYPTOR).generateDataKey(r -> r.keyId(finance).numberOfBytes(32).encryptionContext(department("finance")));
            f.client(ADMIN).enableKeyRotation(r -> r.keyId(finance).rotationPeriodInDays(90));
            clock.advance(Duration.ofDays(91));
            var fresh = f.client(ENCRYPTOR).generateDataKey(r -> r.keyId(finance).numberOfBytes(32).encryptionContext(department("finance")));
            assertThat(materialVersion(old.ciphertextBlob())).isZero();
            assertThat(materialVersion(fresh.ciphertextBlob())).isEqualTo(1);
            for (var k : java.util.List.of(old, fresh)) {
                assertThat(f.client(FINANCE_READER).decrypt(r -> r.ciphertextBlob(k.ciphertextBlob()).encryptionContext(department("finance")))
                        .plaintext()).isEqualTo(k.plaintext());
            }
            var status = f.client(ADMIN).getKeyRotationStatus(r -> r.keyId(finance));
            assertThat(status.nextRotationDate()).isAfter(clock.instant().plus(Duration.ofDays(89)));
        }
    }

    @Test
    void deletedKeyShredsItsDataAndLeavesNoMaterialBehind() throws Exception {
        MovableClock clock = new MovableClock();
        try (LocalKmsFixture f = LocalKmsFixture.start(LocalKmsConfig.of(LocalKmsFixture.governance(), stateDir).withClock(clock))) {
            var key = f.client(ADMIN).createKey(r -> r.policy(policyFor(ENCRYPTOR))).keyMetadata();
            f.client(ADMIN).createAlias(r -> r.aliasName("alias/doomed").targetKeyId(key.keyId()));
            var blob = f.client(ENCRYPTOR).encrypt(r -> r.keyId("alias/doomed").plaintext(SdkBytes.fromUtf8String("shred me"))).ciphertextBlob();
            f.client(ADMIN).scheduleKeyDeletion(r -> r.keyId(key.arn()).pendingWindowInDays(7));
            clock.advance(Duration.ofDays(6));
            assertKmsError(() -> f.client(ENCRYPTOR).decrypt(r -> r.ciphertextBlob(blob)), "KMSInvalidStateException");
            clock.advance(Duration.ofDays(1).plusSeconds(1));
            assertKmsError(() -> f.client(ENCRYPTOR).decrypt(r -> r.ciphertextBlob(blob)), "AccessDeniedException")
                    .hasMessageContaining("The ciphertext refers to a customer master key that does not exist");
            assertThatThrownBy(() -> f.client(ADMIN).describeKey(r -> r.keyId(key.arn()))).isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> f.client(ADMIN).describeKey(r -> r.keyId("alias/doomed"))).isInstanceOf(NotFoundException.class);
            assertThat(Files.readString(f.kms.stateDir().resolve("state.json"))).doesNotContain(key.keyId());
            assertThat(Files.readString(f.kms.auditLog())).contains("\"operation\":\"DeleteKey\",\"keyArn\":\"" + key.arn() + "\"");
        }
    }

    @Test
    void deletedGovernanceKeyIsRecreatedUnderItsAliasOnNextStart() {
        MovableClock clock = new MovableClock();
        String oldArn;
        try (LocalKmsFixture f = LocalKmsFixture.start(LocalKmsConfig.of(LocalKmsFixture.governance(), stateDir).withClock(clock))) {
            oldArn = f.kms.keyArn("sales");
            f.client(ADMIN).scheduleKeyDeletion(r -> r.keyId(f.kms.keyArn("sales")).pendingWindowInDays(7));
            clock.advance(Duration.ofDays(8));
            assertKmsError(() -> f.client(ADMIN).describeKey(r -> r.keyId("alias/deptcrypt-sales")), "NotFoundException");
        }
        try (LocalKmsFixture f = LocalKmsFixture.start(LocalKmsConfig.of(LocalKmsFixture.governance(), stateDir).withClock(clock))) {
            assertThat(f.kms.keyArn("sales")).isNotEqualTo(oldArn);
            assertThat(f.client(ADMIN).describeKey(r -> r.keyId("alias/deptcrypt-sales")).keyMetadata().arn()).isEqualTo(f.kms.keyArn("sales"));
        }
    }

    @Test
    void governanceKeyArnCreatesTheKeyWithExactlyThatId() throws Exception {
        String yaml = TestGovernance.yaml()
                .replace("alias/deptcrypt-finance", "key/1234abcd-12ab-34cd-56ef-1234567890ab");
        Governance g = GovernanceLoader.parse(yaml, "test-governance");
        try (LocalKmsFixture f = LocalKmsFixture.start(LocalKmsConfig.of(g, stateDir))) {
            String arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
            assertThat(f.kms.keyArn("finance")).isEqualTo(arn);
            var dk = f.client(ENCRYPTOR).generateDataKey(r -> r.keyId("1234abcd-12ab-34cd-56ef-1234567890ab").numberOfBytes(32)
                    .encryptionContext(department("finance")));
            assertThat(dk.keyId()).isEqualTo(arn);
            assertThat(Files.readString(f.kms.credentialsFile())).contains("FINANCE_KEY_ARN=" + arn + "\n");
        }
    }

    @Test
    void governanceChangesApplyOnTheNextStart() throws Exception {
        String yaml = TestGovernance.yaml();
        String finance;
        SdkBytes blob;
        try (LocalKmsFixture f = LocalKmsFixture.start(LocalKmsConfig.of(GovernanceLoader.parse(yaml, "v1"), stateDir))) {
            finance = f.kms.keyArn("finance");
            blob = f.client(ENCRYPTOR).generateDataKey(r -> r.keyId(finance).numberOfBytes(32).encryptionContext(department("finance")))
                    .ciphertextBlob();
            assertKmsError(() -> f.client(SALES_READER).decrypt(r -> r.ciphertextBlob(blob).encryptionContext(department("finance"))),
                    "AccessDeniedException");
        }
        // Governance now lets sales-consumer read finance too.
        String v2 = yaml.replace("readers: [finance-consumer]", "readers: [finance-consumer, sales-consumer]");
        try (LocalKmsFixture f = LocalKmsFixture.start(LocalKmsConfig.of(GovernanceLoader.parse(v2, "v2"), stateDir))) {
            assertThat(f.kms.keyArn("finance")).isEqualTo(finance);
            assertThat(f.client(SALES_READER).decrypt(r -> r.ciphertextBlob(blob).encryptionContext(department("finance"))).keyId())
                    .isEqualTo(finance);
        }
    }

    @Test
    void startRefusesGovernanceWhoseNamesCollideInCredentialsEnv() throws Exception {
        String yaml = TestGovernance.yaml()
                .replace("- name: sales\n", "- name: quarantine\n");
        Governance g = GovernanceLoader.parse(yaml, "colliding-governance");
        assertThatThrownBy(() -> LocalKms.start(LocalKmsConfig.of(g, stateDir)))
                .isInstanceOf(LocalKmsStartException.class)
                .hasMessage("localkms cannot start: governance colliding-governance yields the variable QUARANTINE_KEY_ARN twice"
                        + " in credentials.env; rename the application or department");
    }

    @Test
    void startRefusesAPortInUse() throws Exception {
        try (LocalKmsFixture f = LocalKmsFixture.start(stateDir.resolve("a"))) {
            assertThatThrownBy(() -> LocalKms.start(LocalKmsConfig.of(LocalKmsFixture.governance(), stateDir.resolve("b")).withPort(f.kms.port())))
                    .isInstanceOf(LocalKmsStartException.class).hasMessageContaining("cannot listen on 127.0.0.1:" + f.kms.port());
            // The failed start released its state dir.
            LocalKms.start(LocalKmsConfig.of(LocalKmsFixture.governance(), stateDir.resolve("b"))).close();
        }
    }
}
