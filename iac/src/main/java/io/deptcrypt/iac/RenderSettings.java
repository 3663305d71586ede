package io.deptcrypt.iac;

import java.util.regex.Pattern;

/**
 * Deployment names the governance file does not hold but the rendered policies must name. The defaults are the
 * ones the hand-written templates in {@code iac/cloudformation/} use; change both together (a test checks that
 * the templates' parameter defaults equal these).
 *
 * @param clusterName            the MSK cluster name; IAM {@code kafka-cluster:} resources are scoped to it
 * @param ingestQueueName        the SQS queue the connector reads
 * @param connectorApplication   the governance application that runs the SQS source connector in MSK Connect
 * @param namePrefix             prefix of Kafka Streams application ids, ECS names and log groups
 *                               ({@code <prefix>-<application>})
 * @param accountAdministersKeys whether each key policy also lets the account (through IAM) administer the key,
 *                               never use it. On by default so that CloudFormation, running as an ordinary account
 *                               administrator, can update key policies (revoking a reader is such an update) and a
 *                               deleted key-admin role cannot orphan a key. Off leaves administration to the
 *                               governance {@code keyAdmins} alone; then deploy the governance stack as a key admin.
 */
public record RenderSettings(
        String clusterName,
        String ingestQueueName,
        String connectorApplication,
        String namePrefix,
        boolean accountAdministersKeys) {

    public static final String DEFAULT_CLUSTER_NAME = "deptcrypt";
    public static final String DEFAULT_INGEST_QUEUE = "deptcrypt-ingest";
    public static final String DEFAULT_CONNECTOR_APPLICATION = "sqs-connector";
    public static final String DEFAULT_NAME_PREFIX = "deptcrypt";

    private static final Pattern CLUSTER = Pattern.compile("[a-zA-Z][a-zA-Z0-9-]{0,63}");
    private static final Pattern QUEUE = Pattern.compile("[a-zA-Z0-9_-]{1,80}");
    private static final Pattern APP = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9-]{0,19}");

    public RenderSettings {
        check("cluster name", clusterName, CLUSTER, "letters, digits and '-', starting with a letter, at most 64");
        check("ingest queue name", ingestQueueName, QUEUE, "letters, digits, '-' and '_', at most 80 (a standard queue)");
        check("connector application", connectorApplication, APP, "a governance application name");
        check("name prefix", namePrefix, PREFIX, "lower-case letters, digits and '-', starting with a letter, at most 20");
    }

    public static RenderSettings defaults() {
        return new RenderSettings(DEFAULT_CLUSTER_NAME, DEFAULT_INGEST_QUEUE, DEFAULT_CONNECTOR_APPLICATION,
                DEFAULT_NAME_PREFIX, true);
    }

    public RenderSettings withAccountAdministersKeys(boolean value) {
        return new RenderSettings(clusterName, ingestQueueName, connectorApplication, namePrefix, value);
    }

    /** The Kafka Streams {@code application.id} (and consumer group) of an application: {@code <prefix>-<app>}. */
    public String applicationId(String application) {
        return namePrefix + "-" + application;
    }

    private static void check(String what, String value, Pattern pattern, String rule) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " '" + value + "' is invalid: expected " + rule);
        }
    }
}
