package io.deptcrypt.localkms;

import static io.deptcrypt.localkms.LocalKmsFixture.ENCRYPTOR;
import static io.deptcrypt.localkms.LocalKmsFixture.FINANCE_READER;
import static io.deptcrypt.localkms.LocalKmsFixture.SALES_READER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CommitmentPolicy;
import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.CreateAwsKmsKeyringInput;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;

/** The AWS Encryption SDK's own AWS KMS keyring (MPL), unchanged, encrypting and decrypting through localkms. */
class EncryptionSdkTest {

    @TempDir
    static Path stateDir;
    static LocalKmsFixture f;
    static MaterialProviders mpl;

    @BeforeAll
    static void start() {
        f = LocalKmsFixture.start(stateDir);
        mpl = MaterialProviders.builder().MaterialProvidersConfig(MaterialProvidersConfig.builder().build()).build();
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    static IKeyring keyring(String application, String keyArn) {
        return mpl.CreateAwsKmsKeyring(CreateAwsKmsKeyringInput.builder().kmsKeyId(keyArn).kmsClient(f.client(application)).build());
    }

    @Test
    void encryptAsOwnerDecryptAsReaderWithTheDefaultSigningSuite() {
        String finance = f.kms.keyArn("finance");
        AwsCrypto crypto = AwsCrypto.builder().withCommitmentPolicy(CommitmentPolicy.RequireEncryptRequireDecrypt).build();
        byte[] message = "quarterly numbers".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = crypto.encryptData(keyring(ENCRYPTOR, finance), message, Map.of("department", "finance")).getResult();
        var opened = crypto.decryptData(keyring(FINANCE_READER, finance), sealed);
        assertThat(opened.getResult()).isEqualTo(message);
        assertThat(opened.getEncryptionContext()).containsEntry("department", "finance").containsKey("aws-crypto-public-key");
        // Another department's reader is refused by KMS, so the SDK cannot open the message.
        assertThatThrownBy(() -> crypto.decryptData(keyring(SALES_READER, finance), sealed)).isInstanceOf(RuntimeException.class)
                .hasStackTraceContaining("User: " + LocalKmsFixture.role(SALES_READER) + " is not authorized to perform: kms:Decrypt");
    }

    @Test
    void unsignedCommittingSuite() {
        String sales = f.kms.keyArn("sales");
        AwsCrypto crypto = AwsCrypto.builder().withEncryptionAlgorithm(CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY).build();
        byte[] message = new byte[1000];
        byte[] sealed = crypto.encryptData(keyring(ENCRYPTOR, sales), message, Map.of("department", "sales")).getResult();
        assertThat(crypto.decryptData(keyring(SALES_READER, sales), sealed).getResult()).isEqualTo(message);
        // The owner may not seal under sales with a context claiming finance.
        assertThatThrownBy(() -> crypto.encryptData(keyring(ENCRYPTOR, sales), message, Map.of("department", "finance")))
                .hasStackTraceContaining("is not authorized to perform: kms:GenerateDataKey on resource: " + sales);
    }
}
