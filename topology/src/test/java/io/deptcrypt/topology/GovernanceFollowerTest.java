package io.deptcrypt.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.crypto.SealContext;
import io.deptcrypt.crypto.Sealer;
import io.deptcrypt.crypto.SealerConfig;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.AppliedGovernance;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.governance.KmsArn;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestGovernance;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The encryptor's reaction to governance versions: what its parser accepts and its sealer seals follow them. */
class GovernanceFollowerTest {

    static final String YAML = TestGovernance.yaml();
    static final Governance RUNNING = TestGovernance.governance();
    static final KmsArn MARKETING_KEY = KmsArn.parse("arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-marketing");
    static final String MARKETING = """
              - name: marketing
                key: arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-marketing
                readers: [security-auditor]
            """;

    static AppliedGovernance applied(long version, String text) {
        return AppliedGovernance.of(version, Instant.now(), "key-admin", text);
    }

    @Test
    void aDepartmentAddedIsParsedAndSealedAndOneRemovedIsNeither() {
        Map<KmsArn, byte[]> keys = new LinkedHashMap<>();
        for (KmsArn k : List.of(TestGovernance.FINANCE, TestGovernance.SALES, TestGovernance.QUARANTINE, MARKETING_KEY)) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            keys.put(k, key);
        }
        RawAesKeyringProvider kms = new RawAesKeyringProvider(keys);
        try (Sealer sealer = Sealer.create(RUNNING, kms, new SealerConfig(EnvelopeFormatId.AES_GCM_V1, 1000,
                Duration.ofMinutes(5)))) {
            GovernanceFollower follower = new GovernanceFollower(sealer, RUNNING, new EncryptorCounters());
            IngestParser parser = new IngestParser(follower, 1024);
            byte[] event = "{\"department\":\"marketing\",\"data\":\"x\"}".getBytes(StandardCharsets.UTF_8);
            SealContext ctx = new SealContext("marketing", "m1", "deptcrypt.shared", 0L, IngestParser.TEXT);
            assertThat(parser.parse(event)).isInstanceOfSatisfying(IngestParser.DeadLetter.class,
                    d -> assertThat(d.reason()).isEqualTo(DeadLetterReason.UNKNOWN_DEPARTMENT));

            Governance added = GovernanceLoader.parse(YAML + MARKETING, "v1");
            follower.applied(applied(1, YAML + MARKETING), added);
            assertThat(follower.version()).isEqualTo(1);
            assertThat(parser.parse(event)).isInstanceOf(IngestParser.Valid.class);
            assertThat(sealer.seal(ctx, "x".getBytes(StandardCharsets.UTF_8)).getDepartment().toString())
                    .isEqualTo("marketing");

            follower.applied(applied(2, YAML), RUNNING);
            assertThat(follower.version()).isEqualTo(2);
            assertThat(parser.parse(event)).isInstanceOf(IngestParser.DeadLetter.class);
            assertThatThrownBy(() -> sealer.seal(ctx, "x".getBytes(StandardCharsets.UTF_8)))
                    .hasMessageContaining("marketing");
        }
    }

    @Test
    void theChangeIsDescribedByDepartment() {
        Governance added = GovernanceLoader.parse(YAML + MARKETING, "added");
        assertThat(GovernanceFollower.describe(RUNNING, added)).hasValue("added [marketing]");
        assertThat(GovernanceFollower.describe(added, RUNNING)).hasValue("removed [marketing]");
        Governance rekeyed = GovernanceLoader.parse(YAML.replace("alias/deptcrypt-sales", "alias/deptcrypt-sales-2"),
                "rekeyed");
        assertThat(GovernanceFollower.describe(RUNNING, rekeyed)).hasValue("key changed [sales]");
        assertThat(GovernanceFollower.describe(RUNNING, RUNNING)).isEmpty();
    }

    @Test
    void aDepartmentThatLosesAReaderIsCountedAsARevocation() {
        EncryptorCounters counters = new EncryptorCounters();
        try (Sealer sealer = Sealer.create(RUNNING, RawAesKeyringProvider.generate(RUNNING),
                new SealerConfig(EnvelopeFormatId.AES_GCM_V1, 1000, Duration.ofMinutes(5)))) {
            GovernanceFollower follower = new GovernanceFollower(sealer, RUNNING, counters);
            String more = YAML.replace("readers: [finance-consumer]", "readers: [finance-consumer, security-auditor]");
            follower.applied(applied(1, more), GovernanceLoader.parse(more, "v1"));
            assertThat(counters.revocations()).as("a reader added").isZero();
            follower.applied(applied(2, YAML), RUNNING);
            assertThat(counters.revocations()).as("security-auditor no longer reads finance").isEqualTo(1);
        }
    }
}
