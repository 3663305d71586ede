package io.deptcrypt.iac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.Governance.Department;
import java.util.ArrayList;
import java.util.List;

/**
 * The apps stack: the three Kafka topics (native {@code AWS::MSK::Topic}), the ECS cluster, and one Fargate service
 * per governance workload (the encryptor, and each reader application for each department it reads), each with its
 * log group and target-tracking auto scaling on its consumer group's MSK lag metric. The governance file itself
 * travels to the tasks in an environment variable, so granting a department needs no new image.
 */
final class AppsStack {

    /** Where the image's entrypoint writes the governance file and the app's properties (a tmpfs-like volume). */
    static final String WORK_DIR = "/tmp/deptcrypt";

    /**
     * One ECS service.
     *
     * @param logicalId     CloudFormation name fragment
     * @param serviceName   ECS service, task family and log stream name
     * @param applicationId Kafka Streams application.id = consumer group
     * @param role          the governance application it runs as
     * @param department    the department a consumer reads, or null for the encryptor
     * @param topic         the topic whose lag scales it
     */
    record Workload(String logicalId, String serviceName, String applicationId, AppRole role, Department department,
                    String topic) {}

    private AppsStack() {}

    static List<Workload> workloads(Governance g, RenderSettings s, List<AppRole> roles) {
        List<Workload> out = new ArrayList<>();
        for (AppRole role : roles) {
            if (role.kind() == AppRole.Kind.ENCRYPTOR) {
                out.add(new Workload(AppRole.logicalName(role.name()), s.applicationId(role.name()),
                        s.applicationId(role.name()), role, null, g.topics().ingest()));
            }
        }
        for (AppRole role : roles) {
            if (role.kind() != AppRole.Kind.DEPARTMENT_READER) {
                continue;
            }
            List<String> ids = RolePolicies.applicationIds(s, role);
            for (int i = 0; i < role.reads().size(); i++) {
                Department d = role.reads().get(i);
                // Like the application ids: the first department keeps the plain names (ECS names allow no '.').
                boolean first = i == 0;
                out.add(new Workload(AppRole.logicalName(role.name()) + (first ? "" : AppRole.logicalName(d.name())),
                        s.applicationId(role.name()) + (first ? "" : "-" + d.name()), ids.get(i), role, d,
                        g.topics().shared()));
            }
        }
        return out;
    }

    static ObjectNode template(Governance g, String governanceText, RenderSettings s, List<AppRole> roles) {
        ObjectNode t = Documents.object();
        t.put("AWSTemplateFormatVersion", "2010-09-09");
        t.put("Description", "deptcrypt apps: Kafka topics, ECS cluster and one Fargate service per encryptor and"
                + " department consumer, with lag-based auto scaling. Rendered from the governance file by"
                + " io.deptcrypt.iac.IacRender; do not edit.");
        ObjectNode meta = t.putObject("Metadata").putObject("deptcrypt");
        meta.put("renderedBy", "io.deptcrypt.iac.IacRender");
        meta.put("sizing", "CPU and memory are modest starting points; bench/ measures the per-record cost of sealing"
                + " and opening (./deptcrypt bench) and is what to size them from. Lag-based scaling adds tasks up to the"
                + " topic's partition count; more would idle.");
        parameters(t.putObject("Parameters"));

        ObjectNode r = t.putObject("Resources");
        ObjectNode outputs = Documents.object();
        topic(r, outputs, "IngestTopic", g.topics().ingest(), g.topics().partitions(), "IngestRetentionMs",
                "plaintext events from SQS; short retention");
        topic(r, outputs, "SharedTopic", g.topics().shared(), g.topics().partitions(), "SharedRetentionMs",
                "sealed envelopes every department reads");
        topic(r, outputs, "DeadLetterTopic", g.topics().deadLetter(), 1, "DeadLetterRetentionMs",
                "invalid input sealed under the quarantine key");

        ObjectNode cluster = r.putObject("EcsCluster");
        cluster.put("Type", "AWS::ECS::Cluster");
        ObjectNode cp = cluster.putObject("Properties");
        cp.put("ClusterName", s.namePrefix());
        cp.set("CapacityProviders", Documents.array("FARGATE"));
        cp.putArray("ClusterSettings").addObject().put("Name", "containerInsights").put("Value", "enabled");
        cp.set("Tags", tags());

        ObjectNode exec = r.putObject("TaskExecutionRole");
        exec.put("Type", "AWS::IAM::Role");
        ObjectNode ep = exec.putObject("Properties");
        ep.put("Description", "Lets ECS pull the deptcrypt image and write container logs; the apps run as their governance roles");
        ObjectNode trust = Statements.policy(null);
        ObjectNode ts = Statements.add(trust, Documents.object().put("Effect", "Allow"));
        ts.putObject("Principal").put("Service", "ecs-tasks.amazonaws.com");
        ts.set("Action", Documents.array("sts:AssumeRole"));
        Statements.condition(ts, "StringEquals", "aws:SourceAccount", Documents.ref("AWS::AccountId"));
        ep.set("AssumeRolePolicyDocument", trust);
        ep.putArray("ManagedPolicyArns").add(
                Documents.sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"));

        outputs.putObject("EcsClusterName").put("Description", "ECS cluster running the deptcrypt services")
                .set("Value", Documents.ref("EcsCluster"));
        for (Workload w : workloads(g, s, roles)) {
            service(g, governanceText, s, r, outputs, w);
        }
        t.set("Outputs", outputs);
        return t;
    }

    private static void parameters(ObjectNode p) {
        param(p, "ImageUri", "String", null, "The one deptcrypt image (repository Dockerfile) with tag, e.g."
                + " 111122223333.dkr.ecr.us-east-1.amazonaws.com/deptcrypt:<git-sha>; the artifacts stack outputs the repository URI.");
        param(p, "NetworkStackName", "String", "deptcrypt-network", "Name of the deployed network.yaml stack (its exports give the private subnets).");
        param(p, "MskStackName", "String", "deptcrypt-msk", "Name of the deployed msk.yaml stack (cluster ARN, IAM bootstrap brokers, client security group).");
        param(p, "TopicReplicationFactor", "Number", 3, "Replication factor of the three topics; at most the broker count.")
                .put("MinValue", 1);
        param(p, "IngestRetentionMs", "Number", 86400000, "Retention of the ingest topic in ms. It holds plaintext, so keep it short (default 1 day).")
                .put("MinValue", 60000);
        param(p, "SharedRetentionMs", "Number", 604800000, "Retention of the shared (sealed) topic in ms (default 7 days).")
                .put("MinValue", 60000);
        param(p, "DeadLetterRetentionMs", "Number", 1209600000, "Retention of the dead-letter topic in ms (default 14 days).")
                .put("MinValue", 60000);
        param(p, "EncryptorDesiredCount", "Number", 1, "Encryptor tasks at deploy time; auto scaling moves it between 1 and the ingest partition count.")
                .put("MinValue", 0);
        param(p, "ConsumerDesiredCount", "Number", 1, "Tasks per department consumer at deploy time; auto scaling moves it between 1 and the shared partition count.")
                .put("MinValue", 0);
        param(p, "LagTargetPerTask", "Number", 1000, "Target of the MSK SumOffsetLag metric (records behind) that target-tracking scaling holds each service at.")
                .put("MinValue", 1);
        ObjectNode ret = param(p, "LogRetentionInDays", "Number", 30, "Retention of the container log groups in days.");
        ArrayNode allowed = ret.putArray("AllowedValues");
        for (int d : new int[] {1, 3, 5, 7, 14, 30, 60, 90, 180, 365}) {
            allowed.add(d);
        }
        param(p, "CpuArchitecture", "String", "X86_64", "CPU architecture the image was built for (docker buildx --platform).")
                .set("AllowedValues", Documents.array("X86_64", "ARM64"));
    }

    private static ObjectNode param(ObjectNode params, String name, String type, Object defaultValue, String description) {
        ObjectNode p = params.putObject(name);
        p.put("Type", type);
        if (defaultValue instanceof Integer i) {
            p.put("Default", i);
        } else if (defaultValue != null) {
            p.put("Default", defaultValue.toString());
        }
        p.put("Description", description);
        return p;
    }

    private static void topic(ObjectNode r, ObjectNode outputs, String id, String name, int partitions,
                              String retentionParam, String what) {
        ObjectNode topic = r.putObject(id);
        topic.put("Type", "AWS::MSK::Topic");
        ObjectNode p = topic.putObject("Properties");
        p.set("ClusterArn", Documents.importValue("${MskStackName}-ClusterArn"));
        p.put("TopicName", name);
        p.put("PartitionCount", partitions);
        p.set("ReplicationFactor", Documents.ref("TopicReplicationFactor"));
        // The MSK topic API takes topic configs as Base64 of a JSON object of strings.
        ObjectNode configs = Documents.object();
        configs.set("Fn::Base64", Documents.sub("{\"retention.ms\": \"${" + retentionParam + "}\"}"));
        p.set("Configs", configs);
        outputs.putObject(id + "Arn").put("Description", "Topic " + name + ": " + what).set("Value", Documents.ref(id));
    }

    private static void service(Governance g, String governanceText, RenderSettings s, ObjectNode r, ObjectNode outputs,
                                Workload w) {
        boolean encryptor = w.department() == null;
        String id = w.logicalId();
        String logGroupName = "/" + s.namePrefix() + "/" + w.serviceName().substring(s.namePrefix().length() + 1);

        ObjectNode logs = r.putObject(id + "LogGroup");
        logs.put("Type", "AWS::Logs::LogGroup");
        logs.putObject("Properties").put("LogGroupName", logGroupName).set("RetentionInDays", Documents.ref("LogRetentionInDays"));

        ObjectNode task = r.putObject(id + "TaskDefinition");
        task.put("Type", "AWS::ECS::TaskDefinition");
        ObjectNode tp = task.putObject("Properties");
        tp.put("Family", w.serviceName());
        tp.set("RequiresCompatibilities", Documents.array("FARGATE"));
        tp.put("NetworkMode", "awsvpc");
        // Modest starting sizes; bench/ measures what sealing and opening cost per record (see Metadata.sizing).
        tp.put("Cpu", encryptor ? "1024" : "512");
        tp.put("Memory", encryptor ? "2048" : "1024");
        tp.putObject("RuntimePlatform").put("OperatingSystemFamily", "LINUX").set("CpuArchitecture", Documents.ref("CpuArchitecture"));
        tp.set("ExecutionRoleArn", Documents.getAtt("TaskExecutionRole", "Arn"));
        tp.put("TaskRoleArn", w.role().roleArn());
        tp.putArray("Volumes").addObject().put("Name", "work");
        ObjectNode c = tp.putArray("ContainerDefinitions").addObject();
        c.put("Name", encryptor ? "encryptor" : "consumer");
        c.set("Image", Documents.ref("ImageUri"));
        c.set("Command", Documents.array(encryptor ? "encryptor" : "consumer"));
        c.put("Essential", true);
        c.put("ReadonlyRootFilesystem", true);
        c.putArray("MountPoints").addObject().put("SourceVolume", "work").put("ContainerPath", "/tmp").put("ReadOnly", false);
        c.put("StopTimeout", 60);
        ArrayNode env = c.putArray("Environment");
        env.addObject().put("Name", "AWS_REGION").set("Value", Documents.ref("AWS::Region"));
        env.addObject().put("Name", "DEPTCRYPT_CONFIG").set("Value", properties(g, s, w));
        env.addObject().put("Name", "DEPTCRYPT_GOVERNANCE").put("Value", governanceText);
        ObjectNode log = c.putObject("LogConfiguration");
        log.put("LogDriver", "awslogs");
        ObjectNode lo = log.putObject("Options");
        lo.set("awslogs-group", Documents.ref(id + "LogGroup"));
        lo.set("awslogs-region", Documents.ref("AWS::Region"));
        lo.put("awslogs-stream-prefix", w.serviceName());

        ObjectNode svc = r.putObject(id + "Service");
        svc.put("Type", "AWS::ECS::Service");
        // The app fails fast if its topics are missing.
        svc.set("DependsOn", Documents.array("IngestTopic", "SharedTopic", "DeadLetterTopic"));
        ObjectNode sp = svc.putObject("Properties");
        sp.put("ServiceName", w.serviceName());
        sp.set("Cluster", Documents.ref("EcsCluster"));
        sp.put("LaunchType", "FARGATE");
        sp.set("DesiredCount", Documents.ref(encryptor ? "EncryptorDesiredCount" : "ConsumerDesiredCount"));
        sp.set("TaskDefinition", Documents.ref(id + "TaskDefinition"));
        sp.put("PropagateTags", "SERVICE");
        sp.put("EnableECSManagedTags", true);
        ObjectNode dc = sp.putObject("DeploymentConfiguration");
        dc.put("MinimumHealthyPercent", 100).put("MaximumPercent", 200);
        dc.putObject("DeploymentCircuitBreaker").put("Enable", true).put("Rollback", true);
        ObjectNode vpc = sp.putObject("NetworkConfiguration").putObject("AwsvpcConfiguration");
        vpc.put("AssignPublicIp", "DISABLED");
        vpc.putArray("SecurityGroups").add(Documents.importValue("${MskStackName}-ClientSecurityGroupId"));
        ObjectNode split = Documents.object();
        ArrayNode splitArgs = split.putArray("Fn::Split");
        splitArgs.add(",");
        splitArgs.add(Documents.importValue("${NetworkStackName}-PrivateSubnetIds"));
        vpc.set("Subnets", split);
        ArrayNode tags = tags();
        tags.addObject().put("Key", "deptcrypt:application").put("Value", w.role().name());
        if (!encryptor) {
            tags.addObject().put("Key", "deptcrypt:department").put("Value", w.department().name());
        }
        sp.set("Tags", tags);

        ObjectNode target = r.putObject(id + "ScalableTarget");
        target.put("Type", "AWS::ApplicationAutoScaling::ScalableTarget");
        ObjectNode stp = target.putObject("Properties");
        stp.put("ServiceNamespace", "ecs");
        stp.put("ScalableDimension", "ecs:service:DesiredCount");
        ObjectNode resourceId = Documents.object();
        ArrayNode join = resourceId.putArray("Fn::Join");
        join.add("/");
        ArrayNode parts = join.addArray();
        parts.add("service");
        parts.add(Documents.ref("EcsCluster"));
        parts.add(Documents.getAtt(id + "Service", "Name"));
        stp.set("ResourceId", resourceId);
        stp.put("MinCapacity", 1);
        stp.put("MaxCapacity", g.topics().partitions());

        ObjectNode policy = r.putObject(id + "LagScalingPolicy");
        policy.put("Type", "AWS::ApplicationAutoScaling::ScalingPolicy");
        ObjectNode pp = policy.putObject("Properties");
        pp.put("PolicyName", w.serviceName() + "-consumer-lag");
        pp.put("PolicyType", "TargetTrackingScaling");
        pp.set("ScalingTargetId", Documents.ref(id + "ScalableTarget"));
        ObjectNode tt = pp.putObject("TargetTrackingScalingPolicyConfiguration");
        tt.set("TargetValue", Documents.ref("LagTargetPerTask"));
        tt.put("ScaleInCooldown", 300);
        tt.put("ScaleOutCooldown", 60);
        ObjectNode metric = tt.putObject("CustomizedMetricSpecification");
        // MSK emits consumer lag per cluster, group and topic at its DEFAULT monitoring level.
        metric.put("Namespace", "AWS/Kafka");
        metric.put("MetricName", "SumOffsetLag");
        ArrayNode dims = metric.putArray("Dimensions");
        dims.addObject().put("Name", "Cluster Name").put("Value", s.clusterName());
        dims.addObject().put("Name", "Consumer Group").put("Value", w.applicationId());
        dims.addObject().put("Name", "Topic").put("Value", w.topic());
        metric.put("Statistic", "Average");

        outputs.putObject(id + "ServiceName").put("Description", "ECS service " + w.serviceName()
                + (encryptor ? " (encryptor)" : " (reads department " + w.department().name() + " as " + w.role().name() + ")"))
                .set("Value", Documents.getAtt(id + "Service", "Name"));
        outputs.putObject(id + "LogGroupName").put("Description", "CloudWatch log group of " + w.serviceName())
                .set("Value", Documents.ref(id + "LogGroup"));
    }

    /** The app's .properties file: what it needs on ECS with MSK IAM auth; the image's entrypoint writes it out. */
    private static JsonNode properties(Governance g, RenderSettings s, Workload w) {
        boolean encryptor = w.department() == null;
        StringBuilder text = new StringBuilder();
        text.append("# ").append(encryptor ? "encryptor" : w.role().name() + " reading " + w.department().name())
                .append(" on ECS; rendered by io.deptcrypt.iac.IacRender\n");
        text.append("governance.file=").append(WORK_DIR).append("/governance.yaml\n");
        text.append("application.id=").append(w.applicationId()).append('\n');
        if (!encryptor) {
            text.append("application.name=").append(w.role().name()).append('\n');
            text.append("department=").append(w.department().name()).append('\n');
        }
        text.append("bootstrap.servers=${BootstrapBrokers}\n");
        text.append("aws.region=").append(g.region()).append('\n');
        text.append("streams.state.dir=").append(WORK_DIR).append("/state\n");
        // KMS and MSK both use the task role through the default credential chain (no aws.access.key.id here).
        // MSK IAM: the aws-msk-iam-auth library on the app's classpath signs the SASL handshake with the task role;
        // the apps' kafka.* login keys reach every Kafka client they create.
        text.append("kafka.security.protocol=SASL_SSL\n");
        text.append("kafka.sasl.mechanism=AWS_MSK_IAM\n");
        ObjectNode sub = Documents.object();
        ArrayNode args = sub.putArray("Fn::Sub");
        args.add(text.toString());
        args.addObject().set("BootstrapBrokers", Documents.importValue("${MskStackName}-BootstrapBrokersSaslIam"));
        return sub;
    }

    private static ArrayNode tags() {
        ArrayNode tags = Documents.object().arrayNode();
        tags.addObject().put("Key", "deptcrypt:managed-by").put("Value", "iac-render");
        return tags;
    }
}
