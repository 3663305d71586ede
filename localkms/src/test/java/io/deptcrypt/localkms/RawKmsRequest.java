package io.deptcrypt.localkms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * A KMS request signed by the AWS SDK's own SigV4 signer (not by anything in localkms), then sent by the JDK HTTP
 * client, so tests can break it in exactly one way.
 */
final class RawKmsRequest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection");
    static final ObjectMapper JSON = new ObjectMapper();

    record Response(int status, JsonNode body, Map<String, List<String>> headers) {
        String errorType() {
            return body.path("__type").asText();
        }

        String message() {
            return body.has("message") ? body.path("message").asText() : body.path("Message").asText();
        }
    }

    final URI endpoint;
    String method = "POST";
    String target;
    byte[] body;
    String accessKeyId;
    String secret;
    String region = "us-east-1";
    String service = "kms";
    Clock signingClock = Clock.systemUTC();
    final Map<String, String> extraHeaders = new LinkedHashMap<>();

    RawKmsRequest(URI endpoint, AccessKey key, String operation, String jsonBody) {
        this.endpoint = endpoint;
        this.accessKeyId = key.accessKeyId();
        this.secret = key.secretAccessKey();
        this.target = "TrentService." + operation;
        this.body = jsonBody.getBytes(StandardCharsets.UTF_8);
    }

    /** The headers the SDK signer produces, Authorization included. */
    Map<String, String> sign() {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(endpoint.resolve("/"))
                .putHeader("Content-Type", "application/x-amz-json-1.1");
        if (target != null) {
            request.putHeader("X-Amz-Target", target);
        }
        extraHeaders.forEach(request::putHeader);
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(accessKeyId, secret))
                .request(request.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(HttpSigner.SIGNING_CLOCK, signingClock));
        Map<String, String> headers = new LinkedHashMap<>();
        signed.request().headers().forEach((k, v) -> headers.put(k, v.get(0)));
        return headers;
    }

    Response send() {
        return send(sign(), body);
    }

    static Response send(URI endpoint, String method, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint.resolve("/")).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((k, v) -> {
            if (!RESTRICTED.contains(k.toLowerCase(java.util.Locale.ROOT))) {
                b.header(k, v);
            }
        });
        try {
            HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body()),
                    r.headers().map());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Response send(Map<String, String> headers, byte[] sentBody) {
        return send(endpoint, method, headers, sentBody);
    }
}
