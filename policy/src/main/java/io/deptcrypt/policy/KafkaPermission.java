package io.deptcrypt.policy;

import java.util.Locale;
import java.util.Objects;

/**
 * One allowed Kafka operation: an application may do {@code operation} on the resource of {@code type} named
 * {@code name} (or, if {@code prefixed}, on every resource whose name starts with it). Everything not allowed is
 * denied: the stack's broker runs with {@code allow.everyone.if.no.acl.found=false}, MSK with IAM access control.
 */
public record KafkaPermission(String application, Type type, String name, boolean prefixed, KafkaOperation operation) {

    /** The Kafka resource types deptcrypt grants on. */
    public enum Type { TOPIC, GROUP, TRANSACTIONAL_ID }

    public KafkaPermission {
        Objects.requireNonNull(application);
        Objects.requireNonNull(type);
        Objects.requireNonNull(name);
        Objects.requireNonNull(operation);
    }

    /** Whether this permission covers {@code operation} on the resource {@code resourceName} of {@code resourceType}. */
    public boolean covers(Type resourceType, String resourceName, KafkaOperation op) {
        if (resourceType != type || !(prefixed ? resourceName.startsWith(name) : resourceName.equals(name))) {
            return false;
        }
        return op == operation || (op == KafkaOperation.DESCRIBE
                && (operation == KafkaOperation.READ || operation == KafkaOperation.WRITE));
    }

    /** e.g. {@code finance-consumer READ topic deptcrypt.shared} or {@code ... group deptcrypt-finance-consumer*}. */
    public String describe() {
        return application + " " + operation + " " + type.name().toLowerCase(Locale.ROOT).replace('_', '-')
                + " " + name + (prefixed ? "*" : "");
    }
}
