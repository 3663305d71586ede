package io.deptcrypt.iac;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.Governance.Department;
import io.deptcrypt.governance.KmsArn;
import io.deptcrypt.policy.KafkaAccess;
import io.deptcrypt.policy.KafkaNames;
import io.deptcrypt.policy.KafkaOperation;
import io.deptcrypt.policy.KafkaPermission;
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

    /** The names the MSK deployment's Kafka permissions use: MSK Connect's internal prefix. */
    static KafkaNames kafkaNames(RenderSettings s) {
        return new KafkaNames(s.namePrefix(), s.connectorApplication(), KafkaNames.MSK_CONNECT_PREFIX);
    }

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
        kafka(p, kafka, KafkaAccess.of(g, kafkaNames(s)).of(role.name()));
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
    }

    private static void connector(Governance g, RenderSettings s, ObjectNode p, Kafka kafka) {
        Statements.add(p, Statements.allow("ReceiveAndDeleteFromIngestQueue", List.of(
                "sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl",
                "sqs:ReceiveMessage"),
                List.of("arn:" + kafka.partition() + ":sqs:" + g.region() + ":" + g.account() + ":" + s.ingestQueueName())));
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
        }
    }

    /**
     * The MSK IAM rendering of the application's row of the Kafka access matrix (the same matrix the local stack's
     * ACLs come from): one statement per kind of access, naming the topics, groups and transactional ids.
     */
    private static void kafka(ObjectNode p, Kafka kafka, List<KafkaPermission> permissions) {
        if (permissions.isEmpty()) {
            return;
        }
        boolean writes = permissions.stream().anyMatch(x -> x.type() == KafkaPermission.Type.TOPIC
                && x.operation() == KafkaOperation.WRITE);
        List<String> connect = new ArrayList<>(List.of("kafka-cluster:Connect", "kafka-cluster:DescribeCluster"));
        if (writes) {
            connect.add("kafka-cluster:WriteDataIdempotently");
        }
        Statements.add(p, Statements.allow("ConnectToCluster", connect, List.of(kafka.cluster())));
        kafkaStatement(p, "ReadTopics", List.of("kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"),
                kafka, permissions, KafkaPermission.Type.TOPIC, KafkaOperation.READ);
        kafkaStatement(p, "WriteTopics", List.of("kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"),
                kafka, permissions, KafkaPermission.Type.TOPIC, KafkaOperation.WRITE);
        kafkaStatement(p, "CreateTopics", List.of("kafka-cluster:CreateTopic"),
                kafka, permissions, KafkaPermission.Type.TOPIC, KafkaOperation.CREATE);
        kafkaStatement(p, "DescribeTopicConfigs", List.of("kafka-cluster:DescribeTopicDynamicConfiguration"),
                kafka, permissions, KafkaPermission.Type.TOPIC, KafkaOperation.DESCRIBE_CONFIGS);
        kafkaStatement(p, "OwnConsumerGroups", List.of("kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"),
                kafka, permissions, KafkaPermission.Type.GROUP, KafkaOperation.READ);
        // exactly_once_v2: transactional ids are <application.id>-<process>-<thread>.
        kafkaStatement(p, "OwnTransactionalIds", List.of("kafka-cluster:AlterTransactionalId",
                "kafka-cluster:DescribeTransactionalId"), kafka, permissions, KafkaPermission.Type.TRANSACTIONAL_ID,
                KafkaOperation.WRITE);
    }

    private static void kafkaStatement(ObjectNode p, String sid, List<String> actions, Kafka kafka,
                                       List<KafkaPermission> permissions, KafkaPermission.Type type, KafkaOperation op) {
        List<String> resources = permissions.stream().filter(x -> x.type() == type && x.operation() == op)
                .map(x -> kafka.resource(type, x.name() + (x.prefixed() ? "*" : ""))).distinct().toList();
        if (!resources.isEmpty()) {
            Statements.add(p, Statements.allow(sid, actions, resources));
        }
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

        String resource(KafkaPermission.Type type, String name) {
            return switch (type) {
                case TOPIC -> topic(name);
                case GROUP -> group(name);
                case TRANSACTIONAL_ID -> transactionalId(name);
            };
        }
    }
}
