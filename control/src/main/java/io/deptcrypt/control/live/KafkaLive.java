package io.deptcrypt.control.live;

import io.deptcrypt.policy.KafkaAcls;
import io.deptcrypt.policy.KafkaOperation;
import io.deptcrypt.policy.KafkaPermission;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;

/**
 * What Kafka enforces right now, read with the Admin API as the stack's administrator: the ACLs of governance
 * principals ({@code User:<application>}) and which SCRAM users exist.
 */
public final class KafkaLive {

    private final Admin admin;

    public KafkaLive(Admin admin) {
        this.admin = admin;
    }

    public Admin admin() {
        return admin;
    }

    /** The ALLOW ACLs of these applications, as permissions (bindings deptcrypt would not write are kept as found). */
    public List<KafkaPermission> permissions(Collection<String> applications) {
        List<KafkaPermission> out = new ArrayList<>();
        for (AclBinding b : AdminCalls.await(admin.describeAcls(AclBindingFilter.ANY).values(), "describe ACLs")) {
            String principal = b.entry().principal();
            if (!principal.startsWith("User:") || b.entry().permissionType() != AclPermissionType.ALLOW) {
                continue;
            }
            String app = principal.substring("User:".length());
            if (!applications.contains(app)) {
                continue;
            }
            toPermission(app, b).ifPresent(out::add);
        }
        return out;
    }

    /** What {@link #permissions} and {@link #users} give, for a plan. */
    public record State(Set<String> users, List<KafkaPermission> permissions) {
        public State {
            users = Set.copyOf(users);
            permissions = List.copyOf(permissions);
        }
    }

    public State read(Collection<String> applications) {
        return new State(users(), permissions(applications));
    }

    /** Users with a SCRAM credential. */
    public Set<String> users() {
        return new TreeSet<>(AdminCalls.await(admin.describeUserScramCredentials().all(), "describe SCRAM users").keySet());
    }

    static Optional<KafkaPermission> toPermission(String app, AclBinding b) {
        KafkaPermission.Type type = switch (b.pattern().resourceType()) {
            case TOPIC -> KafkaPermission.Type.TOPIC;
            case GROUP -> KafkaPermission.Type.GROUP;
            case TRANSACTIONAL_ID -> KafkaPermission.Type.TRANSACTIONAL_ID;
            default -> null;
        };
        KafkaOperation op = switch (b.entry().operation()) {
            case READ -> KafkaOperation.READ;
            case WRITE -> KafkaOperation.WRITE;
            case CREATE -> KafkaOperation.CREATE;
            case DESCRIBE -> KafkaOperation.DESCRIBE;
            case DESCRIBE_CONFIGS -> KafkaOperation.DESCRIBE_CONFIGS;
            default -> null;
        };
        if (type == null || op == null || !"*".equals(b.entry().host())
                || (b.pattern().patternType() != PatternType.LITERAL && b.pattern().patternType() != PatternType.PREFIXED)) {
            return Optional.empty();
        }
        KafkaPermission p = new KafkaPermission(app, type, b.pattern().name(),
                b.pattern().patternType() == PatternType.PREFIXED, op);
        return KafkaAcls.binding(p).equals(b) ? Optional.of(p) : Optional.empty();
    }
}
