package io.deptcrypt.iac;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.deptcrypt.consumers.DepartmentConsumerConfig;
import io.deptcrypt.topology.EncryptorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contract with topology/ and consumers/: the properties each ECS task gets (DEPTCRYPT_CONFIG in the rendered apps
 * stack, with CloudFormation's substitution done) are accepted by the apps' own parsers, which reject unknown keys.
 */
class EcsConfigAcceptedByAppsTest {

    private static final String BROKERS = "b-1.deptcrypt.example:9098,b-2.deptcrypt.example:9098";

    @TempDir
    Path tmp;

    private Path writeConfig(JsonNode resources, String taskDefinition, String governanceText) throws Exception {
        JsonNode env = resources.at("/" + taskDefinition + "/Properties/ContainerDefinitions/0/Environment");
        String config = null;
        String governance = null;
        for (JsonNode e : env) {
            switch (e.get("Name").asText()) {
                case "DEPTCRYPT_CONFIG" -> config = e.at("/Value/Fn::Sub/0").asText();
                case "DEPTCRYPT_GOVERNANCE" -> governance = e.get("Value").asText();
                default -> { }
            }
        }
        assertThat(governance).isEqualTo(governanceText);
        Path gov = tmp.resolve("governance.yaml");
        Files.writeString(gov, governance);
        // What CloudFormation and the entrypoint do: substitute the brokers, write both files.
        String text = config.replace("${BootstrapBrokers}", BROKERS)
                .replace(AppsStack.WORK_DIR + "/governance.yaml", gov.toString());
        Path file = tmp.resolve(taskDefinition + ".properties");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void encryptorAndEveryConsumerAcceptTheirRenderedProperties() throws Exception {
        String governanceText = Fixtures.withThirdDepartment();
        JsonNode resources = Documents.parseYaml(Fixtures.render(governanceText).file(IacRenderer.APPS_STACK)).get("Resources");

        EncryptorConfig encryptor = EncryptorConfig.load(writeConfig(resources, "EncryptorTaskDefinition", governanceText), name -> null);
        assertThat(encryptor.applicationId()).isEqualTo("deptcrypt-encryptor");
        assertThat(encryptor.bootstrapServers()).isEqualTo(BROKERS);
        assertThat(encryptor.kafka().streams()).containsEntry("state.dir", AppsStack.WORK_DIR + "/state");
        assertThat(encryptor.kafkaLogin().clientProperties()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "AWS_MSK_IAM")
                .containsEntry("sasl.client.callback.handler.class", "software.amazon.msk.auth.iam.IAMClientCallbackHandler")
                .containsKey("sasl.jaas.config");

        for (String[] c : new String[][] {{"FinanceConsumer", "finance-consumer", "finance"},
                {"SalesConsumer", "sales-consumer", "sales"}, {"HrConsumer", "hr-consumer", "hr"}}) {
            DepartmentConsumerConfig consumer = DepartmentConsumerConfig.load(
                    writeConfig(resources, c[0] + "TaskDefinition", governanceText), name -> null);
            assertThat(consumer.applicationId()).isEqualTo("deptcrypt-" + c[1]);
            assertThat(consumer.department()).isEqualTo(c[2]);
            assertThat(consumer.kafkaLogin().clientProperties()).containsEntry("sasl.mechanism", "AWS_MSK_IAM");
        }
    }
}
