package io.deptcrypt.localkms;

import static io.deptcrypt.localkms.LocalKmsFixture.ENCRYPTOR;
import static io.deptcrypt.localkms.LocalKmsFixture.FINANCE_READER;
import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.localkms.RawKmsRequest.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/** Every way a SigV4 signature can be wrong, each answered with AWS's error (requests signed by the SDK's signer). */
class SigV4Test {

    @TempDir
    static Path stateDir;
    static LocalKmsFixture f;
    static String body;

    @BeforeAll
    static void start() {
        f = LocalKmsFixture.start(stateDir);
        body = "{\"KeyId\":\"" + f.kms.keyArn("finance") + "\",\"NumberOfBytes\":32,\"EncryptionContext\":{\"department\":\"finance\"}}";
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    RawKmsRequest request() {
        return new RawKmsRequest(f.kms.endpoint(), f.kms.credentials(ENCRYPTOR), "GenerateDataKey", body);
    }

    static void assertError(Response r, String type, String messagePart) {
        assertThat(r.status()).as("status").isEqualTo(400);
        assertThat(r.errorType()).as("__type").isEqualTo(type);
        assertThat(r.message()).as("message").contains(messagePart);
        assertThat(r.headers().get("x-amzn-requestid")).isNotEmpty();
    }

    @Test
    void aCorrectlySignedRawRequestSucceeds() {
        Response r = request().send();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().path("KeyId").asText()).isEqualTo(f.kms.keyArn("finance"));
        assertThat(r.body().path("Plaintext").asText()).isNotEmpty();
        assertThat(r.headers().get("content-type")).containsExactly("application/x-amz-json-1.1");
    }

    @Test
    void unknownAccessKeyId() {
        RawKmsRequest req = request();
        req.accessKeyId = "AKIAAAAAAAAAAAAAAAAA";
        assertError(req.send(), "UnrecognizedClientException", "The security token included in the request is invalid.");
    }

    @Test
    void wrongSecret() {
        RawKmsRequest req = request();
        req.secret = f.kms.credentials(FINANCE_READER).secretAccessKey();
        assertError(req.send(), "InvalidSignatureException", "The request signature we calculated does not match the signature you provided");
    }

    @Test
    void expiredAndFutureDates() {
        RawKmsRequest old = request();
        old.signingClock = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-16));
        assertError(old.send(), "InvalidSignatureException", "Signature expired:");
        RawKmsRequest future = request();
        future.signingClock = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(16));
        assertError(future.send(), "InvalidSignatureException", "Signature not yet current:");
        RawKmsRequest slightlySkewed = request();
        slightlySkewed.signingClock = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10));
        assertThat(slightlySkewed.send().status()).as("within 15 minutes").isEqualTo(200);
    }

    @Test
    void missingHeaders() {
        RawKmsRequest req = request();
        Map<String, String> noAuth = req.sign();
        noAuth.remove("Authorization");
        assertError(req.send(noAuth, req.body), "MissingAuthenticationTokenException", "Missing Authentication Token");

        Map<String, String> noDate = req.sign();
        noDate.remove("X-Amz-Date");
        assertError(req.send(noDate, req.body), "IncompleteSignatureException", "X-Amz-Date");

        Map<String, String> noSignature = req.sign();
        noSignature.put("Authorization", noSignature.get("Authorization").replaceAll(", ?Signature=[0-9a-f]+", ""));
        assertError(req.send(noSignature, req.body), "IncompleteSignatureException", "Authorization header requires 'Signature' parameter.");

        Map<String, String> noTarget = req.sign();
        noTarget.remove("X-Amz-Target");
        assertError(req.send(noTarget, req.body), "InvalidSignatureException", "signature we calculated does not match");

        RawKmsRequest unsignedTarget = request();
        unsignedTarget.target = null;
        assertError(unsignedTarget.send(), "UnknownOperationException", "Missing X-Amz-Target");

        Map<String, String> otherAlgorithm = req.sign();
        otherAlgorithm.put("Authorization", otherAlgorithm.get("Authorization").replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512"));
        assertError(req.send(otherAlgorithm, req.body), "IncompleteSignatureException", "Unsupported AWS 'algorithm'");
    }

    @Test
    void payloadHashMismatchAndTamperedBody() {
        RawKmsRequest req = request();
        Map<String, String> headers = req.sign();
        assertThat(headers).containsKey("x-amz-content-sha256");
        byte[] other = body.replace("32", "16").getBytes(StandardCharsets.UTF_8);
        assertError(req.send(headers, other), "InvalidSignatureException",
                "The provided 'x-amz-content-sha256' header does not match what was computed.");
        // Without the hash header the server still hashes what it received: the signature no longer matches.
        RawKmsRequest unsignedPayloadHeader = request();
        Map<String, String> h2 = unsignedPayloadHeader.sign();
        h2.remove("x-amz-content-sha256");
        h2.put("Authorization", h2.get("Authorization").replace(";x-amz-content-sha256", ""));
        assertError(unsignedPayloadHeader.send(h2, other), "InvalidSignatureException", "signature we calculated does not match");
    }

    @Test
    void alteredSignedHeader() {
        RawKmsRequest req = request();
        Map<String, String> headers = req.sign();
        headers.put("X-Amz-Target", "TrentService.GenerateDataKeyWithoutPlaintext");
        assertError(req.send(headers, req.body), "InvalidSignatureException", "signature we calculated does not match");
    }

    @Test
    void hostMustBeSigned() {
        RawKmsRequest req = request();
        Map<String, String> headers = req.sign();
        headers.put("Authorization", headers.get("Authorization").replace("host;", ""));
        assertError(req.send(headers, req.body), "InvalidSignatureException", "'Host' or ':authority' must be a 'SignedHeader'");
    }

    @Test
    void wrongScope() {
        RawKmsRequest region = request();
        region.region = "eu-west-1";
        assertError(region.send(), "InvalidSignatureException", "Credential should be scoped to a valid region");
        RawKmsRequest service = request();
        service.service = "sqs";
        assertError(service.send(), "InvalidSignatureException", "Credential should be scoped to correct service: 'kms'.");
    }

    @Test
    void sessionTokensAreNotAccepted() {
        RawKmsRequest req = request();
        req.extraHeaders.put("X-Amz-Security-Token", "some-session-token");
        assertError(req.send(), "UnrecognizedClientException", "The security token included in the request is invalid.");
    }

    @Test
    void theSdkSurfacesTheErrorsAsTypedExceptions() throws Exception {
        try (KmsClient wrong = KmsClient.builder().endpointOverride(f.kms.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        f.kms.credentials(ENCRYPTOR).accessKeyId(), "x".repeat(40)))).build()) {
            LocalKmsFixture.assertKmsError(() -> wrong.listKeys(), "InvalidSignatureException");
        }
        try (KmsClient unknown = KmsClient.builder().endpointOverride(f.kms.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "x".repeat(40))))
                .build()) {
            LocalKmsFixture.assertKmsError(() -> unknown.listKeys(), "UnrecognizedClientException");
        }
        // Rejected requests leave audit lines with no signature or secret in them.
        String audit = Files.readString(f.kms.auditLog());
        assertThat(audit).contains("\"errorCode\":\"InvalidSignatureException\"").doesNotContain("Signature=")
                .doesNotContain(f.kms.credentials(ENCRYPTOR).secretAccessKey());
    }
}
