package io.deptcrypt.policy;

import io.deptcrypt.governance.Governance;
import java.util.Objects;

/**
 * Deployment names the Kafka permissions need and the governance file does not hold.
 *
 * @param applicationPrefix    consumer groups and transactional ids of application {@code app} start with
 *                             {@code <applicationPrefix>-<app>} (its Kafka Streams {@code application.id})
 * @param connectorApplication the governance application that runs the SQS source connector
 * @param connectInternalPrefix the Connect worker's internal topics and group start with this (the local worker:
 *                             {@code deptcrypt-connect}; MSK Connect: {@code __amazon_msk_connect_})
 */
public record KafkaNames(String applicationPrefix, String connectorApplication, String connectInternalPrefix) {

    public static final String DEFAULT_APPLICATION_PREFIX = "deptcrypt";
    public static final String DEFAULT_CONNECTOR_APPLICATION = "sqs-connector";
    public static final String LOCAL_CONNECT_PREFIX = "deptcrypt-connect";
    public static final String MSK_CONNECT_PREFIX = "__amazon_msk_connect_";

    public KafkaNames {
        Objects.requireNonNull(applicationPrefix);
        Objects.requireNonNull(connectorApplication);
        Objects.requireNonNull(connectInternalPrefix);
    }

    /** The local stack's names. */
    public static KafkaNames local() {
        return new KafkaNames(DEFAULT_APPLICATION_PREFIX, DEFAULT_CONNECTOR_APPLICATION, LOCAL_CONNECT_PREFIX);
    }

    /** {@code <applicationPrefix>-<application>}: the prefix of the application's groups and transactional ids. */
    public String applicationId(String application) {
        return applicationPrefix + "-" + application;
    }

    /** The internal topics of the Kafka Streams app of {@code applicationId}: {@code <application.id>-}. */
    public static String streamsInternalTopicPrefix(String applicationId) {
        return applicationId + "-";
    }

    /** Topics a department's readers own (sink and failure topics): {@code <department>.}. */
    public static String departmentTopicPrefix(String department) {
        return department + ".";
    }

    /** The re-drive log of the dead-letter topic: which dead letters were re-driven, exactly once. */
    /** The re-drive log's name is the dead-letter topic's with this suffix. */
    public static final String REDRIVE_LOG_SUFFIX = ".redriven";

    public static String redriveLog(Governance g) {
        return g.topics().deadLetter() + REDRIVE_LOG_SUFFIX;
    }
}
