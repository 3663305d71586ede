package io.deptcrypt.iac;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.Governance.Department;
import io.deptcrypt.governance.KmsArn;
import io.deptcrypt.policy.KeyRole;
import io.deptcrypt.policy.PolicyNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * IAM identity and trust policies of each application role. Least privilege: every action is named (no
 * {@code kms:*}, {@code sqs:*} or {@code kafka-cluster:*}); KMS actions reach only the application's own keys and
 * carry the same encryption-context condition as the key policy; SQS reaches only the ingest queue; MSK IAM
 * {@code kafka-cluster:} actions reach only the cluster, topics, groups and transactional ids the application uses.
 *
 * <p>The key policies are the authority (they name each role); these identity policies repeat the grant as defence in
 * depth and document per role what it can do. Keys created by the governance stack are referred to by alias with
 * the {@code kms:ResourceAliases} condition, because their key ids are not known before the stack runs.
 */
public final class RolePolicies {

    /** MSK Connect names its internal topics and worker groups with this prefix. */
    static final String MSK_CONNECT_INTERNAL = "__amazon_msk_connect_*";

    private RolePolicies() {}

    /** The role's permissions, or empty when it needs none (an application that neither reads nor administers). */
    public static Optional<ObjectNode> permissions(Governance g, RenderSettings s, AppRole role) {
        ObjectNode p = Statements.policy(null);
        Kafka kafka = new Kafka(KeyPolicies.partition(g), g.region(), g.account(), s.clusterName());
        switch (role.kind()) {
            case ENCRYPTOR -> encryptor(g, s, role, p, kafka);
            case DEPARTMENT_READER -> departmentReader(g, s, role, p, kafka);
            case CONNECTOR -> connector(g, s, p, kafka);
            case PERSON -> person(g, s, role, p, kafka);
        }
        return p.withArray("Statement").isEmpty() ? Optional.empty() : Optional.of(p);
    }

    /** Who may assume the role: ECS tasks, MSK Connect, or principals of the account (through their own IAM). */
    public static ObjectNode trust(Governance g, AppRole role) {
        String partition = KeyPolicies.partition(g);
        ObjectNode p = Statements.policy(null);
        ObjectNode s = Documents.object();
        switch (role.kind()) {
            case ENCRYPTOR, DEPARTMENT_READER -> {
                s.put("Sid", "EcsTasksOfThisAccount").put("Effect", "Allow");
                s.putObject("Principal").put("Service", "ecs-tasks.amazonaws.com");
                s.set("Action", Documents.array("sts:AssumeRole"));
                Statements.condition(s, "StringEquals", "aws:SourceAccount", g.account());
                Statements.condition(s, "ArnLike", "aws:SourceArn",
                        "arn:" + partition + ":ecs:" + g.region() + ":" + g.account() + ":*");
            }
            case CONNECTOR -> {
                s.put("Sid", "MskConnectConnectorsOfThisAccount").put("Effect", "Allow");
                s.putObject("Principal").put("Service", "kafkaconnect.amazonaws.com");
                s.set("Action", Documents.array("sts:AssumeRole"));
                Statements.condition(s, "StringEquals", "aws:SourceAccount", g.account());
                Statements.condition(s, "ArnLike", "aws:SourceArn",
                        "arn:" + partition + ":kafkaconnect:" + g.region() + ":" + g.account() + ":connector/*");
            }
            case PERSON -> {
                // The account delegates to IAM: only principals whose own policy allows sts:AssumeRole on this role.
                s.put("Sid", "PrincipalsOfThisAccountAllowedByIam").put("Effect", "Allow");
                s.putObject("Principal").set("AWS", Documents.array("arn:" + partition + ":iam::" + g.account() + ":root"));
                s.set("Action", Documents.array("sts:AssumeRole"));
            }
        }
        Statements.add(p, s);
        return p;
    }

    /**
     * The Kafka Streams application ids (= consumer groups) an ECS application runs with, one per ECS service. A
     * reader of several departments runs one consumer per department: the first (in governance order) keeps
     * {@code <prefix>-<app>}, so granting an existing reader another department does not rename its group; the others
     * are {@code <prefix>-<app>.<department>}.
     */
    public static List<String> applicationIds(RenderSettings s, AppRole role) {
        if (role.kind() != AppRole.Kind.DEPARTMENT_READER) {
            return List.of(s.applicationId(role.name()));
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < role.reads().size(); i++) {
            ids.add(s.applicationId(role.name()) + (i == 0 ? "" : "." + role.reads().get(i).name()));
        }
        return ids;
    }

    private static void encryptor(Governance g, RenderSettings s, AppRole role, ObjectNode p, Kafka kafka) {
        for (Department d : g.departments()) {
            Statements.add(p, keyUse("EncryptFor" + AppRole.logicalName(d.name()), KeyRole.OWNER.contextBoundActions(),
                    d.key(), d.name()));
        }
        Statements.add(p, keyUse("EncryptForQuarantine", KeyRole.OWNER.contextBoundActions(), g.quarantine().key(),
                PolicyNames.QUARANTINE_DEPARTMENT));
        List<KmsArn> keys = new ArrayList<>(g.departments().stream().map(Department::key).toList());
        keys.add(g.quarantine().key());
        describeKeys(p, keys);

        String appId = s.applicationId(role.name());
        Statements.add(p, Statements.allow("ConnectToCluster", List.of("kafka-cluster:Connect",
                "kafka-cluster:DescribeCluster", "kafka-cluster:WriteDataIdempotently"), List.of(kafka.cluster())));
        Statements.add(p, Statements.allow("ReadIngestTopic", List.of("kafka-cluster:DescribeTopic",
                "kafka-cluster:ReadData"), List.of(kafka.topic(g.topics().ingest()))));
        Statements.add(p, Statements.allow("WriteSharedAndDeadLetterTopics", List.of("kafka-cluster:DescribeTopic",
                "kafka-cluster:WriteData"), List.of(kafka.topic(g.topics().shared()), kafka.topic(g.topics().deadLetter()))));
        streamsApplication(p, kafka, List.of(appId));
        // exactly_once_v2: transactional ids are <application.id>-<process>-<thread>.
        Statements.add(p, Statements.allow("OwnTransactionalIds", List.of("kafka-cluster:DescribeTransactionalId",
                "kafka-cluster:AlterTransactionalId"), List.of(kafka.transactionalId(appId + "-*"))));
    }

    private static void departmentReader(Governance g, RenderSettings s, AppRole role, ObjectNode p, Kafka kafka) {
        List<KmsArn> keys = new ArrayList<>();
        for (Department d : role.reads()) {
            Statements.add(p, keyUse("Decrypt" + AppRole.logicalName(d.name()), KeyRole.READER.contextBoundActions(), d.key(), d.name()));
            keys.add(d.key());
        }
        if (role.readsQuarantine()) {
            Statements.add(p, keyUse("DecryptQuarantine", KeyRole.READER.contextBoundActions(), g.quarantine().key(),
                    PolicyNames.QUARANTINE_DEPARTMENT));
            keys.add(g.quarantine().key());
        }
        describeKeys(p, keys);
        // Kafka Streams opens an (idempotent) producer per thread even when the topology writes nothing.
        Statements.add(p, Statements.allow("ConnectToCluster", List.of("kafka-cluster:Connect",
                "kafka-cluster:DescribeCluster", "kafka-cluster:WriteDataIdempotently"), List.of(kafka.cluster())));
        List<String> topics = new ArrayList<>(List.of(kafka.topic(g.topics().shared())));
        if (role.readsQuarantine()) {
            topics.add(kafka.topic(g.topics().deadLetter()));
        }
        Statements.add(p, Statements.allow(role.readsQuarantine() ? "ReadSharedAndDeadLetterTopics" : "ReadSharedTopic",
                List.of("kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"), topics));
        streamsApplication(p, kafka, applicationIds(s, role));
    }

    private static void connector(Governance g, RenderSettings s, ObjectNode p, Kafka kafka) {
        Statements.add(p, Statements.allow("ReceiveAndDeleteFromIngestQueue", List.of(
                "sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl",
                "sqs:ReceiveMessage"),
                List.of("arn:" + kafka.partition() + ":sqs:" + g.region() + ":" + g.account() + ":" + s.ingestQueueName())));
        Statements.add(p, Statements.allow("ConnectToCluster", List.of("kafka-cluster:Connect",
                "kafka-cluster:DescribeCluster", "kafka-cluster:WriteDataIdempotently"), List.of(kafka.cluster())));
        Statements.add(p, Statements.allow("WriteIngestTopic", List.of("kafka-cluster:DescribeTopic",
                "kafka-cluster:WriteData"), List.of(kafka.topic(g.topics().ingest()))));
        Statements.add(p, Statements.allow("MskConnectInternalTopics", List.of("kafka-cluster:CreateTopic",
                "kafka-cluster:DescribeTopic", "kafka-cluster:ReadData", "kafka-cluster:WriteData"),
                List.of(kafka.topic(MSK_CONNECT_INTERNAL))));
        Statements.add(p, Statements.allow("MskConnectWorkerGroups", List.of("kafka-cluster:AlterGroup",
                "kafka-cluster:DescribeGroup"), List.of(kafka.group(MSK_CONNECT_INTERNAL))));
    }

    private static void person(Governance g, RenderSettings s, AppRole role, ObjectNode p, Kafka kafka) {
        if (role.keyAdmin()) {
            // Listing is account-wide in KMS (no resource-level permission exists for it).
            Statements.add(p, Statements.allow("ListKeysAndAliases", List.of("kms:ListAliases", "kms:ListKeys"), List.of("*")));
            List<String> aliases = new ArrayList<>(g.departments().stream().map(Department::key)
                    .filter(k -> k.type() == KmsArn.Type.ALIAS).map(KmsArn::toString).toList());
            if (g.quarantine().key().type() == KmsArn.Type.ALIAS) {
                aliases.add(g.quarantine().key().toString());
            }
            if (!aliases.isEmpty()) {
                Statements.add(p, Statements.allow("ManageGovernanceAliases", List.of("kms:CreateAlias",
                        "kms:DeleteAlias", "kms:UpdateAlias"), aliases));
            }
        }
        if (role.readsQuarantine()) {
            Statements.add(p, keyUse("DecryptQuarantine", KeyRole.READER.contextBoundActions(), g.quarantine().key(),
                    PolicyNames.QUARANTINE_DEPARTMENT));
            describeKeys(p, List.of(g.quarantine().key()));
            Statements.add(p, Statements.allow("ConnectToCluster", List.of("kafka-cluster:Connect",
                    "kafka-cluster:DescribeCluster"), List.of(kafka.cluster())));
            Statements.add(p, Statements.allow("ReadDeadLetterTopic", List.of("kafka-cluster:DescribeTopic",
                    "kafka-cluster:ReadData"), List.of(kafka.topic(g.topics().deadLetter()))));
            String group = s.applicationId(role.name());
            Statements.add(p, Statements.allow("OwnConsumerGroups", List.of("kafka-cluster:AlterGroup",
                    "kafka-cluster:DescribeGroup"), List.of(kafka.group(group), kafka.group(group + "-*"))));
        }
    }

    /** Kafka Streams needs its consumer group and may create repartition/changelog topics named <application.id>-*. */
    private static void streamsApplication(ObjectNode p, Kafka kafka, List<String> appIds) {
        Statements.add(p, Statements.allow("OwnConsumerGroup", List.of("kafka-cluster:AlterGroup",
                "kafka-cluster:DescribeGroup"), appIds.stream().map(kafka::group).toList()));
        Statements.add(p, Statements.allow("OwnStreamsInternalTopics", List.of("kafka-cluster:CreateTopic",
                "kafka-cluster:DescribeTopic", "kafka-cluster:DescribeTopicDynamicConfiguration",
                "kafka-cluster:ReadData", "kafka-cluster:WriteData"),
                appIds.stream().map(id -> kafka.topic(id + "-*")).toList()));
    }

    /** One key, some actions, only with the department's encryption context. */
    private static ObjectNode keyUse(String sid, List<String> actions, KmsArn key, String context) {
        ObjectNode st = Statements.allow(sid, actions, List.of(iamResource(key)));
        Statements.condition(st, "StringEquals", PolicyNames.CONTEXT_CONDITION, context);
        if (key.type() == KmsArn.Type.ALIAS) {
            Statements.condition(st, "ForAnyValue:StringEquals", "kms:ResourceAliases", key.aliasName());
        }
        return st;
    }

    private static void describeKeys(ObjectNode p, List<KmsArn> keys) {
        List<String> aliases = keys.stream().filter(k -> k.type() == KmsArn.Type.ALIAS).map(KmsArn::aliasName).toList();
        List<String> keyArns = keys.stream().filter(k -> k.type() == KmsArn.Type.KEY).map(KmsArn::toString).toList();
        if (!aliases.isEmpty()) {
            ObjectNode st = Statements.allow("DescribeOwnKeysByAlias", KeyRole.READER.actions(),
                    List.of(iamResource(keys.stream().filter(k -> k.type() == KmsArn.Type.ALIAS).findFirst().orElseThrow())));
            Statements.condition(st, "ForAnyValue:StringEquals", "kms:ResourceAliases", Documents.array(aliases));
            Statements.add(p, st);
        }
        if (!keyArns.isEmpty()) {
            Statements.add(p, Statements.allow("DescribeOwnKeys", KeyRole.READER.actions(), keyArns));
        }
    }

    /** The IAM resource of a key: its ARN, or for a key known by alias any key of the account narrowed by alias. */
    static String iamResource(KmsArn key) {
        return key.type() == KmsArn.Type.KEY ? key.toString()
                : "arn:" + key.partition() + ":kms:" + key.region() + ":" + key.account() + ":key/*";
    }

    /** MSK IAM resource ARNs. The cluster UUID is not known before the cluster exists, so it is the one wildcard. */
    record Kafka(String partition, String region, String account, String clusterName) {
        private String arn(String type, String rest) {
            return "arn:" + partition + ":kafka:" + region + ":" + account + ":" + type + "/" + clusterName + "/*" + rest;
        }

        String cluster() {
            return arn("cluster", "");
        }

        String topic(String name) {
            return arn("topic", "/" + name);
        }

        String group(String name) {
            return arn("group", "/" + name);
        }

        String transactionalId(String name) {
            return arn("transactional-id", "/" + name);
        }
    }
}
