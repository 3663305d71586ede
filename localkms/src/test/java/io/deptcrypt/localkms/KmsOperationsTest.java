package io.deptcrypt.localkms;

import static io.deptcrypt.localkms.LocalKmsFixture.ADMIN;
import static io.deptcrypt.localkms.LocalKmsFixture.ENCRYPTOR;
import static io.deptcrypt.localkms.LocalKmsFixture.FINANCE_READER;
import static io.deptcrypt.localkms.LocalKmsFixture.assertKmsError;
import static io.deptcrypt.localkms.LocalKmsFixture.department;
import static io.deptcrypt.localkms.LocalKmsFixture.role;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.AlreadyExistsException;
import software.amazon.awssdk.services.kms.model.CreateKeyResponse;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.DescribeKeyResponse;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.ReEncryptResponse;

/** Every operation through the unchanged AWS SDK v2 KmsClient, with AWS's responses and errors. */
class KmsOperationsTest {

    @TempDir
    static Path stateDir;
    static LocalKmsFixture f;
    static KmsClient admin;
    static KmsClient encryptor;

    @BeforeAll
    static void start() {
        f = LocalKmsFixture.start(stateDir);
        admin = f.client(ADMIN);
        encryptor = f.client(ENCRYPTOR);
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    /** A fresh key whose policy lets the encryptor use it and the admin manage it. */
    static String newKey(String description) {
        String policy = """
                {"Version":"2012-10-17","Statement":[
                 {"Sid":"Admin","Effect":"Allow","Principal":{"AWS":"%s"},"Action":["kms:*"],"Resource":"*"},
                 {"Sid":"Use","Effect":"Allow","Principal":{"AWS":"%s"},"Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*"}]}
                """.formatted(role(ADMIN), role(ENCRYPTOR));
        return admin.createKey(r -> r.description(description).policy(policy)).keyMetadata().arn();
    }

    @Test
    void createKeyAndDescribeInAllFourKeyIdForms() {
        CreateKeyResponse created = admin.createKey(r -> r.description("ops test").tags(software.amazon.awssdk.services.kms.model.Tag.builder().tagKey("team").tagValue("x").build()));
        String keyId = created.keyMetadata().keyId();
        String arn = created.keyMetadata().arn();
        assertThat(arn).isEqualTo("arn:aws:kms:us-east-1:111122223333:key/" + keyId);
        assertThat(created.keyMetadata().keyState()).isEqualTo(KeyState.ENABLED);
        assertThat(created.keyMetadata().creationDate()).isNotNull();
        admin.createAlias(r -> r.aliasName("alias/ops-four-forms").targetKeyId(keyId));
        for (String form : List.of(keyId, arn, "alias/ops-four-forms", "arn:aws:kms:us-east-1:111122223333:alias/ops-four-forms")) {
            DescribeKeyResponse d = admin.describeKey(r -> r.keyId(form));
            assertThat(d.keyMetadata().arn()).as(form).isEqualTo(arn);
            assertThat(d.keyMetadata().description()).isEqualTo("ops test");
            assertThat(d.keyMetadata().awsAccountId()).isEqualTo("111122223333");
            assertThat(d.keyMetadata().encryptionAlgorithmsAsStrings()).containsExactly("SYMMETRIC_DEFAULT");
        }
    }

    @Test
    void createKeyIsForKeyAdminsOnly() {
        assertThatThrownBy(() -> encryptor.createKey(r -> r.description("nope")))
                .isInstanceOfSatisfying(KmsException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("kms:CreateKey").contains(role(ENCRYPTOR));
                });
    }

    @Test
    void unknownKeysAndAliasesAreNotFound() {
        assertThatThrownBy(() -> admin.describeKey(r -> r.keyId("00000000-0000-0000-0000-000000000000")))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("Key 'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000' does not exist");
        assertThatThrownBy(() -> admin.describeKey(r -> r.keyId("alias/none")))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("Alias arn:aws:kms:us-east-1:111122223333:alias/none is not found.");
        assertThatThrownBy(() -> admin.describeKey(r -> r.keyId("arn:aws:kms:eu-west-1:111122223333:key/" + f.kms.keyArn("finance").split("/")[1])))
                .isInstanceOf(NotFoundException.class);
        // Key-id-or-ARN-only operations refuse aliases.
        assertThatThrownBy(() -> admin.enableKey(r -> r.keyId("alias/deptcrypt-finance")))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("Invalid keyId alias/deptcrypt-finance");
    }

    @Test
    void generateDataKeyEncryptDecryptReEncryptReturnKeyArns() {
        String arn = newKey("crypto");
        String other = newKey("crypto-2");
        Map<String, String> ctx = Map.of("purpose", "test", "b", "2");
        GenerateDataKeyResponse dk = encryptor.generateDataKey(r -> r.keyId(arn).keySpec(DataKeySpec.AES_256).encryptionContext(ctx));
        assertThat(dk.keyId()).isEqualTo(arn);
        assertThat(dk.plaintext().asByteArray()).hasSize(32);
        DecryptResponse back = encryptor.decrypt(r -> r.ciphertextBlob(dk.ciphertextBlob()).encryptionContext(ctx));
        assertThat(back.plaintext().asByteArray()).isEqualTo(dk.plaintext().asByteArray());
        assertThat(back.keyId()).isEqualTo(arn);

        var noPlain = encryptor.generateDataKeyWithoutPlaintext(r -> r.keyId(arn).numberOfBytes(16));
        assertThat(noPlain.keyId()).isEqualTo(arn);
        assertThat(encryptor.decrypt(r -> r.ciphertextBlob(noPlain.ciphertextBlob()).keyId(arn)).plaintext().asByteArray()).hasSize(16);

        EncryptResponse enc = encryptor.encrypt(r -> r.keyId(arn).plaintext(SdkBytes.fromUtf8String("hello")).encryptionContext(ctx));
        assertThat(enc.keyId()).isEqualTo(arn);
        assertThat(enc.encryptionAlgorithmAsString()).isEqualTo("SYMMETRIC_DEFAULT");
        ReEncryptResponse re = encryptor.reEncrypt(r -> r.ciphertextBlob(enc.ciphertextBlob()).sourceEncryptionContext(ctx)
                .destinationKeyId(other).destinationEncryptionContext(Map.of("moved", "yes")));
        assertThat(re.sourceKeyId()).isEqualTo(arn);
        assertThat(re.keyId()).isEqualTo(other);
        assertThat(encryptor.decrypt(r -> r.ciphertextBlob(re.ciphertextBlob()).encryptionContext(Map.of("moved", "yes")))
                .plaintext().asUtf8String()).isEqualTo("hello");
    }

    @Test
    void decryptErrorsComeInAwsOrder() {
        String arn = newKey("decrypt errors");
        String other = newKey("other");
        var enc = encryptor.encrypt(r -> r.keyId(arn).plaintext(SdkBytes.fromUtf8String("x")).encryptionContext(Map.of("a", "1")));
        byte[] blob = enc.ciphertextBlob().asByteArray();
        // Context must match exactly.
        assertThatThrownBy(() -> encryptor.decrypt(r -> r.ciphertextBlob(enc.ciphertextBlob()).encryptionContext(Map.of("a", "2"))))
                .isInstanceOf(InvalidCiphertextException.class);
        assertThatThrownBy(() -> encryptor.decrypt(r -> r.ciphertextBlob(enc.ciphertextBlob())))
                .isInstanceOf(InvalidCiphertextException.class);
        // A flipped bit anywhere fails.
        byte[] tampered = blob.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThatThrownBy(() -> encryptor.decrypt(r -> r.ciphertextBlob(SdkBytes.fromByteArray(tampered)).encryptionContext(Map.of("a", "1"))))
                .isInstanceOf(InvalidCiphertextException.class);
        byte[] versionEdited = blob.clone();
        versionEdited[2 + 36 + 3] ^= 1;
        assertThatThrownBy(() -> encryptor.decrypt(r -> r.ciphertextBlob(SdkBytes.fromByteArray(versionEdited)).encryptionContext(Map.of("a", "1"))))
                .isInstanceOf(InvalidCiphertextException.class);
        assertThatThrownBy(() -> encryptor.decrypt(r -> r.ciphertextBlob(SdkBytes.fromUtf8String("garbage"))))
                .isInstanceOf(InvalidCiphertextException.class);
        // KeyId naming another key.
        assertThatThrownBy(() -> encryptor.decrypt(r -> r.ciphertextBlob(enc.ciphertextBlob()).encryptionContext(Map.of("a", "1")).keyId(other)))
                .isInstanceOf(IncorrectKeyException.class);
        // Disabled keys refuse, enabled again they work.
        admin.disableKey(r -> r.keyId(arn));
        assertThatThrownBy(() -> encryptor.decrypt(r -> r.ciphertextBlob(enc.ciphertextBlob()).encryptionContext(Map.of("a", "1"))))
                .isInstanceOf(DisabledException.class).hasMessageContaining(arn + " is disabled.");
        assertThatThrownBy(() -> encryptor.generateDataKey(r -> r.keyId(arn).numberOfBytes(32)))
                .isInstanceOf(DisabledException.class);
        assertThat(admin.describeKey(r -> r.keyId(arn)).keyMetadata().enabled()).isFalse();
        admin.enableKey(r -> r.keyId(arn));
        assertThat(encryptor.decrypt(r -> r.ciphertextBlob(enc.ciphertextBlob()).encryptionContext(Map.of("a", "1"))).plaintext().asUtf8String())
                .isEqualTo("x");
    }

    @Test
    void validationErrors() {
        String arn = newKey("validation");
        assertKmsError(() -> encryptor.generateDataKey(r -> r.keyId(arn)), "ValidationException")
                .hasMessageContaining("Please specify either number of bytes or key spec");
        assertKmsError(() -> encryptor.generateDataKey(r -> r.keyId(arn).numberOfBytes(32).keySpec(DataKeySpec.AES_256)), "ValidationException")
                ;
        assertKmsError(() -> encryptor.generateDataKey(r -> r.keyId(arn).numberOfBytes(1025)), "ValidationException")
                .hasMessageContaining("numberOfBytes");
        assertKmsError(() -> encryptor.encrypt(r -> r.keyId(arn).plaintext(SdkBytes.fromByteArray(new byte[4097]))), "ValidationException")
                .hasMessageContaining("plaintext");
        assertKmsError(() -> admin.scheduleKeyDeletion(r -> r.keyId(arn).pendingWindowInDays(3)), "ValidationException")
                .hasMessageContaining("pendingWindowInDays");
        assertKmsError(() -> admin.createAlias(r -> r.aliasName("no-prefix").targetKeyId(arn)), "ValidationException")
                ;
    }

    @Test
    void aliasesCreateUpdateDeleteList() {
        String a = newKey("alias a");
        String b = newKey("alias b");
        admin.createAlias(r -> r.aliasName("alias/ops-moving").targetKeyId(a));
        assertThatThrownBy(() -> admin.createAlias(r -> r.aliasName("alias/ops-moving").targetKeyId(b)))
                .isInstanceOf(AlreadyExistsException.class).hasMessageContaining("alias/ops-moving already exists");
        admin.updateAlias(r -> r.aliasName("alias/ops-moving").targetKeyId(b));
        assertThat(admin.describeKey(r -> r.keyId("alias/ops-moving")).keyMetadata().arn()).isEqualTo(b);
        List<AliasListEntry> forB = admin.listAliases(r -> r.keyId(b)).aliases();
        assertThat(forB).extracting(AliasListEntry::aliasName).containsExactly("alias/ops-moving");
        assertThat(forB.get(0).aliasArn()).isEqualTo("arn:aws:kms:us-east-1:111122223333:alias/ops-moving");
        assertThat(admin.listAliases().aliases()).extracting(AliasListEntry::aliasName)
                .contains("alias/deptcrypt-finance", "alias/deptcrypt-sales", "alias/deptcrypt-quarantine");
        admin.deleteAlias(r -> r.aliasName("alias/ops-moving"));
        assertThatThrownBy(() -> admin.describeKey(r -> r.keyId("alias/ops-moving"))).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> admin.deleteAlias(r -> r.aliasName("alias/ops-moving"))).isInstanceOf(NotFoundException.class);
    }

    @Test
    void listKeysAndAliasesPaginate() {
        for (int i = 0; i < 3; i++) {
            newKey("page " + i);
        }
        int total = admin.listKeys().keys().size();
        assertThat(total).isGreaterThanOrEqualTo(6);
        var first = admin.listKeys(r -> r.limit(2));
        assertThat(first.keys()).hasSize(2);
        assertThat(first.truncated()).isTrue();
        int seen = first.keys().size();
        String marker = first.nextMarker();
        while (marker != null) {
            String m = marker;
            var page = admin.listKeys(r -> r.limit(2).marker(m));
            seen += page.keys().size();
            marker = page.truncated() ? page.nextMarker() : null;
        }
        assertThat(seen).isEqualTo(total);
        // The SDK paginator follows markers too.
        assertThat(admin.listKeysPaginator(r -> r.limit(1)).keys().stream().count()).isEqualTo(total);
        assertThatThrownBy(() -> admin.listKeys(r -> r.marker("bogus"))).isInstanceOf(KmsException.class)
                .satisfies(e -> assertThat(((KmsException) e).awsErrorDetails().errorCode()).isEqualTo("InvalidMarkerException"));
    }

    @Test
    void keyPolicyGetAndPutWithLockoutCheck() {
        String arn = newKey("policy");
        String policy = admin.getKeyPolicy(r -> r.keyId(arn).policyName("default")).policy();
        assertThat(policy).contains("\"Sid\":\"Admin\"");
        assertThatThrownBy(() -> admin.putKeyPolicy(r -> r.keyId(arn).policyName("default").policy("{not json")))
                .isInstanceOf(MalformedPolicyDocumentException.class);
        String lockout = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"%s"},"Action":"kms:Decrypt","Resource":"*"}]}
                """.formatted(role(ADMIN));
        assertThatThrownBy(() -> admin.putKeyPolicy(r -> r.keyId(arn).policyName("default").policy(lockout)))
                .isInstanceOf(MalformedPolicyDocumentException.class)
                .hasMessageContaining("will not allow you to update the key policy in the future");
        String unknownRole = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/nobody"},"Action":"kms:*","Resource":"*"}]}
                """;
        assertThatThrownBy(() -> admin.putKeyPolicy(r -> r.keyId(arn).policyName("default").policy(unknownRole).bypassPolicyLockoutSafetyCheck(true)))
                .isInstanceOf(MalformedPolicyDocumentException.class).hasMessageContaining("invalid principals");
        String adminOnly = """
                {"Version":"2012-10-17","Statement":[{"Sid":"OnlyAdmin","Effect":"Allow","Principal":{"AWS":"%s"},"Action":"kms:*","Resource":"*"}]}
                """.formatted(role(ADMIN));
        admin.putKeyPolicy(r -> r.keyId(arn).policyName("default").policy(adminOnly));
        assertThat(admin.getKeyPolicy(r -> r.keyId(arn)).policy()).isEqualTo(adminOnly);
        assertThatThrownBy(() -> encryptor.generateDataKey(r -> r.keyId(arn).numberOfBytes(32)))
                .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException"));
    }

    @Test
    void scheduleAndCancelDeletion() {
        String arn = newKey("deletion");
        var scheduled = admin.scheduleKeyDeletion(r -> r.keyId(arn).pendingWindowInDays(7));
        assertThat(scheduled.keyStateAsString()).isEqualTo("PendingDeletion");
        assertThat(scheduled.pendingWindowInDays()).isEqualTo(7);
        assertThat(scheduled.deletionDate()).isAfter(java.time.Instant.now().plus(java.time.Duration.ofDays(6)));
        assertThatThrownBy(() -> encryptor.generateDataKey(r -> r.keyId(arn).numberOfBytes(32)))
                .isInstanceOf(KmsInvalidStateException.class).hasMessageContaining(arn + " is pending deletion.");
        assertThatThrownBy(() -> admin.enableKey(r -> r.keyId(arn))).isInstanceOf(KmsInvalidStateException.class);
        assertThat(admin.describeKey(r -> r.keyId(arn)).keyMetadata().deletionDate()).isNotNull();
        assertThat(admin.cancelKeyDeletion(r -> r.keyId(arn)).keyId()).isEqualTo(arn);
        assertThat(admin.describeKey(r -> r.keyId(arn)).keyMetadata().keyState()).isEqualTo(KeyState.DISABLED);
        admin.enableKey(r -> r.keyId(arn));
        assertThat(encryptor.generateDataKey(r -> r.keyId(arn).numberOfBytes(32)).keyId()).isEqualTo(arn);
    }

    @Test
    void rotationStatusAndOnDemandRotation() {
        String arn = newKey("rotation");
        assertThat(admin.getKeyRotationStatus(r -> r.keyId(arn)).keyRotationEnabled()).isFalse();
        admin.enableKeyRotation(r -> r.keyId(arn).rotationPeriodInDays(90));
        var status = admin.getKeyRotationStatus(r -> r.keyId(arn));
        assertThat(status.keyRotationEnabled()).isTrue();
        assertThat(status.rotationPeriodInDays()).isEqualTo(90);
        assertThat(status.nextRotationDate()).isNotNull();
        var before = encryptor.encrypt(r -> r.keyId(arn).plaintext(SdkBytes.fromUtf8String("old")));
        assertThat(admin.rotateKeyOnDemand(r -> r.keyId(arn)).keyId()).isEqualTo(arn);
        var after = encryptor.encrypt(r -> r.keyId(arn).plaintext(SdkBytes.fromUtf8String("new")));
        assertThat(encryptor.decrypt(r -> r.ciphertextBlob(before.ciphertextBlob())).plaintext().asUtf8String()).isEqualTo("old");
        assertThat(encryptor.decrypt(r -> r.ciphertextBlob(after.ciphertextBlob())).plaintext().asUtf8String()).isEqualTo("new");
        admin.disableKeyRotation(r -> r.keyId(arn));
        assertThat(admin.getKeyRotationStatus(r -> r.keyId(arn)).keyRotationEnabled()).isFalse();
        for (int i = 1; i < 10; i++) {
            admin.rotateKeyOnDemand(r -> r.keyId(arn));
        }
        assertThatThrownBy(() -> admin.rotateKeyOnDemand(r -> r.keyId(arn)))
                .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("LimitExceededException"));
        assertThat(encryptor.decrypt(r -> r.ciphertextBlob(before.ciphertextBlob())).plaintext().asUtf8String()).isEqualTo("old");
    }

    @Test
    void generateRandom() {
        byte[] a = f.client(FINANCE_READER).generateRandom(r -> r.numberOfBytes(64)).plaintext().asByteArray();
        byte[] b = f.client(FINANCE_READER).generateRandom(r -> r.numberOfBytes(64)).plaintext().asByteArray();
        assertThat(a).hasSize(64).isNotEqualTo(b);
        assertKmsError(() -> encryptor.generateRandom(r -> r.numberOfBytes(0)), "ValidationException");
    }

    @Test
    void governanceKeysExistUnderTheirAliases() {
        for (String dept : List.of("finance", "sales")) {
            var md = admin.describeKey(r -> r.keyId("alias/deptcrypt-" + dept)).keyMetadata();
            assertThat(md.arn()).isEqualTo(f.kms.keyArn(dept));
        }
        assertThat(admin.describeKey(r -> r.keyId("alias/deptcrypt-quarantine")).keyMetadata().arn()).isEqualTo(f.kms.quarantineKeyArn());
        var dk = encryptor.generateDataKey(r -> r.keyId("arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-finance")
                .numberOfBytes(32).encryptionContext(department("finance")));
        assertThat(dk.keyId()).isEqualTo(f.kms.keyArn("finance"));
    }
}
