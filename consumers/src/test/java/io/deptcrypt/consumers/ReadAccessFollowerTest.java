package io.deptcrypt.consumers;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.OpenerConfig;
import io.deptcrypt.governance.AppliedGovernance;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestGovernance;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which governance changes make a department consumer drop its cached data keys, and which do not. */
class ReadAccessFollowerTest {

    static final String YAML = TestGovernance.yaml();
    static final Governance RUNNING = TestGovernance.governance();

    static Governance edited(String from, String to) {
        assertThat(YAML).contains(from);
        return GovernanceLoader.parse(YAML.replace(from, to), "edited");
    }

    @Test
    void revokedGrantedAgainRekeyedAndRemovedAreChanges() {
        Governance revoked = edited("readers: [finance-consumer]", "readers: [security-auditor]");
        assertThat(ReadAccessFollower.change(RUNNING, revoked, "finance-consumer", "finance"))
                .hasValue("finance-consumer is no longer a reader of finance (revoked)");
        assertThat(ReadAccessFollower.change(revoked, RUNNING, "finance-consumer", "finance"))
                .hasValue("finance-consumer is a reader of finance again");

        Governance rekeyed = edited("alias/deptcrypt-finance", "alias/deptcrypt-finance-2");
        assertThat(ReadAccessFollower.change(RUNNING, rekeyed, "finance-consumer", "finance")).hasValueSatisfying(
                c -> assertThat(c).startsWith("the key of finance changed from").endsWith("alias/deptcrypt-finance-2"));

        Governance removed = edited("""
                  - name: finance
                    key: arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-finance
                    readers: [finance-consumer]
                """, "");
        assertThat(ReadAccessFollower.change(RUNNING, removed, "finance-consumer", "finance"))
                .hasValue("department finance was removed from governance");
    }

    @Test
    void changesThatLeaveTheReaderAndKeyAloneAreNone() {
        Governance another = edited("readers: [finance-consumer]", "readers: [finance-consumer, security-auditor]");
        assertThat(ReadAccessFollower.change(RUNNING, another, "finance-consumer", "finance")).isEmpty();
        Governance salesRevoked = edited("readers: [sales-consumer]", "readers: [security-auditor]");
        assertThat(ReadAccessFollower.change(RUNNING, salesRevoked, "finance-consumer", "finance")).isEmpty();
        assertThat(ReadAccessFollower.change(RUNNING, RUNNING, "finance-consumer", "finance")).isEmpty();
    }

    @Test
    void aLostReadAccessIsCountedAsARevocationAndNothingElseIs() {
        Governance revoked = edited("readers: [finance-consumer]", "readers: [security-auditor]");
        Governance rekeyed = edited("alias/deptcrypt-finance", "alias/deptcrypt-finance-2");
        ConsumerCounters counters = new ConsumerCounters();
        try (Opener opener = Opener.create(RawAesKeyringProvider.generate(RUNNING).readerFor(RUNNING, "finance-consumer"),
                OpenerConfig.defaults())) {
            ReadAccessFollower follower = new ReadAccessFollower("finance-consumer", "finance", opener, RUNNING, counters);
            follower.applied(AppliedGovernance.of(1, Instant.EPOCH, "test", "v1"), rekeyed);
            assertThat(counters.revocations()).as("a new key is no revocation").isZero();
            follower.applied(AppliedGovernance.of(2, Instant.EPOCH, "test", "v2"), revoked);
            assertThat(counters.revocations()).isEqualTo(1);
            follower.applied(AppliedGovernance.of(3, Instant.EPOCH, "test", "v3"), RUNNING);
            assertThat(counters.revocations()).as("a re-grant is no revocation").isEqualTo(1);
            assertThat(follower.version()).isEqualTo(3);
        }
    }
}
