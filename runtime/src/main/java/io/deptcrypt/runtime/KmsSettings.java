package io.deptcrypt.runtime;

import io.deptcrypt.governance.Governance;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * How an app reaches KMS: an optional endpoint override (absent: the real AWS endpoint of the region), the region,
 * and either static credentials or the SDK's default provider chain.
 *
 * @param endpoint    e.g. {@code http://127.0.0.1:4599} for localkms; empty for AWS
 * @param region      AWS region of the keys
 * @param credentials static credentials; empty means the default provider chain (env, profile, instance role...)
 * @param callTimeout bound on one KMS call including the SDK's own retries, so an outage surfaces as an error
 */
public record KmsSettings(Optional<URI> endpoint, String region, Optional<StaticCredentials> credentials,
                          Duration callTimeout) {

    /** Keys read by {@link #from}. */
    public static final String ENDPOINT = "kms.endpoint";
    public static final String REGION = "aws.region";
    public static final String ACCESS_KEY_ID = "aws.access.key.id";
    public static final String SECRET_ACCESS_KEY = "aws.secret.access.key";
    public static final String SESSION_TOKEN = "aws.session.token";
    public static final String CALL_TIMEOUT_MS = "kms.call.timeout.ms";

    /** Static AWS credentials. {@link #toString()} never shows the secret or the token. */
    public record StaticCredentials(String accessKeyId, String secretAccessKey, Optional<String> sessionToken) {
        @Override
        public String toString() {
            return "StaticCredentials[accessKeyId=" + accessKeyId + ", secretAccessKey=****"
                    + (sessionToken.isPresent() ? ", sessionToken=****" : "") + "]";
        }
    }

    /** Reads the KMS keys; the region defaults to the governance region. */
    public static KmsSettings from(ConfigProperties p, Governance governance) {
        Optional<URI> endpoint = p.httpUri(ENDPOINT);
        String region = p.string(REGION, governance.region());
        if (!region.matches("[a-z]{2}(-[a-z]+)+-\\d")) {
            throw p.error(REGION, "'" + region + "' is not an AWS region such as us-east-1");
        }
        if (!region.equals(governance.region())) {
            throw p.error(REGION, "'" + region + "' differs from the governance region " + governance.region()
                    + " (" + governance.source() + ")");
        }
        Optional<String> id = p.optional(ACCESS_KEY_ID);
        Optional<String> secret = p.optional(SECRET_ACCESS_KEY);
        Optional<String> token = p.optional(SESSION_TOKEN);
        if (id.isPresent() != secret.isPresent()) {
            String missing = id.isPresent() ? SECRET_ACCESS_KEY : ACCESS_KEY_ID;
            throw p.error(missing, "is missing; give both " + ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY
                    + ", or neither to use the default AWS credentials chain");
        }
        if (token.isPresent() && id.isEmpty()) {
            throw p.error(SESSION_TOKEN, "needs " + ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY);
        }
        Optional<StaticCredentials> creds = id.map(i -> new StaticCredentials(i, secret.get(), token));
        Duration timeout = Duration.ofMillis(p.longValue(CALL_TIMEOUT_MS, 10_000, 100, 600_000));
        return new KmsSettings(endpoint, region, creds, timeout);
    }

    /** A new client; the caller closes it. */
    public KmsClient newClient() {
        var builder = KmsClient.builder()
                .region(Region.of(region))
                .credentialsProvider(credentialsProvider())
                .overrideConfiguration(c -> c.apiCallTimeout(callTimeout));
        endpoint.ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private AwsCredentialsProvider credentialsProvider() {
        if (credentials.isEmpty()) {
            return DefaultCredentialsProvider.builder().build();
        }
        StaticCredentials c = credentials.get();
        return StaticCredentialsProvider.create(c.sessionToken().isPresent()
                ? AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken().get())
                : AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey()));
    }
}
