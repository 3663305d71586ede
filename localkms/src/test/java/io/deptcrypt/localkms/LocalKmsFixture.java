package io.deptcrypt.localkms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.testkit.TestGovernance;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;

/** A started localkms on a free port in a temp dir, with one unchanged AWS SDK KmsClient per application. */
final class LocalKmsFixture implements AutoCloseable {

    static final String ENCRYPTOR = "encryptor";
    static final String FINANCE_READER = "finance-consumer";
    static final String SALES_READER = "sales-consumer";
    static final String CONNECTOR = "sqs-connector";
    static final String AUDITOR = "security-auditor";
    static final String ADMIN = "key-admin";
    static final String ACCOUNT = "111122223333";

    final LocalKms kms;
    private final Map<String, KmsClient> clients = new ConcurrentHashMap<>();

    LocalKmsFixture(LocalKms kms) {
        this.kms = kms;
    }

    static Governance governance() {
        return TestGovernance.governance();
    }

    static LocalKmsFixture start(Path stateDir) {
        return start(LocalKmsConfig.of(governance(), stateDir));
    }

    static LocalKmsFixture start(LocalKmsConfig config) {
        return new LocalKmsFixture(LocalKms.start(config));
    }

    KmsClient client(String application) {
        return clients.computeIfAbsent(application, a -> client(kms, a));
    }

    static KmsClient client(LocalKms kms, String application) {
        AccessKey k = kms.credentials(application);
        return KmsClient.builder()
                .endpointOverride(kms.endpoint())
                .region(Region.of(kms.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey())))
                .build();
    }

    static String role(String application) {
        return "arn:aws:iam::" + ACCOUNT + ":role/deptcrypt-" + application;
    }

    /** Asserts that {@code call} fails with the AWS error {@code code} (the SDK has no class for some, e.g. ValidationException). */
    static AbstractThrowableAssert<?, ? extends Throwable> assertKmsError(ThrowingCallable call, String code) {
        return assertThatThrownBy(call).isInstanceOf(KmsException.class)
                .satisfies(e -> assertThat(((KmsException) e).awsErrorDetails().errorCode()).as("AWS error code").isEqualTo(code))
                .satisfies(e -> assertThat(((KmsException) e).statusCode()).as("HTTP status").isEqualTo(400));
    }

    static Map<String, String> department(String name) {
        return Map.of("department", name);
    }

    @Override
    public void close() {
        clients.values().forEach(KmsClient::close);
        kms.close();
    }

    /** A clock tests move forward to reach rotation and deletion dates. */
    static final class MovableClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}
