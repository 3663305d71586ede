package io.deptcrypt.localkms;

import static io.deptcrypt.localkms.LocalKmsFixture.ADMIN;
import static io.deptcrypt.localkms.LocalKmsFixture.AUDITOR;
import static io.deptcrypt.localkms.LocalKmsFixture.CONNECTOR;
import static io.deptcrypt.localkms.LocalKmsFixture.ENCRYPTOR;
import static io.deptcrypt.localkms.LocalKmsFixture.FINANCE_READER;
import static io.deptcrypt.localkms.LocalKmsFixture.SALES_READER;
import static io.deptcrypt.localkms.LocalKmsFixture.assertKmsError;
import static io.deptcrypt.localkms.LocalKmsFixture.department;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;

/**
 * {@code pendingWindowDayLength}: a 7-"day" deletion window of short days ends in real time, and the key is then
 * really gone (crypto-shredded) for every principal, key admins included. The API stays AWS's.
 */
class KeyDeletionWindowTest {

    static final Duration DAY = Duration.ofMillis(400);
    static final List<String> EVERY_APPLICATION = List.of(ENCRYPTOR, FINANCE_READER, SALES_READER, CONNECTOR, AUDITOR, ADMIN);

    @TempDir
    Path stateDir;

    @Test
    void scheduleCancelEnableThenLetTheWindowEnd() throws Exception {
        LocalKmsConfig config = LocalKmsConfig.of(LocalKmsFixture.governance(), stateDir).withPendingWindowDayLength(DAY);
        try (LocalKmsFixture f = LocalKmsFixture.start(config)) {
            // Everyone may use this key (the admin through its kms:*), so "gone for everyone" means something.
            KeyMetadata key = f.client(ADMIN).createKey(r -> r.policy(KeyLifecycleTest.policyFor(ENCRYPTOR, FINANCE_READER,
                    SALES_READER, CONNECTOR, AUDITOR))).keyMetadata();
            SdkBytes blob = f.client(ENCRYPTOR).encrypt(r -> r.keyId(key.arn()).plaintext(SdkBytes.fromUtf8String("shred me"))
                    .encryptionContext(department("finance"))).ciphertextBlob();
            for (String app : EVERY_APPLICATION) {
                assertThat(decrypt(f, app, blob).asUtf8String()).as(app).isEqualTo("shred me");
            }

            ScheduleKeyDeletionResponse scheduled = schedule(f, key.arn());
            assertThat(f.client(ADMIN).describeKey(r -> r.keyId(key.arn())).keyMetadata().pendingDeletionWindowInDays()).isEqualTo(7);
            assertKmsError(() -> decrypt(f, FINANCE_READER, blob), "KMSInvalidStateException")
                    .hasMessageContaining(key.arn() + " is pending deletion.");
            assertThat(Instant.now()).as("still inside the window (else the test machine was too slow)")
                    .isBefore(scheduled.deletionDate());

            // As in AWS, cancelling leaves the key Disabled; EnableKey makes it usable again.
            f.client(ADMIN).cancelKeyDeletion(r -> r.keyId(key.arn()));
            KeyMetadata cancelled = f.client(ADMIN).describeKey(r -> r.keyId(key.arn())).keyMetadata();
            assertThat(cancelled.keyState()).isEqualTo(KeyState.DISABLED);
            assertThat(cancelled.deletionDate()).isNull();
            assertKmsError(() -> decrypt(f, FINANCE_READER, blob), "DisabledException");
            f.client(ADMIN).enableKey(r -> r.keyId(key.arn()));
            assertThat(decrypt(f, FINANCE_READER, blob).asUtf8String()).isEqualTo("shred me");

            ScheduleKeyDeletionResponse again = schedule(f, key.arn());
            Instant goneSeen = awaitDeleted(f, key.arn(), again.deletionDate().plusSeconds(30));
            assertThat(goneSeen).as("not deleted before its DeletionDate").isAfterOrEqualTo(again.deletionDate());
            for (String app : EVERY_APPLICATION) {
                assertKmsError(() -> decrypt(f, app, blob), "AccessDeniedException").as(app)
                        .hasMessageContaining("The ciphertext refers to a customer master key that does not exist, does not"
                                + " exist in this region, or you are not allowed to access.");
            }
            assertThat(Files.readString(f.kms.stateDir().resolve("state.json"))).doesNotContain(key.keyId());
            assertThat(Files.readString(f.kms.auditLog())).contains("\"operation\":\"DeleteKey\",\"keyArn\":\"" + key.arn() + "\"");
        }
    }

    @Test
    void theWindowIsStillSevenToThirtyDays() {
        LocalKmsConfig config = LocalKmsConfig.of(LocalKmsFixture.governance(), stateDir).withPendingWindowDayLength(DAY);
        try (LocalKmsFixture f = LocalKmsFixture.start(config)) {
            String key = f.client(ADMIN).createKey(r -> r.policy(KeyLifecycleTest.policyFor(ENCRYPTOR))).keyMetadata().arn();
            for (int days : new int[] {6, 31}) {
                assertKmsError(() -> f.client(ADMIN).scheduleKeyDeletion(r -> r.keyId(key).pendingWindowInDays(days)),
                        "ValidationException").hasMessageContaining("Member must have value between 7 and 30 (inclusive)");
            }
            Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            var thirty = f.client(ADMIN).scheduleKeyDeletion(r -> r.keyId(key).pendingWindowInDays(30));
            assertThat(thirty.pendingWindowInDays()).isEqualTo(30);
            assertThat(thirty.deletionDate()).isAfterOrEqualTo(before.plus(DAY.multipliedBy(30)));
        }
    }

    @Test
    void dayLengthMustBePositiveAndAtMostADay() {
        LocalKmsConfig config = LocalKmsConfig.of(LocalKmsFixture.governance(), stateDir);
        assertThat(config.pendingWindowDayLength()).isEqualTo(Duration.ofDays(1));
        for (Duration bad : List.of(Duration.ZERO, Duration.ofSeconds(-1), Duration.ofDays(1).plusNanos(1))) {
            assertThatThrownBy(() -> config.withPendingWindowDayLength(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("pendingWindowDayLength " + bad);
        }
    }

    /** Schedules a 7-day deletion and checks the answer: DeletionDate is 7 short days from now. */
    private static ScheduleKeyDeletionResponse schedule(LocalKmsFixture f, String keyArn) {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        ScheduleKeyDeletionResponse r = f.client(ADMIN).scheduleKeyDeletion(b -> b.keyId(keyArn).pendingWindowInDays(7));
        Instant after = Instant.now();
        assertThat(r.keyId()).isEqualTo(keyArn);
        assertThat(r.keyState()).isEqualTo(KeyState.PENDING_DELETION);
        assertThat(r.pendingWindowInDays()).isEqualTo(7);
        assertThat(r.deletionDate()).isBetween(before.plus(DAY.multipliedBy(7)), after.plus(DAY.multipliedBy(7)));
        return r;
    }

    /** Polls DescribeKey (each call runs housekeeping) until the key is gone; returns when that was first seen. */
    private static Instant awaitDeleted(LocalKmsFixture f, String keyArn, Instant deadline) throws InterruptedException {
        while (Instant.now().isBefore(deadline)) {
            try {
                assertThat(f.client(ADMIN).describeKey(r -> r.keyId(keyArn)).keyMetadata().keyState())
                        .isEqualTo(KeyState.PENDING_DELETION);
            } catch (NotFoundException gone) {
                return Instant.now();
            }
            Thread.sleep(50);
        }
        throw new AssertionError(keyArn + " still exists at " + deadline);
    }

    private static SdkBytes decrypt(LocalKmsFixture f, String application, SdkBytes blob) {
        return f.client(application).decrypt(r -> r.ciphertextBlob(blob).encryptionContext(department("finance"))).plaintext();
    }
}
