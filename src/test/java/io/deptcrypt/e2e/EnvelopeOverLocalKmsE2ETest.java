package io.deptcrypt.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.crypto.CleartextFields;
import io.deptcrypt.crypto.EnvelopeHeaders;
import io.deptcrypt.crypto.KmsAccessDeniedException;
import io.deptcrypt.crypto.KmsKeyringProvider;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.OpenerConfig;
import io.deptcrypt.crypto.SealContext;
import io.deptcrypt.crypto.Sealer;
import io.deptcrypt.crypto.SealerConfig;
import io.deptcrypt.crypto.WireFormat;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.localkms.AccessKey;
import io.deptcrypt.localkms.LocalKms;
import io.deptcrypt.localkms.LocalKmsConfig;
import io.deptcrypt.testkit.InMemoryKeysTopic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/** The crypto envelope (Sealer/Opener over the KMS keyrings) against a real localkms enforcing the governance file. */
@Tag("e2e")
class EnvelopeOverLocalKmsE2ETest {

    private static final String TOPIC = "deptcrypt.shared";
    /** Measured, as documented in docs/wire-format.md ("What each field costs"). */
    private static final int DOCUMENTED_V1_BYTES = 1399;
    private static final int DOCUMENTED_ESDK_BYTES = 1798;

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
        InMemoryKeysTopic keysTopic = new InMemoryKeysTopic(); // AES_GCM_V2 publishes its data key there first
        RecordHeaders headers = new RecordHeaders();
        byte[] sealed;
        try (KmsClient encryptor = client(governance.owner())) {
            Sealer sealer = Sealer.create(governance, new KmsKeyringProvider(encryptor, governance),
                    new SealerConfig(format, SealerConfig.defaults().maxRecordsPerDataKey(), SealerConfig.defaults().maxDataKeyAge()),
                    keysTopic);
            try {
                sealed = sealer.sealRecord(new SealContext("finance", "evt-e2e-" + format, TOPIC, System.currentTimeMillis(),
                        "application/json"), plaintext, headers);
            } finally {
                sealer.close();
            }
        }
        assertThat(CleartextFields.read(sealed).format()).isEqualTo(WireFormat.Format.of(format));
        assertThat(keysTopic.published()).as("data keys published on the keys topic")
                .hasSize(format == EnvelopeFormatId.AES_GCM_V2 ? 1 : 0);
        byte[] audience = EnvelopeHeaders.audience(headers);

        try (KmsClient finance = client("finance-consumer")) {
            Opener opener = Opener.create(new KmsKeyringProvider(finance, governance), OpenerConfig.defaults(), keysTopic);
            assertThat(opener.open(TOPIC, sealed, "finance", audience).plaintext()).isEqualTo(plaintext);
        }
        try (KmsClient sales = client("sales-consumer")) {
            // Reading as finance, so the wrapped finance key gets to KMS: sales' credentials are what is refused.
            Opener opener = Opener.create(new KmsKeyringProvider(sales, governance), OpenerConfig.defaults(), keysTopic);
            assertThatThrownBy(() -> opener.open(TOPIC, sealed, "finance", audience))
                    .isInstanceOf(KmsAccessDeniedException.class)
                    .satisfies(e -> assertThat(((KmsAccessDeniedException) e).kmsMessage())
                            .contains(governance.application("sales-consumer").role())
                            .contains("kms:Decrypt")
                            .contains(kms.keyArn("finance")))
                    .hasMessageNotContaining("finance only");
        }
    }

    /**
     * docs/wire-format.md, "What each field costs": one 1 KiB event sealed under a real (local) KMS key in each
     * format, so the data key travels as a 184-byte KMS ciphertext blob like AWS's. AES_GCM_V2's value is its fixed
     * header, the event id and the ciphertext; the version 1 formats add the wrapped key (blob and key ARN) to every
     * record.
     */
    @ParameterizedTest
    @EnumSource(EnvelopeFormatId.class)
    void aOneKibEventSealsToTheDocumentedSize(EnvelopeFormatId format) {
        byte[] plaintext = new byte[1024];
        java.util.Arrays.fill(plaintext, (byte) 'x');
        String eventId = "7d0c9f4e-2b1a-4c53-9a51-0d6f3b8e2c11";
        InMemoryKeysTopic keysTopic = new InMemoryKeysTopic();
        byte[] sealed;
        try (KmsClient encryptor = client(governance.owner())) {
            Sealer sealer = Sealer.create(governance, new KmsKeyringProvider(encryptor, governance),
                    SealerConfig.defaults().withFormat(format), keysTopic);
            try {
                sealed = sealer.sealRecord(new SealContext("finance", eventId, TOPIC, 1_767_225_600_000L,
                        "application/json"), plaintext, new RecordHeaders());
            } finally {
                sealer.close();
            }
        }
        System.out.printf("1 KiB event as %s: value %d B (key ARN %d B)%s%n", format, sealed.length,
                kms.keyArn("finance").length(), keysTopic.published().isEmpty()
                ? "" : ", key record " + keysTopic.published().get(0).value().length + " B");
        int expected = switch (format) {
            case AES_GCM_V2 -> 83 + 1024 + 16; // header with a 36-byte event id, ciphertext, tag
            case AES_GCM_V1 -> DOCUMENTED_V1_BYTES;
            case ESDK_MESSAGE_V1 -> DOCUMENTED_ESDK_BYTES;
        };
        assertThat(sealed.length).as("bytes of a 1 KiB event as %s (docs/wire-format.md)", format).isEqualTo(expected);
    }

    private static KmsClient client(String application) {
        AccessKey k = kms.credentials(application);
        return KmsClient.builder().endpointOverride(kms.endpoint()).region(Region.of(kms.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey())))
                .build();
    }
}
