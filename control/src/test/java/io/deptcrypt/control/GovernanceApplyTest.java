package io.deptcrypt.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.control.audit.AuditLogReader;
import io.deptcrypt.control.audit.AuditQuery;
import io.deptcrypt.control.audit.AuditRecord;
import io.deptcrypt.control.audit.AuditReport;
import io.deptcrypt.control.live.GovernanceTopic;
import io.deptcrypt.control.live.KmsLive;
import io.deptcrypt.control.live.LiveState;
import io.deptcrypt.control.live.LocalIam;
import io.deptcrypt.control.plan.Applier;
import io.deptcrypt.control.plan.ApplyException;
import io.deptcrypt.control.plan.ApplyResult;
import io.deptcrypt.control.plan.Change;
import io.deptcrypt.control.plan.Plan;
import io.deptcrypt.control.plan.Planner;
import io.deptcrypt.control.plan.Target;
import io.deptcrypt.embedded.EmbeddedKafka;
import io.deptcrypt.governance.AppliedGovernance;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.localkms.AccessKey;
import io.deptcrypt.localkms.LocalKms;
import io.deptcrypt.localkms.LocalKmsConfig;
import io.deptcrypt.policy.ExpectedAccessMatrix;
import io.deptcrypt.policy.GovernedKey;
import io.deptcrypt.policy.KeyPolicyRenderer;
import io.deptcrypt.policy.KmsAccess;
import io.deptcrypt.policy.KmsAction;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * Governance plan and apply against a real localkms and a real broker: every change kind, through the public KMS API
 * as the key admin, and the access matrix checked with every application's own credentials afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("integration")
class GovernanceApplyTest {

    static final Path CONFIG = Path.of("../config/governance.yaml");

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static LocalKms kms;
    static String text;
    static Governance governance;
    static GovernanceTopic topic;

    @BeforeAll
    static void start() throws Exception {
        text = Files.readString(CONFIG);
        governance = GovernanceLoader.parse(text, "governance.yaml");
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        kms = LocalKms.start(LocalKmsConfig.of(governance, dir.resolve("kms")));
        topic = new GovernanceTopic(governance.topics().governance(),
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        topic.ensureExists((short) 1);
    }

    @AfterAll
    static void stop() {
        if (kms != null) {
            kms.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    static KmsClient client(String application) {
        return clientOf(kms, application);
    }

    static KmsClient clientOf(LocalKms kms, String application) {
        AccessKey k = kms.credentials(application);
        return KmsClient.builder().endpointOverride(kms.endpoint()).region(Region.of(kms.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(k.accessKeyId(),
                        k.secretAccessKey()))).build();
    }

    static Plan plan(String yaml) {
        Governance g = GovernanceLoader.parse(yaml, "edited governance.yaml");
        try (KmsClient admin = client("key-admin")) {
            return Planner.plan(g, yaml, LiveState.read(g, topic, new KmsLive(admin)),
                    new Planner.Settings(KeyPolicyRenderer.Options.GOVERNANCE_ONLY, 7, true, Optional.empty()));
        }
    }

    static ApplyResult apply(String yaml) {
        Plan plan = plan(yaml);
        AccessKey k = kms.credentials("key-admin");
        LocalIam iam = new LocalIam(kms.endpoint(), kms.region(), k.accessKeyId(), k.secretAccessKey());
        try (KmsClient admin = client("key-admin")) {
            return Applier.apply(plan, new Target(admin, Optional.of(iam), Optional.empty(), topic, "key-admin", Clock.systemUTC()),
                    new PrintWriter(new StringWriter()));
        }
    }

    static String printed(Plan plan) {
        StringWriter w = new StringWriter();
        plan.print(new PrintWriter(w));
        System.out.println(w); // every plan the tests made, in target/surefire-reports/*GovernanceApplyTest-output.txt
        return w.toString();
    }

    @Test
    @Order(1)
    void theFirstApplyPutsTheRenderedPoliciesAndPublishesVersionOne() {
        Plan plan = plan(text);
        assertThat(plan.problems()).isEmpty();
        assertThat(plan.changes()).first().isInstanceOf(Change.SyncPrincipals.class);
        assertThat(plan.changes()).last().isInstanceOf(Change.PublishGovernance.class);
        ApplyResult result = apply(text);
        assertThat(result.publishedVersion()).hasValue(1);
        AppliedGovernance applied = topic.latest().orElseThrow();
        assertThat(applied.version()).isEqualTo(1);
        assertThat(applied.text()).isEqualTo(text);
        assertThat(applied.appliedBy()).isEqualTo("key-admin");
        assertThat(plan(text).upToDate()).as("a second plan has nothing to do").isTrue();
    }

    @Test
    @Order(2)
    void everyApplicationGetsExactlyTheMatrixFromTheRealKmsApiWithItsOwnCredentials() {
        List<KmsAccess.Cell> seen = new ArrayList<>();
        try (KmsClient owner = client("encryptor"); KmsClient admin = client("key-admin")) {
            KmsAccessProbe probe = new KmsAccessProbe(owner, admin);
            for (Governance.Application app : governance.applications()) {
                try (KmsClient c = client(app.name())) {
                    for (GovernedKey key : GovernedKey.of(governance)) {
                        String arn = admin.describeKey(r -> r.keyId(key.arn().toString())).keyMetadata().arn();
                        for (KmsAction action : KmsAction.values()) {
                            seen.add(new KmsAccess.Cell(app.name(), key.label(), action,
                                    probe.probe(c, app.role(), arn, key.contextValue(), action)));
                        }
                    }
                }
            }
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(ExpectedAccessMatrix.cells());
    }

    @Test
    @Order(3)
    void aReaderGrantedOpensAtOnceAndRevokedIsRefusedAtOnce() {
        SdkBytes blob;
        try (KmsClient owner = client("encryptor")) {
            blob = owner.generateDataKey(r -> r.keyId("alias/deptcrypt-finance").numberOfBytes(32)
                    .encryptionContext(Map.of("department", "finance"))).ciphertextBlob();
        }
        String granted = text.replace("readers: [finance-consumer]", "readers: [finance-consumer, security-auditor]");
        Plan plan = plan(granted);
        assertThat(printed(plan)).contains("+ security-auditor  kms:Decrypt on finance (department context only)")
                .contains("security-auditor may now open every finance record, old and new");
        assertThat(plan.changes()).extracting(c -> c.getClass().getSimpleName())
                .containsExactly("PutKeyPolicy", "PublishGovernance");
        apply(granted);
        try (KmsClient auditor = client("security-auditor")) {
            assertThat(auditor.decrypt(r -> r.ciphertextBlob(blob).encryptionContext(Map.of("department", "finance")))
                    .plaintext().asByteArray()).hasSize(32);
            assertThat(printed(plan(text))).contains("- security-auditor  kms:Decrypt on finance");
            apply(text);
            assertThatThrownBy(() -> auditor.decrypt(r -> r.ciphertextBlob(blob)
                    .encryptionContext(Map.of("department", "finance"))))
                    .isInstanceOfSatisfying(KmsException.class, e ->
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException"));
        }
        assertThat(topic.latest().orElseThrow().version()).isEqualTo(3);
    }

    @Test
    @Order(4)
    void aNewApplicationGetsCredentialsAndAsANewReaderOpensOldRecordsAtOnce() {
        SdkBytes old;
        try (KmsClient owner = client("encryptor")) {
            old = owner.generateDataKey(r -> r.keyId("alias/deptcrypt-finance").numberOfBytes(32)
                    .encryptionContext(Map.of("department", "finance"))).ciphertextBlob();
        }
        String withAnalytics = text.replace("  - name: key-admin\n", """
                  - name: finance-analytics
                    role: arn:aws:iam::111122223333:role/deptcrypt-finance-analytics
                  - name: key-admin
                """).replace("readers: [finance-consumer]", "readers: [finance-consumer, finance-analytics]");
        Plan plan = plan(withAnalytics);
        assertThat(plan.changes()).extracting(c -> c.getClass().getSimpleName())
                .containsExactly("SyncPrincipals", "PutKeyPolicy", "PublishGovernance");
        assertThat(printed(plan)).contains("+ finance-analytics (new local credentials)");
        ApplyResult result = apply(withAnalytics);
        LocalIam.Principal analytics = result.principals().orElseThrow().get("finance-analytics");
        try (KmsClient c = KmsClient.builder().endpointOverride(kms.endpoint()).region(Region.of(kms.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(analytics.accessKeyId(),
                        analytics.secretAccessKey()))).build()) {
            SdkBytes blob = old;
            assertThat(c.decrypt(r -> r.ciphertextBlob(blob).encryptionContext(Map.of("department", "finance")))
                    .plaintext().asByteArray()).hasSize(32);
            Plan back = plan(text);
            assertThat(back.changes()).extracting(x -> x.getClass().getSimpleName())
                    .containsExactly("PutKeyPolicy", "PublishGovernance", "SyncPrincipals");
            apply(text);
            assertThatThrownBy(() -> c.decrypt(r -> r.ciphertextBlob(blob).encryptionContext(Map.of("department", "finance"))))
                    .as("a removed application's local credentials stop working")
                    .isInstanceOfSatisfying(KmsException.class, e ->
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException"));
        }
    }

    static final String MARKETING = """
              - name: marketing
                key: arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-marketing
                readers: [security-auditor]
            """;

    @Test
    @Order(5)
    void aNewDepartmentGetsItsKeyAliasAndPolicyAndARetiredOneIsShreddedUntilRestored() {
        String withMarketing = text + MARKETING;
        Plan plan = plan(withMarketing);
        assertThat(plan.changes()).extracting(c -> c.getClass().getSimpleName())
                .containsExactly("CreateKey", "PublishGovernance");
        assertThat(printed(plan)).contains("new department marketing: the encryptor seals its events from version 6 on");
        apply(withMarketing);
        SdkBytes blob;
        try (KmsClient owner = client("encryptor"); KmsClient auditor = client("security-auditor")) {
            blob = owner.generateDataKey(r -> r.keyId("alias/deptcrypt-marketing").numberOfBytes(32)
                    .encryptionContext(Map.of("department", "marketing"))).ciphertextBlob();
            assertThat(auditor.decrypt(r -> r.ciphertextBlob(blob).encryptionContext(Map.of("department", "marketing")))
                    .plaintext().asByteArray()).hasSize(32);

            Plan retire = plan(text);
            assertThat(retire.changes()).extracting(c -> c.getClass().getSimpleName())
                    .containsExactly("PublishGovernance", "RetireKey");
            assertThat(printed(retire)).contains("schedule its deletion in 7 days");
            apply(text);
            try (KmsClient admin = client("key-admin")) {
                assertThat(admin.describeKey(r -> r.keyId("alias/deptcrypt-marketing")).keyMetadata().keyStateAsString())
                        .isEqualTo("PendingDeletion");
            }
            assertThatThrownBy(() -> auditor.decrypt(r -> r.ciphertextBlob(blob)
                    .encryptionContext(Map.of("department", "marketing"))))
                    .isInstanceOfSatisfying(KmsException.class, e ->
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("KMSInvalidStateException"));

            Plan restore = plan(withMarketing);
            assertThat(restore.changes()).extracting(c -> c.getClass().getSimpleName())
                    .containsExactly("RestoreKey", "PublishGovernance");
            apply(withMarketing);
            assertThat(auditor.decrypt(r -> r.ciphertextBlob(blob).encryptionContext(Map.of("department", "marketing")))
                    .plaintext().asByteArray()).hasSize(32);
        }
    }

    @Test
    @Order(6)
    void aFailedApplySaysExactlyWhatWasAndWasNotApplied() {
        String granted = text + MARKETING.replace("readers: [security-auditor]", "readers: [security-auditor, sales-consumer]");
        Plan plan = plan(granted);
        try (KmsClient notAdmin = client("sales-consumer")) {
            Target wrong = new Target(notAdmin, Optional.empty(), Optional.empty(), topic, "sales-consumer", Clock.systemUTC());
            assertThatThrownBy(() -> Applier.apply(plan, wrong, new PrintWriter(new StringWriter())))
                    .isInstanceOfSatisfying(ApplyException.class, e -> {
                        assertThat(e.applied()).isEmpty();
                        assertThat(e.notApplied()).hasSize(plan.changes().size());
                        assertThat(e.report()).contains("change 1 of 2 failed").contains("AccessDenied")
                                .contains("applied: nothing").contains("KMS key policy marketing");
                    });
        }
        assertThat(plan(granted).changes()).as("nothing changed: the same plan again").hasSize(2);
    }

    @Test
    @Order(7)
    void theAuditSaysWhoUnwrappedWhatWhoWasRefusedAndEveryPolicyChange() {
        Map<String, String> apps = new java.util.LinkedHashMap<>();
        governance.applications().forEach(a -> apps.put(a.role(), a.name()));
        Map<String, String> keys = new java.util.LinkedHashMap<>();
        governance.departmentNames().forEach(d -> keys.put(kms.keyArn(d), d));
        List<AuditRecord> records = AuditLogReader.read(kms.auditLog(), apps, keys);
        List<AuditRecord> auditorFinance = records.stream().filter(new AuditQuery(Optional.of("security-auditor"),
                Optional.of("finance"), Optional.empty(), Optional.empty(), false))
                .filter(r -> r.operation().equals("Decrypt")).toList();
        assertThat(auditorFinance).extracting(AuditRecord::decision).contains("allow", "deny");
        assertThat(auditorFinance.stream().filter(r -> r.decision().equals("allow")).findFirst().orElseThrow().time())
                .as("allowed while granted, refused after the revocation")
                .isBefore(auditorFinance.get(auditorFinance.size() - 1).time());
        assertThat(records).filteredOn(r -> r.operation().equals("PutKeyPolicy") && r.who().equals("key-admin")
                && r.decision().equals("allow")).extracting(r -> r.department().orElse("?")).contains("finance");
        assertThat(records).filteredOn(r -> r.operation().equals("PutKeyPolicy") && r.denied())
                .extracting(AuditRecord::who).contains("sales-consumer").doesNotContain("key-admin");
        assertThat(records).anyMatch(r -> r.operation().equals("ScheduleKeyDeletion") && r.who().equals("key-admin"));

        StringWriter w = new StringWriter();
        AuditReport.print(records.stream().filter(new AuditQuery(Optional.empty(), Optional.of("finance"),
                Optional.empty(), Optional.empty(), false)).toList(), "audit.log", new PrintWriter(w));
        assertThat(w.toString()).contains("data keys unwrapped (kms:Decrypt)").contains("security-auditor")
                .contains("refused calls:").contains("policy and key changes:").doesNotContain("marketing");
    }
}
