package io.deptcrypt.control.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * localkms's stand-in for IAM ({@code DeptcryptLocalIam.SyncPrincipals}, SigV4-signed like every KMS call, key admins
 * only): makes localkms's principals exactly the governance applications and returns every principal's local access
 * key. In AWS, roles come from the IaC's stacks instead; there is no such call.
 */
public final class LocalIam {

    /** A principal localkms knows, with the access key it issued. */
    public record Principal(String name, String roleArn, String accessKeyId, String secretAccessKey) {
        @Override
        public String toString() {
            return "Principal[" + name + ", " + roleArn + ", " + accessKeyId + ", secret hidden]";
        }
    }

    /** One wanted principal. */
    public record Wanted(String name, String roleArn, boolean keyAdmin) {}

    public static final String TARGET = "DeptcryptLocalIam.SyncPrincipals";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final String region;
    private final AwsCredentialsIdentity keyAdmin;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public LocalIam(URI endpoint, String region, String accessKeyId, String secretAccessKey) {
        this.endpoint = endpoint;
        this.region = region;
        this.keyAdmin = AwsCredentialsIdentity.create(accessKeyId, secretAccessKey);
    }

    /** @return every principal localkms knows afterwards, by name */
    public Map<String, Principal> sync(List<Wanted> wanted) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("Principals");
        for (Wanted w : wanted) {
            list.addObject().put("Name", w.name()).put("RoleArn", w.roleArn()).put("KeyAdmin", w.keyAdmin());
        }
        JsonNode answer = call(body);
        Map<String, Principal> out = new LinkedHashMap<>();
        for (JsonNode p : answer.path("Principals")) {
            out.put(p.path("Name").asText(), new Principal(p.path("Name").asText(), p.path("RoleArn").asText(),
                    p.path("AccessKeyId").asText(), p.path("SecretAccessKey").asText()));
        }
        return out;
    }

    private JsonNode call(ObjectNode body) {
        byte[] payload;
        try {
            payload = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        SdkHttpRequest request = SdkHttpRequest.builder().uri(endpoint.resolve("/")).method(SdkHttpMethod.POST)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", TARGET)
                .build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(keyAdmin).request(request)
                .payload(ContentStreamProvider.fromByteArray(payload))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "kms")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint.resolve("/")).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
        signed.request().headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
                values.forEach(v -> b.header(name, v));
            }
        });
        HttpResponse<byte[]> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalStateException("localkms at " + endpoint + " does not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("localkms answered " + TARGET + " with HTTP " + response.statusCode()
                    + " and no JSON", e);
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("localkms refused " + TARGET + ": " + answer.path("__type").asText("HTTP "
                    + response.statusCode()) + ": " + answer.path("message").asText(answer.path("Message").asText()));
        }
        return answer;
    }
}
