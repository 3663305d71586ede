package io.deptcrypt.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

class KmsSettingsTest {

    static final Path GOVERNANCE = Path.of("..", "config", "governance.yaml");
    static final ConfigDef DEF = KmsSettings.define(new ConfigDef());

    static ConfigCheck check(Map<String, String> raw) {
        return ConfigCheck.of(DEF, ConfigProperties.of(raw, "kms.properties", null, null));
    }

    static Optional<Governance> governance() {
        return Optional.of(GovernanceLoader.load(GOVERNANCE));
    }

    @Test
    void nothingSetMeansTheGovernanceRegionsAwsEndpointAndTheDefaultCredentialsChain() {
        ConfigCheck c = check(Map.of());
        KmsSettings s = KmsSettings.from(c, governance()).orElseThrow();
        assertThat(c.problems()).isEmpty();
        assertThat(s.endpoint()).isEmpty();
        assertThat(s.region()).isEqualTo(governance().orElseThrow().region());
        assertThat(s.credentials()).isEmpty();
        assertThat(s.callTimeout()).isEqualTo(Duration.ofMillis(KmsSettings.CALL_TIMEOUT_MS_DEFAULT));
    }

    @Test
    void theClientUsesTheEndpointRegionStaticCredentialsAndCallTimeout() {
        ConfigCheck c = check(Map.of("kms.endpoint", "http://127.0.0.1:4599", "aws.region", "us-east-1",
                "aws.access.key.id", "AKIDTEST", "aws.secret.access.key", "s3cr3t", "aws.session.token", "t0k3n",
                "kms.call.timeout.ms", "2500"));
        KmsSettings s = KmsSettings.from(c, governance()).orElseThrow();
        assertThat(s.toString()).contains("AKIDTEST").doesNotContain("s3cr3t").doesNotContain("t0k3n");
        try (KmsClient client = s.newClient()) {
            var cfg = client.serviceClientConfiguration();
            assertThat(cfg.endpointOverride()).contains(URI.create("http://127.0.0.1:4599"));
            assertThat(cfg.region()).isEqualTo(Region.US_EAST_1);
            assertThat(cfg.overrideConfiguration().apiCallTimeout()).contains(Duration.ofMillis(2500));
            AwsCredentialsIdentity id = cfg.credentialsProvider().resolveIdentity().join();
            assertThat(id.accessKeyId()).isEqualTo("AKIDTEST");
            assertThat(id.secretAccessKey()).isEqualTo("s3cr3t");
            assertThat(id).isInstanceOfSatisfying(AwsSessionCredentials.class,
                    session -> assertThat(session.sessionToken()).isEqualTo("t0k3n"));
        }
    }

    @Test
    void incompleteCredentialsAndAnotherRegionAreProblemsWithoutShowingSecrets() {
        ConfigCheck c = check(Map.of("aws.secret.access.key", "s3cr3t", "aws.region", "eu-west-1"));
        assertThat(KmsSettings.from(c, governance())).isEmpty();
        assertThat(c.problems()).hasSize(2).anySatisfy(p -> assertThat(p).startsWith("aws.region: 'eu-west-1' differs"))
                .anySatisfy(p -> assertThat(p).startsWith("aws.access.key.id: is missing; give both"))
                .noneSatisfy(p -> assertThat(p).contains("s3cr3t"));

        ConfigCheck tokenOnly = check(Map.of("aws.session.token", "t0k3n"));
        assertThat(KmsSettings.from(tokenOnly, governance())).isEmpty();
        assertThat(tokenOnly.problems()).containsExactly("aws.session.token: needs aws.access.key.id and aws.secret.access.key");

        ConfigCheck idOnly = check(Map.of("aws.access.key.id", "AKID"));
        assertThat(KmsSettings.from(idOnly, governance())).isEmpty();
        assertThat(idOnly.problems()).singleElement().asString().startsWith("aws.secret.access.key: is missing");
    }

    @Test
    void withoutGovernanceThereIsNoSettingButTheCredentialsAreStillChecked() {
        ConfigCheck c = check(Map.of("aws.access.key.id", "AKID"));
        assertThat(KmsSettings.from(c, Optional.empty())).isEmpty();
        assertThat(c.problems()).singleElement().asString().startsWith("aws.secret.access.key: is missing");
    }

    @Test
    void perKeyRulesComeFromTheDefinition() {
        Map<String, String> raw = new HashMap<>(Map.of("kms.endpoint", "localhost:4599", "aws.region", "mars",
                "kms.call.timeout.ms", "50"));
        ConfigCheck c = check(raw);
        assertThat(KmsSettings.from(c, governance())).isEmpty();
        assertThat(c.problems()).containsExactly(
                "kms.endpoint: invalid value 'localhost:4599': must be an http:// or https:// URL with a host",
                "aws.region: invalid value 'mars': must be an AWS region such as us-east-1",
                "kms.call.timeout.ms: invalid value '50': Value must be at least 100");
    }
}
