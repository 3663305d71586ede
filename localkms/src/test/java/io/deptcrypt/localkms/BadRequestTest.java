package io.deptcrypt.localkms;

import static io.deptcrypt.localkms.LocalKmsFixture.ENCRYPTOR;
import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.localkms.RawKmsRequest.Response;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed input gets an AWS-shaped 400 and the server keeps serving. */
class BadRequestTest {

    @TempDir
    static Path stateDir;
    static LocalKmsFixture f;

    @BeforeAll
    static void start() {
        f = LocalKmsFixture.start(stateDir);
    }

    @AfterAll
    static void stop() {
        // Still serving after everything below.
        assertThat(f.client(ENCRYPTOR).listKeys().keys()).hasSize(3);
        f.close();
    }

    static Response call(String operation, String body) {
        return new RawKmsRequest(f.kms.endpoint(), f.kms.credentials(ENCRYPTOR), operation, body).send();
    }

    static void assertError(Response r, String type, String messagePart) {
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorType()).isEqualTo(type);
        assertThat(r.message()).contains(messagePart);
    }

    @Test
    void malformedJson() {
        assertError(call("DescribeKey", "{\"KeyId\": "), "SerializationException", "not valid JSON");
        assertError(call("DescribeKey", "[1,2]"), "SerializationException", "must be a JSON object");
        assertError(call("DescribeKey", "{\"KeyId\":\"a\",\"KeyId\":\"b\"}"), "SerializationException", "Duplicate field");
    }

    @Test
    void missingAndWrongTypedMembers() {
        assertError(call("DescribeKey", "{}"), "ValidationException", "Value null at 'keyId' failed to satisfy constraint: Member must not be null");
        assertError(call("DescribeKey", ""), "ValidationException", "Member must not be null");
        assertError(call("DescribeKey", "{\"KeyId\": 42}"), "SerializationException", "Member 'KeyId' must be a string");
        String finance = f.kms.keyArn("finance");
        assertError(call("GenerateDataKey", "{\"KeyId\":\"" + finance + "\",\"NumberOfBytes\":\"32\"}"), "SerializationException",
                "Member 'NumberOfBytes' must be an integer");
        assertError(call("GenerateDataKey", "{\"KeyId\":\"" + finance + "\",\"NumberOfBytes\":32,\"EncryptionContext\":[\"x\"]}"),
                "SerializationException", "Member 'EncryptionContext' must be a map of strings");
        assertError(call("GenerateDataKey", "{\"KeyId\":\"" + finance + "\",\"NumberOfBytes\":32,\"EncryptionContext\":{\"department\":1}}"),
                "SerializationException", "must be a string");
        assertError(call("Decrypt", "{\"CiphertextBlob\":\"%%%not base64\"}"), "SerializationException", "not valid base64");
        assertError(call("CreateGrant", "{\"KeyId\":\"" + finance + "\",\"GranteePrincipal\":\"arn:aws:iam::111122223333:role/x\",\"Operations\":\"Decrypt\"}"),
                "SerializationException", "Member 'Operations' must be a list of strings");
    }

    @Test
    void unknownOperationAndMethod() {
        assertError(call("LaunchRockets", "{}"), "UnknownOperationException", "Unknown operation TrentService.LaunchRockets");
        RawKmsRequest wrongPrefix = new RawKmsRequest(f.kms.endpoint(), f.kms.credentials(ENCRYPTOR), "ListKeys", "{}");
        wrongPrefix.target = "DynamoDB_20120810.ListTables";
        assertError(wrongPrefix.send(), "UnknownOperationException", "Unknown operation");
        Response get = RawKmsRequest.send(f.kms.endpoint(), "GET", Map.of(), new byte[0]);
        assertError(get, "UnknownOperationException", "only POST");
    }

    @Test
    void bodyOver64KiB() {
        String big = "{\"KeyId\":\"" + f.kms.keyArn("finance") + "\",\"Description\":\"" + "x".repeat(70 * 1024) + "\"}";
        Response r = call("DescribeKey", big);
        assertError(r, "ValidationException", "exceeds the 65536-byte limit");
    }

    @Test
    void unsupportedKeyTypesAreRefusedClearly() {
        RawKmsRequest req = new RawKmsRequest(f.kms.endpoint(), f.kms.credentials("key-admin"), "CreateKey",
                "{\"KeySpec\":\"RSA_2048\",\"KeyUsage\":\"SIGN_VERIFY\"}");
        assertError(req.send(), "UnsupportedOperationException", "symmetric");
    }
}
