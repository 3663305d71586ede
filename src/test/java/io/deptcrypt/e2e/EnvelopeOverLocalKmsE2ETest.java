package io.deptcrypt.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.crypto.KmsAccessDeniedException;
import io.deptcrypt.crypto.KmsKeyringProvider;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.OpenerConfig;
import io.deptcrypt.crypto.SealContext;
import io.deptcrypt.crypto.Sealer;
import io.deptcrypt.crypto.SealerConfig;
import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.localkms.AccessKey;
import io.deptcrypt.localkms.LocalKms;
import io.deptcrypt.localkms.LocalKmsConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/** The crypto envelope (Sealer/Opener over the KMS keyrings) against a real localkms enforcing the governance file. */
class EnvelopeOverLocalKmsE2ETest {

    private static final String TOPIC = "deptcrypt.shared";

    @TempDir
    static Path state;
    static Governance governance;
    static LocalKms kms;

    @BeforeAll
    static void startKms() {
        governance = GovernanceLoader.load(E2e.repoRoot().resolve("config/governance.yaml"));
        kms = LocalKms.start(LocalKmsConfig.of(governance, state));
    }

    @AfterAll
    static void stopKms() {
        if (kms != null) {
            kms.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(EnvelopeFormatId.class)
    void financeConsumerOpensFinanceAndSalesConsumerIsDeniedByKms(EnvelopeFormatId format) {
        byte[] plaintext = "{\"amount\":1234.5,\"note\":\"finance only\"}".getBytes(StandardCharsets.UTF_8);
        Envelope sealed;
        try (KmsClient encryptor = client(governance.owner())) {
            Sealer sealer = Sealer.create(governance, new KmsKeyringProvider(encryptor, governance),
                    new SealerConfig(format, SealerConfig.defaults().maxRecordsPerDataKey(), SealerConfig.defaults().maxDataKeyAge()));
            try {
                sealed = sealer.seal(new SealContext("finance", "evt-e2e-" + format, TOPIC, System.currentTimeMillis(), "application/json"), plaintext);
            } finally {
                sealer.close();
            }
        }
        assertThat(sealed.getFormat()).isEqualTo(format);

        try (KmsClient finance = client("finance-consumer")) {
            assertThat(Opener.create(new KmsKeyringProvider(finance, governance), OpenerConfig.defaults()).open(sealed, TOPIC))
                    .isEqualTo(plaintext);
        }
        try (KmsClient sales = client("sales-consumer")) {
            Opener opener = Opener.create(new KmsKeyringProvider(sales, governance), OpenerConfig.defaults());
            assertThatThrownBy(() -> opener.open(sealed, TOPIC))
                    .isInstanceOf(KmsAccessDeniedException.class)
                    .satisfies(e -> assertThat(((KmsAccessDeniedException) e).kmsMessage())
                            .contains(governance.application("sales-consumer").role())
                            .contains("kms:Decrypt")
                            .contains(kms.keyArn("finance")))
                    .hasMessageNotContaining("finance only");
        }
    }

    private static KmsClient client(String application) {
        AccessKey k = kms.credentials(application);
        return KmsClient.builder().endpointOverride(kms.endpoint()).region(Region.of(kms.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey())))
                .build();
    }
}
