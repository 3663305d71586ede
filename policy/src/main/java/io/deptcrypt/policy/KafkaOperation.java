package io.deptcrypt.policy;

/**
 * The Kafka operations the Kafka access matrix grants, named as Kafka's ACLs name them. READ and WRITE imply
 * DESCRIBE in Kafka's authorizer (and the MSK IAM rendering adds the matching Describe action).
 */
public enum KafkaOperation {
    READ,
    WRITE,
    CREATE,
    DESCRIBE,
    DESCRIBE_CONFIGS
}
