package io.deptcrypt.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.testkit.TestGovernance;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.model.DependencyTimeoutException;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KeyUnavailableException;
import software.amazon.awssdk.services.kms.model.KmsInternalException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/** What the KMS SDK throws, through the MPL keyrings, becomes the right deptcrypt exception. */
class KmsErrorMappingTest {

    private static final byte[] PLAINTEXT = "x".getBytes(StandardCharsets.UTF_8);
    private static final String DENIED = "User: arn:aws:iam::111122223333:role/deptcrypt-sales-consumer is not authorized"
            + " to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:111122223333:key/1234 because no"
            + " resource-based policy allows the kms:Decrypt action";

    static Stream<Arguments> failures() {
        return Stream.of(
                kind("AccessDeniedException", () -> FakeKms.error("AccessDeniedException", DENIED, 400),
                        KmsAccessDeniedException.class),
                kind("ThrottlingException", () -> FakeKms.error("ThrottlingException", "Rate exceeded", 400),
                        KmsUnavailableException.class),
                kind("KMSInternalException (modelled)", () -> KmsInternalException.builder().message("internal")
                        .statusCode(500).build(), KmsUnavailableException.class),
                kind("DependencyTimeoutException", () -> DependencyTimeoutException.builder().message("slow")
                        .statusCode(503).build(), KmsUnavailableException.class),
                kind("KeyUnavailableException", () -> KeyUnavailableException.builder().message("later")
                        .statusCode(500).build(), KmsUnavailableException.class),
                kind("unmodelled 502", () -> FakeKms.error("BadGateway", "bad gateway", 502),
                        KmsUnavailableException.class),
                kind("connection refused", () -> SdkClientException.create("Unable to execute HTTP request",
                        new ConnectException("Connection refused")), KmsUnavailableException.class),
                kind("socket timeout", () -> SdkClientException.create("Unable to execute HTTP request",
                        new SocketTimeoutException("Read timed out")), KmsUnavailableException.class),
                kind("API call timeout", () -> ApiCallTimeoutException.create(1000), KmsUnavailableException.class),
                kind("API call attempt timeout", () -> ApiCallAttemptTimeoutException.create(500),
                        KmsUnavailableException.class),
                kind("no credentials", () -> SdkClientException.create("Unable to load credentials"),
                        EnvelopeException.class),
                kind("DisabledException", () -> DisabledException.builder().message("disabled").statusCode(400)
                        .build(), EnvelopeException.class),
                kind("NotFoundException", () -> NotFoundException.builder().message("no such key").statusCode(400)
                        .build(), EnvelopeException.class),
                kind("KMSInvalidStateException", () -> KmsInvalidStateException.builder().message("pending deletion")
                        .statusCode(400).build(), EnvelopeException.class),
                kind("InvalidCiphertextException", () -> InvalidCiphertextException.builder().message("")
                        .statusCode(400).build(), EnvelopeException.class));
    }

    private static Arguments kind(String name, Supplier<RuntimeException> failure,
            Class<? extends DeptcryptCryptoException> expected) {
        return Arguments.of(name, failure, expected);
    }

    @ParameterizedTest(name = "seal, {0}")
    @MethodSource("failures")
    void generateDataKeyFailure(String name, Supplier<RuntimeException> failure,
            Class<? extends DeptcryptCryptoException> expected) {
        KmsFixture fx = new KmsFixture();
        Sealer sealer = Sealer.create(fx.governance, fx.encryptor, SealerConfig.defaults());
        fx.encryptorClient.failWith(failure);

        assertThatThrownBy(() -> sealer.seal(ctx("finance"), PLAINTEXT)).isExactlyInstanceOf(expected);

        fx.encryptorClient.heal();
        Envelope e = sealer.seal(ctx("finance"), PLAINTEXT);
        assertThat(Opener.create(fx.financeReader(), OpenerConfig.defaults()).open(e, TestGovernance.SHARED))
                .isEqualTo(PLAINTEXT);
    }

    @ParameterizedTest(name = "open, {0}")
    @MethodSource("failures")
    void decryptFailure(String name, Supplier<RuntimeException> failure,
            Class<? extends DeptcryptCryptoException> expected) {
        KmsFixture fx = new KmsFixture();
        Envelope e = Sealer.create(fx.governance, fx.encryptor, SealerConfig.defaults().withFormat(
                EnvelopeFormatId.AES_GCM_V1)).seal(ctx("finance"), PLAINTEXT);
        FakeKms.Client client = fx.kms.client("deptcrypt-finance-consumer", Set.of(TestGovernance.FINANCE.toString()));
        Opener opener = Opener.create(new KmsKeyringProvider(client, fx.governance), OpenerConfig.defaults());
        client.failWith(failure);

        assertThatThrownBy(() -> opener.open(e, TestGovernance.SHARED)).isExactlyInstanceOf(expected);

        // A failed unwrap is not cached: once KMS answers, the same record opens. Only a refusal is remembered (no
        // KMS call for it until it expires or the department is forgotten, e.g. after a new grant).
        client.heal();
        if (expected == KmsAccessDeniedException.class) {
            assertThatThrownBy(() -> opener.open(e, TestGovernance.SHARED))
                    .isExactlyInstanceOf(KmsAccessDeniedException.class).hasMessageContaining("not asked again");
            assertThat(opener.kmsCalls().decrypt()).isEqualTo(1);
            opener.forget("finance");
        }
        assertThat(opener.open(e, TestGovernance.SHARED)).isEqualTo(PLAINTEXT);
        assertThat(opener.kmsCalls().decrypt()).isEqualTo(2);
    }

    @Test
    void accessDeniedCarriesKeyAndPrincipalFromKms() {
        KmsFixture fx = new KmsFixture();
        Envelope finance = Sealer.create(fx.governance, fx.encryptor, SealerConfig.defaults())
                .seal(ctx("finance"), PLAINTEXT);
        Opener sales = Opener.create(fx.reader("deptcrypt-sales-consumer", TestGovernance.SALES.toString()),
                OpenerConfig.defaults());

        assertThatThrownBy(() -> sales.open(finance, TestGovernance.SHARED))
                .isInstanceOfSatisfying(KmsAccessDeniedException.class, e -> {
                    assertThat(e.keyArn()).isEqualTo(fx.financeKeyArn);
                    assertThat(e.kmsMessage()).contains("role/deptcrypt-sales-consumer").contains("kms:Decrypt");
                    assertThat(e.getMessage()).doesNotContain("\"x\"");
                });
    }

    @Test
    void encryptorDeniedOnGenerateDataKeyIsAccessDenied() {
        KmsFixture fx = new KmsFixture();
        KmsKeyringProvider onlyFinance = fx.reader("deptcrypt-encryptor", TestGovernance.FINANCE.toString());
        Sealer sealer = Sealer.create(fx.governance, onlyFinance, SealerConfig.defaults());

        assertThatThrownBy(() -> sealer.seal(ctx("sales"), PLAINTEXT))
                .isInstanceOfSatisfying(KmsAccessDeniedException.class,
                        e -> assertThat(e.kmsMessage()).contains("kms:GenerateDataKey").contains(fx.salesKeyArn));
    }

    private static SealContext ctx(String dept) {
        return new SealContext(dept, "e-1", TestGovernance.SHARED, 1L, "text/plain");
    }
}
