package io.deptcrypt.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

class KafkaLoginTest {

    private static Optional<KafkaLogin> parse(Map<String, String> props) {
        ConfigCheck c = ConfigCheck.of(KafkaLogin.define(new ConfigDef()), ConfigProperties.of(props, "t.properties", null, null));
        Optional<KafkaLogin> login = KafkaLogin.from(c);
        c.throwIfInvalid();
        return login;
    }

    @Test
    void scramGivesTheApplicationsOwnLoginAndHidesThePassword() {
        KafkaLogin l = parse(Map.of("kafka.security.protocol", "SASL_PLAINTEXT", "kafka.sasl.username", "finance-consumer",
                "kafka.sasl.password", "hunter2hunter2")).orElseThrow();
        assertThat(l.clientProperties()).containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"finance-consumer\" password=\"hunter2hunter2\";");
        assertThat(l.toString()).doesNotContain("hunter2").contains("as finance-consumer");
    }

    @Test
    void mskIamNeedsSaslSslAndNoUser() {
        KafkaLogin l = parse(Map.of("kafka.security.protocol", "SASL_SSL", "kafka.sasl.mechanism", "AWS_MSK_IAM")).orElseThrow();
        assertThat(l.clientProperties()).containsEntry("sasl.client.callback.handler.class",
                "software.amazon.msk.auth.iam.IAMClientCallbackHandler");
        assertThatThrownBy(() -> parse(Map.of("kafka.security.protocol", "SASL_PLAINTEXT", "kafka.sasl.mechanism", "AWS_MSK_IAM",
                "kafka.sasl.username", "x"))).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("kafka.security.protocol: AWS_MSK_IAM needs SASL_SSL")
                .hasMessageContaining("kafka.sasl.username: is not used with AWS_MSK_IAM");
    }

    @Test
    void plaintextByDefaultAndEveryMismatchIsNamed() {
        assertThat(parse(Map.of()).orElseThrow().clientProperties()).containsExactly(Map.entry("security.protocol", "PLAINTEXT"));
        assertThatThrownBy(() -> parse(Map.of("kafka.sasl.username", "u"))).hasMessageContaining(
                "kafka.sasl.username: is only used with kafka.security.protocol=SASL_PLAINTEXT or SASL_SSL");
        assertThatThrownBy(() -> parse(Map.of("kafka.security.protocol", "SASL_PLAINTEXT", "kafka.sasl.username", "u")))
                .hasMessageContaining("kafka.sasl.password: is missing").hasMessageNotContaining("hunter");
        assertThatThrownBy(() -> parse(Map.of("kafka.sasl.mechanism", "GSSAPI"))).hasMessageContaining("kafka.sasl.mechanism");
    }
}
