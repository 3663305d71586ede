package io.deptcrypt.connectors.sqs;

import java.time.Duration;
import org.apache.kafka.common.config.ConfigException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/** Builds the SDK clients a task uses from its config: region, endpoint, credentials, HTTP pool. */
final class SqsClientFactory implements AutoCloseable {

    private final SqsSourceConfig config;
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final StsClient sts;

    SqsClientFactory(SqsSourceConfig config) {
        this.config = config;
        this.region = resolveRegion(config);
        AwsCredentialsProvider base = baseCredentials(config);
        if (config.credentialsMode() == SqsSourceConfig.CredentialsMode.ASSUME_ROLE) {
            var stsBuilder = StsClient.builder().region(region).credentialsProvider(base)
                    .httpClient(Apache5HttpClient.builder().maxConnections(2).build());
            config.stsEndpointUrl().ifPresent(stsBuilder::endpointOverride);
            this.sts = stsBuilder.build();
            String arn = config.assumeRoleArn().orElseThrow(() -> new ConfigException(SqsSourceConfig.ASSUME_ROLE_ARN, "", "required for assume-role"));
            this.credentials = StsAssumeRoleCredentialsProvider.builder()
                    .stsClient(sts)
                    .refreshRequest(r -> {
                        r.roleArn(arn).roleSessionName(config.assumeRoleSessionName());
                        config.assumeRoleExternalId().ifPresent(r::externalId);
                    })
                    .build();
        } else {
            this.sts = null;
            this.credentials = base;
        }
    }

    /** Configured region, else the one in the queue URL host, else the SDK's default region chain. */
    static Region resolveRegion(SqsSourceConfig config) {
        var explicit = config.effectiveRegion();
        if (explicit.isPresent()) {
            return Region.of(explicit.get());
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            throw new ConfigException(SqsSourceConfig.REGION, "",
                    "no region: set " + SqsSourceConfig.REGION + " (or " + SdkSystemSetting.AWS_REGION.environmentVariable()
                            + " for the worker); it cannot be taken from the queue URLs");
        }
    }

    private static AwsCredentialsProvider baseCredentials(SqsSourceConfig config) {
        if (config.accessKeyId().isPresent() && config.secretAccessKey().isPresent()) {
            String id = config.accessKeyId().get();
            String secret = config.secretAccessKey().get();
            AwsCredentials creds = config.sessionToken()
                    .<AwsCredentials>map(token -> AwsSessionCredentials.create(id, secret, token))
                    .orElseGet(() -> AwsBasicCredentials.create(id, secret));
            return StaticCredentialsProvider.create(creds);
        }
        return DefaultCredentialsProvider.builder().build();
    }

    Region region() {
        return region;
    }

    AwsCredentialsProvider credentials() {
        return credentials;
    }

    /** A new SQS client with its own connection pool of {@code maxConnections}, with the SDK's standard retries. */
    SqsClient newSqsClient(int maxConnections) {
        return builder(httpClient(maxConnections)).build();
    }

    /**
     * A client for long polls: {@link AbortableHttpClient#abortAll()} on the returned HTTP client cuts its calls
     * in progress. It does not retry by itself; the receive loop backs off and retries.
     */
    SqsClient newReceiveClient(AbortableHttpClient http) {
        return builder(http).overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    AbortableHttpClient newAbortableHttpClient(int maxConnections) {
        return new AbortableHttpClient(httpClient(maxConnections));
    }

    private SdkHttpClient httpClient(int maxConnections) {
        return Apache5HttpClient.builder()
                .maxConnections(maxConnections)
                .connectionTimeout(Duration.ofSeconds(10))
                // a long poll holds the socket for up to 20 s
                .socketTimeout(Duration.ofSeconds(config.waitTimeSeconds() + 30L))
                .build();
    }

    private SqsClientBuilder builder(SdkHttpClient http) {
        var builder = SqsClient.builder()
                .region(region)
                .credentialsProvider(credentials)
                .httpClient(http);
        config.endpointUrl().ifPresent(builder::endpointOverride);
        return builder;
    }

    @Override
    public void close() {
        if (credentials instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing a credentials provider only stops its refresh thread
            }
        }
        if (sts != null) {
            sts.close();
        }
    }
}
