package io.deptcrypt.policy;

import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka ACL rendering of the Kafka access matrix: one ALLOW binding per permission for principal
 * {@code User:<application>} (each application's SCRAM user is named after it), from any host.
 */
public final class KafkaAcls {

    private KafkaAcls() {}

    public static String principal(String application) {
        return "User:" + application;
    }

    public static List<AclBinding> of(KafkaAccess access) {
        return access.permissions().stream().map(KafkaAcls::binding).toList();
    }

    public static AclBinding binding(KafkaPermission p) {
        ResourceType type = switch (p.type()) {
            case TOPIC -> ResourceType.TOPIC;
            case GROUP -> ResourceType.GROUP;
            case TRANSACTIONAL_ID -> ResourceType.TRANSACTIONAL_ID;
        };
        AclOperation op = switch (p.operation()) {
            case READ -> AclOperation.READ;
            case WRITE -> AclOperation.WRITE;
            case CREATE -> AclOperation.CREATE;
            case DESCRIBE -> AclOperation.DESCRIBE;
            case DESCRIBE_CONFIGS -> AclOperation.DESCRIBE_CONFIGS;
        };
        return new AclBinding(new ResourcePattern(type, p.name(), p.prefixed() ? PatternType.PREFIXED : PatternType.LITERAL),
                new AccessControlEntry(principal(p.application()), "*", op, AclPermissionType.ALLOW));
    }
}
