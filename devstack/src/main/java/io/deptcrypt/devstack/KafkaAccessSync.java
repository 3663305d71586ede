package io.deptcrypt.devstack;

import io.deptcrypt.control.live.KafkaLive;
import io.deptcrypt.control.plan.Applier;
import io.deptcrypt.control.plan.ApplyResult;
import io.deptcrypt.control.plan.Plan;
import io.deptcrypt.control.plan.Planner;
import io.deptcrypt.control.plan.Target;
import io.deptcrypt.embedded.EmbeddedKafka;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.policy.KafkaAccess;
import io.deptcrypt.policy.KafkaNames;
import io.deptcrypt.policy.KafkaPermission;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the broker's SCRAM users and ACLs in step with the governance file when the stack starts, with the control
 * plane's own planner and applier (the Kafka part of {@code ./deptcrypt governance apply}): every governance
 * application gets its user ({@code User:<application>}) and exactly the ACLs of the Kafka access matrix; users of
 * applications the file no longer has go. Passwords the last start saved are kept, new users get generated ones.
 */
final class KafkaAccessSync {

    private static final Duration PROPAGATION_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(KafkaAccessSync.class);

    /** Each application's password, in governance order, and what the sync changed. */
    record Result(Map<String, String> passwords, int changes, int acls) {}

    private KafkaAccessSync() {}

    static Result run(EmbeddedKafka kafka, Governance g, StackConfig cfg) {
        Map<String, String> saved = KafkaLogins.applicationPasswords(cfg);
        List<String> wanted = g.applications().stream().map(Governance.Application::name).toList();
        List<String> former = saved.keySet().stream().filter(a -> !wanted.contains(a)).toList();
        Set<String> apps = new LinkedHashSet<>(wanted);
        apps.addAll(former);
        List<KafkaPermission> desired = KafkaAccess.of(g, KafkaNames.local()).permissions();
        ApplyResult result;
        try (Admin admin = kafka.admin()) {
            KafkaLive live = new KafkaLive(admin);
            Plan plan = Planner.planKafka(g, former, live.read(apps), KafkaNames.local(), saved.keySet());
            StringWriter log = new StringWriter();
            result = Applier.apply(plan, Target.kafkaOnly(admin, "devstack"), new PrintWriter(log));
            if (!plan.changes().isEmpty()) {
                LOG.info("Kafka users and ACLs brought in step with {}:\n{}", g.source(), log);
            }
            awaitAcls(live, wanted, desired);
        }
        Map<String, String> passwords = new LinkedHashMap<>();
        for (String app : wanted) {
            String pw = result.kafkaPasswords().getOrDefault(app, saved.get(app));
            passwords.put(app, pw);
        }
        KafkaLogins.saveApplicationPasswords(cfg, passwords);
        result.kafkaPasswords().forEach((user, pw) -> awaitLogin(kafka, user, pw));
        return new Result(passwords, result.applied().size(), desired.size());
    }

    /** The broker's authorizer learns ACLs from the metadata log a moment after the controller committed them. */
    private static void awaitAcls(KafkaLive live, List<String> apps, List<KafkaPermission> desired) {
        long deadline = System.nanoTime() + PROPAGATION_TIMEOUT.toNanos();
        while (!new HashSet<>(live.permissions(apps)).containsAll(desired)) {
            if (System.nanoTime() > deadline) {
                throw new StackException("the broker does not show the ACLs rendered from governance "
                        + PROPAGATION_TIMEOUT + " after they were added");
            }
            pause();
        }
    }

    /** Likewise SCRAM credentials: an app must not start before the broker accepts its new password. */
    private static void awaitLogin(EmbeddedKafka kafka, String user, String password) {
        long deadline = System.nanoTime() + PROPAGATION_TIMEOUT.toNanos();
        List<String> failures = new ArrayList<>();
        while (true) {
            Map<String, Object> p = kafka.clientProperties(user, password);
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
            p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000);
            try (Admin probe = Admin.create(p)) {
                probe.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StackException("interrupted while waiting for the broker", e);
            } catch (Exception e) {
                failures.add(e.getClass().getSimpleName());
            }
            if (System.nanoTime() > deadline) {
                throw new StackException("the broker still refuses Kafka user " + user + " " + PROPAGATION_TIMEOUT
                        + " after its password was set (" + failures.get(failures.size() - 1) + ")");
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100); // polling interval; the loops' conditions decide
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while waiting for the broker", e);
        }
    }
}
