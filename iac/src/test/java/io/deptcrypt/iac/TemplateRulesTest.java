package io.deptcrypt.iac;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.deptcrypt.governance.Governance;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every template, hand-written or rendered: documented parameters, and stacks that fit together. */
class TemplateRulesTest {

    /** Stack-name parameter → the template whose exports it imports. */
    private static final Map<String, String> STACKS = Map.of(
            "NetworkStackName", "network.yaml",
            "MskStackName", "msk.yaml",
            "ArtifactsStackName", "artifacts.yaml",
            "IngestStackName", "ingest.yaml",
            "GovernanceStackName", IacRenderer.GOVERNANCE_STACK);
    private static final Pattern IMPORT = Pattern.compile("\\$\\{(\\w+StackName)}-(.+)");
    private static final Pattern EXPORT = Pattern.compile("\\$\\{AWS::StackName}-(.+)");

    private static Map<String, JsonNode> templates() {
        Map<String, JsonNode> all = new TreeMap<>(Fixtures.handWrittenTemplates());
        all.putAll(Fixtures.renderedTemplates(Fixtures.render(Fixtures.governanceText())));
        return all;
    }

    @Test
    void everyParameterHasADescription() {
        int parameters = 0;
        for (var t : templates().entrySet()) {
            assertThat(t.getValue().path("Description").asText()).as("%s: template Description", t.getKey()).isNotBlank();
            for (var p : t.getValue().path("Parameters").properties()) {
                parameters++;
                assertThat(p.getValue().path("Description").asText())
                        .as("%s: parameter %s has no Description", t.getKey(), p.getKey()).hasSizeGreaterThan(10);
            }
        }
        assertThat(parameters).isGreaterThan(40);
    }

    @Test
    void everyOutputHasADescriptionAndEveryEndpointIsOutput() {
        Map<String, JsonNode> all = templates();
        for (var t : all.entrySet()) {
            assertThat(t.getValue().path("Outputs").size()).as(t.getKey()).isPositive();
            for (var o : t.getValue().path("Outputs").properties()) {
                assertThat(o.getValue().path("Description").asText()).as("%s: output %s", t.getKey(), o.getKey()).isNotBlank();
            }
        }
        assertThat(all.get("msk.yaml").path("Outputs").has("BootstrapBrokersSaslIam")).isTrue();
        assertThat(all.get("ingest.yaml").path("Outputs").has("QueueUrl")).isTrue();
        assertThat(all.get("artifacts.yaml").path("Outputs").has("RepositoryUri")).isTrue();
        assertThat(all.get("connect.yaml").path("Outputs").has("ConnectorArn")).isTrue();
        assertThat(all.get(IacRenderer.GOVERNANCE_STACK).path("Outputs").has("FinanceKeyArn")).isTrue();
        assertThat(all.get(IacRenderer.APPS_STACK).path("Outputs").has("SalesConsumerServiceName")).isTrue();
    }

    @Test
    void everyCrossStackImportIsExportedByTheStackItNames() {
        Map<String, JsonNode> all = templates();
        Map<String, Set<String>> exports = new HashMap<>();
        all.forEach((name, t) -> {
            Set<String> names = new HashSet<>();
            for (var o : t.path("Outputs").properties()) {
                String export = o.getValue().at("/Export/Name").isObject()
                        ? o.getValue().at("/Export/Name/Fn::Sub").asText() : o.getValue().at("/Export/Name").asText();
                Matcher m = EXPORT.matcher(export);
                if (m.matches()) {
                    names.add(m.group(1));
                }
            }
            exports.put(name, names);
        });
        int imports = 0;
        for (var t : all.entrySet()) {
            Map<String, String> defaults = new HashMap<>();
            for (var p : t.getValue().path("Parameters").properties()) {
                defaults.put(p.getKey(), p.getValue().path("Default").asText());
            }
            for (String text : strings(t.getValue())) {
                Matcher m = IMPORT.matcher(text);
                if (!m.matches()) {
                    continue;
                }
                imports++;
                String stack = STACKS.get(m.group(1));
                assertThat(stack).as("%s imports from unknown stack parameter %s", t.getKey(), m.group(1)).isNotNull();
                String suffix = m.group(2);
                for (var d : defaults.entrySet()) {
                    suffix = suffix.replace("${" + d.getKey() + "}", d.getValue());
                }
                assertThat(exports.get(stack)).as("%s imports %s-%s", t.getKey(), stack, suffix).contains(suffix);
                assertThat(defaults.get(m.group(1))).as("%s: default of %s", t.getKey(), m.group(1))
                        .isEqualTo("deptcrypt-" + stack.replace(".yaml", "").replace("cloudformation/", ""));
            }
        }
        assertThat(imports).as("distinct cross-stack imports").isGreaterThanOrEqualTo(10);
    }

    @Test
    void handWrittenDefaultsEqualTheRendererSettingsAndTheGovernanceFile() {
        Map<String, JsonNode> t = Fixtures.handWrittenTemplates();
        Governance g = Fixtures.governance();
        assertThat(t.get("msk.yaml").at("/Parameters/ClusterName/Default").asText()).isEqualTo(RenderSettings.DEFAULT_CLUSTER_NAME);
        assertThat(t.get("ingest.yaml").at("/Parameters/QueueName/Default").asText()).isEqualTo(RenderSettings.DEFAULT_INGEST_QUEUE);
        assertThat(t.get("connect.yaml").at("/Parameters/ConnectorApplication/Default").asText())
                .isEqualTo(RenderSettings.DEFAULT_CONNECTOR_APPLICATION);
        assertThat(t.get("connect.yaml").at("/Parameters/IngestTopic/Default").asText()).isEqualTo(g.topics().ingest());
        assertThat(t.get("ingest.yaml").at("/Parameters/GeneratorDepartments/Default").asText())
                .isEqualTo(String.join(",", g.departmentNames()));
        JsonNode connector = t.get("connect.yaml").at("/Resources/SqsSourceConnector/Properties/ConnectorConfiguration");
        assertThat(connector.path("connector.class").asText()).isEqualTo("io.deptcrypt.connectors.sqs.SqsSourceConnector");
        assertThat(t.get("connect.yaml").at("/Parameters/PluginObjectKey/Default").asText())
                .endsWith("deptcrypt-connectors-0.1.0-SNAPSHOT-plugin.zip");
    }

    @Test
    void mskIsIamOnlyWithTlsAndACurrentKafka() {
        JsonNode cluster = Fixtures.handWrittenTemplates().get("msk.yaml").at("/Resources/Cluster/Properties");
        assertThat(cluster.at("/ClientAuthentication/Sasl/Iam/Enabled").asBoolean()).isTrue();
        assertThat(cluster.at("/ClientAuthentication/Unauthenticated/Enabled").asBoolean()).isFalse();
        assertThat(cluster.at("/ClientAuthentication/Tls").isMissingNode()).isTrue();
        assertThat(cluster.at("/EncryptionInfo/EncryptionInTransit/ClientBroker").asText()).isEqualTo("TLS");
        assertThat(cluster.at("/EncryptionInfo/EncryptionInTransit/InCluster").asBoolean()).isTrue();
        JsonNode version = Fixtures.handWrittenTemplates().get("msk.yaml").at("/Parameters/KafkaVersion");
        assertThat(version.get("Default").asText()).matches("(3\\.9|4\\.\\d)\\.x\\.kraft");
    }

    @Test
    void appsStackRunsOneServicePerWorkloadAndScalesOnLag() {
        JsonNode apps = Documents.parseYaml(Fixtures.render(Fixtures.richGovernance()).file(IacRenderer.APPS_STACK));
        JsonNode r = apps.get("Resources");
        // controller reads two departments: one service (and consumer group) per department; the first keeps plain names.
        assertThat(r.at("/ControllerService/Properties/ServiceName").asText()).isEqualTo("deptcrypt-controller");
        assertThat(r.at("/ControllerLagScalingPolicy/Properties/TargetTrackingScalingPolicyConfiguration"
                + "/CustomizedMetricSpecification/Dimensions/1/Value").asText()).isEqualTo("deptcrypt-controller");
        assertThat(r.has("ControllerFinanceService")).isFalse();
        assertThat(r.at("/ControllerSalesService/Properties/ServiceName").asText()).isEqualTo("deptcrypt-controller-sales");
        assertThat(r.at("/ControllerSalesLagScalingPolicy/Properties/TargetTrackingScalingPolicyConfiguration"
                + "/CustomizedMetricSpecification/Dimensions/1/Value").asText()).isEqualTo("deptcrypt-controller.sales");
        assertThat(r.at("/ControllerSalesScalableTarget/Properties/MaxCapacity").asInt()).isEqualTo(12);
        assertThat(r.at("/SharedTopic/Properties/PartitionCount").asInt()).isEqualTo(12);
        assertThat(r.at("/SharedTopic/Properties/TopicName").asText()).isEqualTo("all.sealed");
        assertThat(r.at("/ControllerTaskDefinition/Properties/TaskRoleArn").asText())
                .isEqualTo("arn:aws:iam::111122223333:role/team/finance/deptcrypt-controller");
        // No service for applications that do not run on ECS.
        assertThat(r.has("SqsConnectorService")).isFalse();
        assertThat(r.has("KeyAdminService")).isFalse();
        assertThat(r.has("IdleService")).isFalse();
    }

    private static Set<String> strings(JsonNode n) {
        Set<String> out = new HashSet<>();
        Fixtures.walk(n, e -> {
            if (e.isTextual()) {
                out.add(e.asText());
            }
        });
        return out;
    }
}
