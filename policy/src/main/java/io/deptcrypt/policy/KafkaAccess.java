package io.deptcrypt.policy;

import static io.deptcrypt.policy.KafkaOperation.CREATE;
import static io.deptcrypt.policy.KafkaOperation.DESCRIBE_CONFIGS;
import static io.deptcrypt.policy.KafkaOperation.READ;
import static io.deptcrypt.policy.KafkaOperation.WRITE;
import static io.deptcrypt.policy.KafkaPermission.Type.GROUP;
import static io.deptcrypt.policy.KafkaPermission.Type.TOPIC;
import static io.deptcrypt.policy.KafkaPermission.Type.TRANSACTIONAL_ID;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.Governance.Application;
import io.deptcrypt.governance.Governance.Department;
import io.deptcrypt.governance.Governance.Topics;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The Kafka access matrix the governance file implies, as data: which application may read or write which topic,
 * use which consumer groups and transactional ids. One matrix, two renderings: Kafka ACLs for the local stack's
 * StandardAuthorizer ({@code KafkaAcls}) and MSK IAM policies for AWS (the IaC's role policies).
 *
 * <ul>
 *   <li>the connector writes the ingest topic (and its Connect worker's internal topics and group);</li>
 *   <li>the owner (encryptor) reads the ingest topic with its group, writes the shared, dead-letter and keys topics
 *       with its transactional ids, reads the governance topic, and creates, reads and writes its own Kafka Streams
 *       internal topics ({@code <application.id>-}: the changelog of its dedupe store);</li>
 *   <li>each department reader reads the shared, keys and governance topics with its own groups and transactional
 *       ids, and owns the topics named {@code <department>.*} of the departments it reads (its sink and failure
 *       topics);</li>
 *   <li>the quarantine readers read the dead-letter topic and may re-drive dead letters into the ingest topic,
 *       exactly once (their transactional ids and the re-drive log);</li>
 *   <li>key admins publish applied governance versions on the governance topic;</li>
 *   <li>nobody else reads the ingest topic or writes the shared topic; everything not listed is denied.</li>
 * </ul>
 */
public final class KafkaAccess {

    private final List<KafkaPermission> permissions;

    private KafkaAccess(List<KafkaPermission> permissions) {
        this.permissions = List.copyOf(permissions);
    }

    public static KafkaAccess of(Governance g, KafkaNames names) {
        Topics t = g.topics();
        Set<KafkaPermission> p = new LinkedHashSet<>();
        for (Application app : g.applications()) {
            String a = app.name();
            String own = names.applicationId(a);
            boolean streamsApp = false;
            if (a.equals(names.connectorApplication())) {
                p.add(new KafkaPermission(a, TOPIC, t.ingest(), false, WRITE));
                for (KafkaOperation op : List.of(READ, WRITE, CREATE, DESCRIBE_CONFIGS)) {
                    p.add(new KafkaPermission(a, TOPIC, names.connectInternalPrefix(), true, op));
                }
                p.add(new KafkaPermission(a, GROUP, names.connectInternalPrefix(), true, READ));
            }
            if (a.equals(g.owner())) {
                p.add(new KafkaPermission(a, TOPIC, t.ingest(), false, READ));
                p.add(new KafkaPermission(a, TOPIC, t.shared(), false, WRITE));
                p.add(new KafkaPermission(a, TOPIC, t.deadLetter(), false, WRITE));
                p.add(new KafkaPermission(a, TOPIC, t.keys(), false, WRITE));
                p.add(new KafkaPermission(a, TOPIC, t.governance(), false, READ));
                // Streams names internal topics <application.id>-<store>-changelog; the consumers have none.
                for (KafkaOperation op : List.of(READ, WRITE, CREATE, DESCRIBE_CONFIGS)) {
                    p.add(new KafkaPermission(a, TOPIC, KafkaNames.streamsInternalTopicPrefix(own), true, op));
                }
                streamsApp = true;
            }
            List<Department> reads = g.departmentsReadBy(a);
            if (!reads.isEmpty()) {
                p.add(new KafkaPermission(a, TOPIC, t.shared(), false, READ));
                p.add(new KafkaPermission(a, TOPIC, t.keys(), false, READ));
                p.add(new KafkaPermission(a, TOPIC, t.governance(), false, READ));
                for (Department d : reads) {
                    for (KafkaOperation op : List.of(READ, WRITE, CREATE)) {
                        p.add(new KafkaPermission(a, TOPIC, KafkaNames.departmentTopicPrefix(d.name()), true, op));
                    }
                }
                streamsApp = true;
            }
            if (g.quarantine().readers().contains(a)) {
                p.add(new KafkaPermission(a, TOPIC, t.deadLetter(), false, READ));
                p.add(new KafkaPermission(a, TOPIC, t.governance(), false, READ));
                p.add(new KafkaPermission(a, TOPIC, t.ingest(), false, WRITE));
                p.add(new KafkaPermission(a, TOPIC, KafkaNames.redriveLog(g), false, READ));
                p.add(new KafkaPermission(a, TOPIC, KafkaNames.redriveLog(g), false, WRITE));
                streamsApp = true;
            }
            if (streamsApp) {
                p.add(new KafkaPermission(a, GROUP, own, true, READ));
                p.add(new KafkaPermission(a, TRANSACTIONAL_ID, own, true, WRITE));
            }
            if (g.keyAdmins().contains(a)) {
                p.add(new KafkaPermission(a, TOPIC, t.governance(), false, READ));
                p.add(new KafkaPermission(a, TOPIC, t.governance(), false, WRITE));
                p.add(new KafkaPermission(a, TOPIC, t.governance(), false, CREATE));
            }
        }
        return new KafkaAccess(new ArrayList<>(p));
    }

    public List<KafkaPermission> permissions() {
        return permissions;
    }

    public List<KafkaPermission> of(String application) {
        return permissions.stream().filter(p -> p.application().equals(application)).toList();
    }

    /** Whether {@code application} may do {@code op} on the named resource. */
    public boolean allows(String application, KafkaPermission.Type type, String name, KafkaOperation op) {
        return permissions.stream().anyMatch(p -> p.application().equals(application) && p.covers(type, name, op));
    }

    /** Permissions only {@code next} has (granted) and only this one has (revoked). */
    public Diff changesTo(KafkaAccess next) {
        return new Diff(next.permissions.stream().filter(x -> !permissions.contains(x)).toList(),
                permissions.stream().filter(x -> !next.permissions.contains(x)).toList());
    }

    /** What a governance change does to Kafka access. */
    public record Diff(List<KafkaPermission> granted, List<KafkaPermission> revoked) {
        public boolean isEmpty() {
            return granted.isEmpty() && revoked.isEmpty();
        }
    }
}
