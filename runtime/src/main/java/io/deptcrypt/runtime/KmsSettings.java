package io.deptcrypt.runtime;

import io.deptcrypt.governance.Governance;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
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

    public static final String ENDPOINT = "kms.endpoint";
    public static final String ENDPOINT_DOC = "KMS endpoint override, e.g. http://127.0.0.1:4599 for localkms or a VPC"
            + " endpoint. Not set: the AWS KMS endpoint of the region.";
    public static final String ENDPOINT_DEFAULT = null;

    public static final String REGION = "aws.region";
    public static final String REGION_DOC = "AWS region of the KMS keys. Not set: the governance region; if set, it"
            + " must be the governance region.";
    public static final String REGION_DEFAULT = null;
    public static final TextPattern REGION_VALUES = new TextPattern("[a-z]{2}(-[a-z]+)+-\\d",
            "an AWS region such as us-east-1");

    public static final String ACCESS_KEY_ID = "aws.access.key.id";
    public static final String ACCESS_KEY_ID_DOC = "This application's own AWS access key id; KMS decides by it what the"
            + " app may do. Give it with " + KmsSettings.SECRET_ACCESS_KEY + ", or neither to use the default AWS credentials"
            + " chain (environment, profile, container or instance role).";
    public static final String ACCESS_KEY_ID_DEFAULT = null;

    public static final String SECRET_ACCESS_KEY = "aws.secret.access.key";
    public static final String SECRET_ACCESS_KEY_DOC = "The secret access key that goes with " + ACCESS_KEY_ID
            + ". Never shown in messages.";
    public static final String SECRET_ACCESS_KEY_DEFAULT = null;

    public static final String SESSION_TOKEN = "aws.session.token";
    public static final String SESSION_TOKEN_DOC = "Session token, when the static keys are temporary credentials"
            + " (needs " + ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY + "). Never shown in messages.";
    public static final String SESSION_TOKEN_DEFAULT = null;

    public static final String CALL_TIMEOUT_MS = "kms.call.timeout.ms";
    public static final String CALL_TIMEOUT_MS_DOC = "One KMS call, the SDK's own retries included, gives up after this"
            + " many milliseconds; the record is then retried with backoff (kms.retry.*), never skipped.";
    public static final long CALL_TIMEOUT_MS_DEFAULT = 10_000;

    /** Static AWS credentials. {@link #toString()} never shows the secret or the token. */
    public record StaticCredentials(String accessKeyId, String secretAccessKey, Optional<String> sessionToken) {
        @Override
        public String toString() {
            return "StaticCredentials[accessKeyId=" + accessKeyId + ", secretAccessKey=****"
                    + (sessionToken.isPresent() ? ", sessionToken=****" : "") + "]";
        }
    }

    /** Adds the KMS keys to an app's definition. */
    public static ConfigDef define(ConfigDef d) {
        return d.define(ENDPOINT, Type.STRING, ENDPOINT_DEFAULT, new HttpUrl(), Importance.MEDIUM, ENDPOINT_DOC)
                .define(REGION, Type.STRING, REGION_DEFAULT, REGION_VALUES, Importance.LOW, REGION_DOC)
                .define(ACCESS_KEY_ID, Type.STRING, ACCESS_KEY_ID_DEFAULT, Importance.HIGH, ACCESS_KEY_ID_DOC)
                .define(SECRET_ACCESS_KEY, Type.PASSWORD, SECRET_ACCESS_KEY_DEFAULT, Importance.HIGH, SECRET_ACCESS_KEY_DOC)
                .define(SESSION_TOKEN, Type.PASSWORD, SESSION_TOKEN_DEFAULT, Importance.LOW, SESSION_TOKEN_DOC)
                .define(CALL_TIMEOUT_MS, Type.LONG, CALL_TIMEOUT_MS_DEFAULT, Range.between(100, 600_000), Importance.LOW,
                        CALL_TIMEOUT_MS_DOC);
    }

    /**
     * Reads the KMS keys, checking the region against the governance file and that the credentials come complete.
     * Empty when a problem was recorded in {@code c} (or there is no governance to check against).
     */
    public static Optional<KmsSettings> from(ConfigCheck c, Optional<Governance> governance) {
        int before = c.problems().size();
        Optional<String> region = Optional.empty();
        if (governance.isPresent() && c.usable(REGION)) {
            String governanceRegion = governance.get().region();
            region = Optional.of(c.getOptional(REGION).orElse(governanceRegion));
            if (!region.get().equals(governanceRegion)) {
                c.problem(REGION, "'" + region.get() + "' differs from the governance region " + governanceRegion
                        + " (" + governance.get().source() + ")");
            }
        }
        Optional<StaticCredentials> credentials = Optional.empty();
        if (c.usable(ACCESS_KEY_ID, SECRET_ACCESS_KEY)) {
            Optional<String> id = c.getOptional(ACCESS_KEY_ID);
            Optional<String> secret = c.getOptional(SECRET_ACCESS_KEY);
            Optional<String> token = c.usable(SESSION_TOKEN) ? c.getOptional(SESSION_TOKEN) : Optional.empty();
            if (id.isPresent() != secret.isPresent()) {
                c.problem(id.isPresent() ? SECRET_ACCESS_KEY : ACCESS_KEY_ID, "is missing; give both " + ACCESS_KEY_ID
                        + " and " + SECRET_ACCESS_KEY + ", or neither to use the default AWS credentials chain");
            } else if (token.isPresent() && id.isEmpty()) {
                c.problem(SESSION_TOKEN, "needs " + ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY);
            } else if (id.isPresent()) {
                credentials = Optional.of(new StaticCredentials(id.get(), secret.get(), token));
            }
        }
        if (region.isEmpty() || c.problems().size() > before || !c.usable(ENDPOINT, SESSION_TOKEN, CALL_TIMEOUT_MS)) {
            return Optional.empty();
        }
        return Optional.of(new KmsSettings(c.getUrl(ENDPOINT), region.get(), credentials,
                Duration.ofMillis(c.getLong(CALL_TIMEOUT_MS))));
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
