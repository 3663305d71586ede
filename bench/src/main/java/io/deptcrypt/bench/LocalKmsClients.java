package io.deptcrypt.bench;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.localkms.AccessKey;
import io.deptcrypt.localkms.LocalKms;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/** AWS SDK KMS clients for an in-process localkms, one per governance application (its own credentials). */
public final class LocalKmsClients {

    private LocalKmsClients() {}

    /** A new client signing as {@code application}; {@code interceptor} (nullable) sees every request. The caller closes it. */
    public static KmsClient client(LocalKms kms, Governance g, String application, ExecutionInterceptor interceptor) {
        AccessKey c = kms.credentials(application);
        return client(kms.endpoint(), g.region(), c.accessKeyId(), c.secretAccessKey(), interceptor);
    }

    /** A new client for {@code endpoint} with static credentials; {@code interceptor} (nullable) sees every request. */
    public static KmsClient client(URI endpoint, String region, String accessKeyId, String secretAccessKey,
                                   ExecutionInterceptor interceptor) {
        return KmsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
                .overrideConfiguration(o -> {
                    o.apiCallTimeout(Duration.ofSeconds(10));
                    if (interceptor != null) {
                        o.addExecutionInterceptor(interceptor);
                    }
                })
                .build();
    }
}
