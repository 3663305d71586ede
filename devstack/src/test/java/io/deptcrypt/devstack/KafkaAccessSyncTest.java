package io.deptcrypt.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.control.live.KafkaLive;
import io.deptcrypt.embedded.EmbeddedKafka;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.policy.KafkaAccess;
import io.deptcrypt.policy.KafkaNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up sync on a real secured broker: every application gets its user and exactly its ACLs, a second start
 * changes nothing and keeps the passwords, an application gone from the file loses its user and ACLs.
 */
@Tag("integration")
class KafkaAccessSyncTest {

    private static final Path GOVERNANCE = Path.of("").toAbsolutePath().getParent().resolve("config/governance.yaml");

    @TempDir
    static Path state;
    static StackConfig cfg;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        cfg = StackConfig.defaults(state, GOVERNANCE);
        kafka = EmbeddedKafka.builder(cfg.kafkaDir()).security(KafkaLogins.admin(cfg)).start();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void usersAndAclsFollowTheFileAndARestartKeepsThePasswords() throws Exception {
        Governance g = GovernanceLoader.load(GOVERNANCE);
        List<String> apps = g.applications().stream().map(Governance.Application::name).toList();

        KafkaAccessSync.Result first = KafkaAccessSync.run(kafka, g, cfg);
        assertThat(first.passwords()).containsOnlyKeys(apps);
        assertThat(first.changes()).as("users created, ACLs added").isEqualTo(2);
        try (Admin admin = kafka.admin()) {
            assertThat(new KafkaLive(admin).permissions(apps))
                    .containsExactlyInAnyOrderElementsOf(KafkaAccess.of(g, KafkaNames.local()).permissions());
        }

        KafkaAccessSync.Result again = KafkaAccessSync.run(kafka, g, cfg);
        assertThat(again.changes()).as("a second start changes nothing").isZero();
        assertThat(again.passwords()).isEqualTo(first.passwords());
        assertThat(KafkaLogins.applicationPasswords(cfg)).isEqualTo(first.passwords());

        // security-auditor leaves the file (as quarantine reader too): its user and ACLs go, the others stay.
        String text = Files.readString(GOVERNANCE)
                .replaceAll("(?m)^  - name: security-auditor\\n    role: .*\\n", "")
                .replace("readers: [security-auditor]", "readers: [sales-consumer]");
        Governance without = GovernanceLoader.parse(text, "without-auditor.yaml");
        KafkaAccessSync.Result after = KafkaAccessSync.run(kafka, without, cfg);
        assertThat(after.passwords()).doesNotContainKey("security-auditor").hasSize(apps.size() - 1);
        assertThat(kafka.scramUsers()).doesNotContain("security-auditor").contains("finance-consumer");
        try (Admin admin = kafka.admin()) {
            assertThat(new KafkaLive(admin).permissions(List.of("security-auditor"))).isEmpty();
        }
        Map<String, String> saved = KafkaLogins.applicationPasswords(cfg);
        assertThat(saved).doesNotContainKey("security-auditor").containsEntry("finance-consumer",
                first.passwords().get("finance-consumer"));
    }
}
