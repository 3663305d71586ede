package io.deptcrypt.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.governance.Governance;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.PatternType;
import org.junit.jupiter.api.Test;

class KafkaAccessTest {

    private final Governance g = KmsAccessTest.governance();
    private final KafkaAccess access = KafkaAccess.of(g, KafkaNames.local());

    @Test
    void theShippedGovernanceGivesExactlyTheHandWrittenTopicAccess() {
        List<ExpectedKafkaAccess.Row> computed = new ArrayList<>();
        for (ExpectedKafkaAccess.Row r : ExpectedKafkaAccess.rows()) {
            computed.add(new ExpectedKafkaAccess.Row(r.application(), r.topic(),
                    access.allows(r.application(), KafkaPermission.Type.TOPIC, r.topic(), KafkaOperation.READ),
                    access.allows(r.application(), KafkaPermission.Type.TOPIC, r.topic(), KafkaOperation.WRITE)));
        }
        assertThat(computed).containsExactlyElementsOf(ExpectedKafkaAccess.rows());
    }

    @Test
    void onlyTheOwnerWritesTheSharedTopicAndOnlyTheOwnerReadsIngest() {
        for (Governance.Application a : g.applications()) {
            assertThat(access.allows(a.name(), KafkaPermission.Type.TOPIC, "deptcrypt.shared", KafkaOperation.WRITE))
                    .as(a.name()).isEqualTo(a.name().equals("encryptor"));
            assertThat(access.allows(a.name(), KafkaPermission.Type.TOPIC, "deptcrypt.ingest", KafkaOperation.READ))
                    .as(a.name()).isEqualTo(a.name().equals("encryptor"));
        }
    }

    @Test
    void streamsAppsGetTheirOwnGroupsAndTransactionalIdsOnly() {
        assertThat(access.allows("finance-consumer", KafkaPermission.Type.GROUP, "deptcrypt-finance-consumer", KafkaOperation.READ))
                .isTrue();
        assertThat(access.allows("finance-consumer", KafkaPermission.Type.GROUP, "deptcrypt-finance-consumer.sales",
                KafkaOperation.READ)).isTrue();
        assertThat(access.allows("finance-consumer", KafkaPermission.Type.GROUP, "deptcrypt-sales-consumer", KafkaOperation.READ))
                .isFalse();
        assertThat(access.allows("encryptor", KafkaPermission.Type.TRANSACTIONAL_ID, "deptcrypt-encryptor-0a1b-1",
                KafkaOperation.WRITE)).isTrue();
        assertThat(access.allows("sqs-connector", KafkaPermission.Type.TRANSACTIONAL_ID, "deptcrypt-encryptor-0a1b-1",
                KafkaOperation.WRITE)).isFalse();
    }

    @Test
    void onlyTheOwnerHasItsStreamsInternalTopics() {
        String changelog = "deptcrypt-encryptor-ingest-dedupe-changelog";
        for (KafkaOperation op : List.of(KafkaOperation.READ, KafkaOperation.WRITE, KafkaOperation.CREATE,
                KafkaOperation.DESCRIBE_CONFIGS)) {
            assertThat(access.allows("encryptor", KafkaPermission.Type.TOPIC, changelog, op)).as(op.name()).isTrue();
        }
        for (Governance.Application a : g.applications()) {
            if (!a.name().equals("encryptor")) {
                assertThat(access.allows(a.name(), KafkaPermission.Type.TOPIC, changelog, KafkaOperation.READ))
                        .as(a.name()).isFalse();
                assertThat(access.allows(a.name(), KafkaPermission.Type.TOPIC, changelog, KafkaOperation.WRITE))
                        .as(a.name()).isFalse();
            }
        }
        // a prefix of its own id and the separator: not another app's whose id merely starts the same
        assertThat(access.allows("encryptor", KafkaPermission.Type.TOPIC, "deptcrypt-encryptorx", KafkaOperation.READ))
                .isFalse();
        assertThat(access.allows("finance-consumer", KafkaPermission.Type.TOPIC,
                "deptcrypt-finance-consumer-x-changelog", KafkaOperation.WRITE)).as("the consumers are stateless").isFalse();
    }

    @Test
    void aclsAreOneAllowBindingPerPermission() {
        List<AclBinding> acls = KafkaAcls.of(access);
        assertThat(acls).hasSize(access.permissions().size());
        assertThat(acls).allSatisfy(b -> {
            assertThat(b.entry().principal()).startsWith("User:");
            assertThat(b.entry().host()).isEqualTo("*");
            assertThat(b.pattern().patternType()).isIn(PatternType.LITERAL, PatternType.PREFIXED);
        });
    }

    @Test
    void revokingAReaderRemovesItsTopicAccess() throws Exception {
        String text = java.nio.file.Files.readString(KmsAccessTest.GOVERNANCE)
                .replace("readers: [finance-consumer]", "readers: [finance-consumer, security-auditor]");
        Governance granted = io.deptcrypt.governance.GovernanceLoader.parse(text, "edited");
        KafkaAccess.Diff d = access.changesTo(KafkaAccess.of(granted, KafkaNames.local()));
        assertThat(d.revoked()).isEmpty();
        assertThat(d.granted()).extracting(KafkaPermission::describe).contains(
                "security-auditor READ topic deptcrypt.shared", "security-auditor READ topic finance.*");
    }
}
