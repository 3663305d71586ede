package io.deptcrypt.bench;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.localkms.AccessKey;
import io.deptcrypt.localkms.LocalKms;
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
        return KmsClient.builder()
                .endpointOverride(kms.endpoint())
                .region(Region.of(g.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())))
                .overrideConfiguration(o -> {
                    o.apiCallTimeout(Duration.ofSeconds(10));
                    if (interceptor != null) {
                        o.addExecutionInterceptor(interceptor);
                    }
                })
                .build();
    }
}
