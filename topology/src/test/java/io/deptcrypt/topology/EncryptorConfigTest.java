package io.deptcrypt.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.crypto.SealerConfig;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.runtime.InvalidConfigException;
import io.deptcrypt.runtime.KmsRetry;
import io.deptcrypt.runtime.StreamsAppLauncher;
import io.deptcrypt.testkit.TestGovernance;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EncryptorConfigTest {

    static final java.util.function.Function<String, String> NO_ENV = name -> null;

    @TempDir
    Path dir;

    Path write(String body) throws Exception {
        TestGovernance.copyTo(dir);
        Path f = dir.resolve("topology.properties");
        Files.writeString(f, "governance.file=governance.yaml\nbootstrap.servers=localhost:9092\n" + body);
        return f;
    }

    @Test
    void minimalFileGetsDocumentedDefaults() throws Exception {
        EncryptorConfig c = EncryptorConfig.load(write(""), NO_ENV);
        assertThat(c.applicationId()).isEqualTo("deptcrypt-encryptor");
        assertThat(c.maxEventBytes()).isEqualTo(EncryptorConfig.MAX_EVENT_BYTES_DEFAULT);
        assertThat(c.partitioning()).isEqualTo(Partitioning.EVENT_ID);
        assertThat(c.sealer()).isEqualTo(SealerConfig.defaults().withFormat(EnvelopeFormatId.AES_GCM_V2));
        assertThat(c.kms().callTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.sealer().format()).isEqualTo(EnvelopeFormatId.AES_GCM_V2);
        assertThat(c.kms().endpoint()).isEmpty();
        assertThat(c.kms().credentials()).isEmpty();
        assertThat(c.kms().region()).isEqualTo("us-east-1");
        assertThat(c.kmsRetry()).isEqualTo(KmsRetry.defaults());
        assertThat(c.governance().departmentNames()).containsExactly("finance", "sales");
        assertThat(c.dedupe()).isEqualTo(new DedupeSettings(Duration.ofHours(1), DedupeStore.PERSISTENT));
        assertThat(c.dedupe()).isEqualTo(DedupeSettings.DEFAULT);
    }

    @Test
    void dedupeWindowZeroTurnsDeduplicationOffAndTheStoreIsChosen() throws Exception {
        EncryptorConfig off = EncryptorConfig.load(write("dedupe.window.ms=0\n"), NO_ENV);
        assertThat(off.dedupe().enabled()).isFalse();
        EncryptorConfig memory = EncryptorConfig.load(write("dedupe.window.ms=5000\ndedupe.store=IN_MEMORY\n"), NO_ENV);
        assertThat(memory.dedupe()).isEqualTo(new DedupeSettings(Duration.ofSeconds(5), DedupeStore.IN_MEMORY));
        assertThat(memory.withBootstrapServers("other:9092").dedupe()).isEqualTo(memory.dedupe());
        assertThat(memory.withDedupe(DedupeSettings.OFF).dedupe().enabled()).isFalse();
    }

    @Test
    void everyKeyIsReadAndEnvironmentReferencesAreExpanded() throws Exception {
        Path f = write("""
                application.id=enc-1
                kms.endpoint=${KMS}
                aws.region=us-east-1
                aws.access.key.id=${ID}
                aws.secret.access.key=${SECRET}
                aws.session.token=${TOKEN:-}
                max.event.bytes=1000
                envelope.format=esdk_message_v1
                data.key.max.records=10
                data.key.max.age.ms=60000
                kms.retry.initial.ms=5
                kms.retry.max.ms=50
                kms.call.timeout.ms=2000
                streams.num.stream.threads=2
                producer.acks=all
                consumer.fetch.min.bytes=1
                """);
        EncryptorConfig c = EncryptorConfig.load(f, Map.of("KMS", "http://127.0.0.1:4599", "ID", "AKIDTEST",
                "SECRET", "s3cr3t-value")::get);
        assertThat(c.applicationId()).isEqualTo("enc-1");
        assertThat(c.kms().endpoint()).contains(URI.create("http://127.0.0.1:4599"));
        assertThat(c.kms().credentials()).hasValueSatisfying(cr -> {
            assertThat(cr.accessKeyId()).isEqualTo("AKIDTEST");
            assertThat(cr.secretAccessKey()).isEqualTo("s3cr3t-value");
            assertThat(cr.sessionToken()).isEmpty();
        });
        assertThat(c.kms().callTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.maxEventBytes()).isEqualTo(1000);
        assertThat(c.sealer().format()).isEqualTo(EnvelopeFormatId.ESDK_MESSAGE_V1);
        assertThat(c.sealer().maxRecordsPerDataKey()).isEqualTo(10);
        assertThat(c.sealer().maxDataKeyAge()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.kmsRetry()).isEqualTo(new KmsRetry(Duration.ofMillis(5), Duration.ofMillis(50)));
        assertThat(c.kafka().streams()).containsEntry("num.stream.threads", "2");
        assertThat(c.kafka().producer()).containsEntry("acks", "all");
        assertThat(c.kafka().consumer()).containsEntry("fetch.min.bytes", "1");
        assertThat(c.toString()).doesNotContain("s3cr3t-value");
        try (var client = c.kms().newClient()) {
            assertThat(client.serviceClientConfiguration().endpointOverride()).contains(URI.create("http://127.0.0.1:4599"));
        }
    }

    @Test
    void theShippedConfigFileIsValid() {
        Path shipped = Path.of("..", "config", "topology.properties");
        EncryptorConfig c = EncryptorConfig.load(shipped, Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092",
                "KMS_ENDPOINT", "http://127.0.0.1:4599", "ENCRYPTOR_AWS_ACCESS_KEY_ID", "AKID",
                "ENCRYPTOR_AWS_SECRET_ACCESS_KEY", "secret")::get);
        assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:19092");
        assertThat(c.governance().source()).endsWith("governance.yaml");
        assertThat(c.kms().credentials()).isPresent();
        // Without the environment: local defaults, real AWS endpoint, default credentials chain.
        EncryptorConfig bare = EncryptorConfig.load(shipped, NO_ENV);
        assertThat(bare.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(bare.kms().endpoint()).isEmpty();
        assertThat(bare.kms().credentials()).isEmpty();
    }

    @Test
    void unsetEnvironmentVariableIsAnErrorNamingTheKeyAndTheVariable() throws Exception {
        Path f = write("aws.access.key.id=${ENCRYPTOR_AWS_ACCESS_KEY_ID}\naws.secret.access.key=x\n");
        assertThatThrownBy(() -> EncryptorConfig.load(f, NO_ENV))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("aws.access.key.id")
                .hasMessageContaining("ENCRYPTOR_AWS_ACCESS_KEY_ID is not set");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown key            | max.events.bytes=5                     | max.events.bytes: unknown key",
            "bad number             | max.event.bytes=lots                   | max.event.bytes: invalid value 'lots': Not a number of type INT",
            "number out of range    | max.event.bytes=0                      | max.event.bytes: invalid value '0': Value must be at least 1",
            "bad format             | envelope.format=ROT13                  | envelope.format: invalid value 'ROT13': must be one of AES_GCM_V1, ESDK_MESSAGE_V1, AES_GCM_V2",
            "bad partitioning       | shared.partitioning=RANDOM             | shared.partitioning: invalid value 'RANDOM': must be one of EVENT_ID, DEPARTMENT",
            "bad endpoint           | kms.endpoint=localhost:4599            | kms.endpoint: invalid value 'localhost:4599': must be an http",
            "bad region             | aws.region=mars                        | aws.region: invalid value 'mars': must be an AWS region",
            "timeout out of range   | kms.call.timeout.ms=5                  | kms.call.timeout.ms: invalid value '5': Value must be at least 100",
            "other region           | aws.region=eu-west-1                   | aws.region: 'eu-west-1' differs from the governance region",
            "id without secret      | aws.access.key.id=AKID                 | aws.secret.access.key: is missing",
            "unknown kafka setting  | streams.num.stream.thread=2            | streams.num.stream.thread: 'num.stream.thread' is not a Kafka Streams setting",
            "unknown producer key   | producer.max.poll.records=5            | producer.max.poll.records: 'max.poll.records' is not a Kafka producer setting",
            "managed kafka setting  | streams.bootstrap.servers=x:1          | streams.bootstrap.servers: set it with 'bootstrap.servers' instead",
            "managed consumer key   | consumer.application.id=x              | consumer.application.id: set it with 'application.id' instead",
            "bad reference          | application.id=${not valid}            | application.id: '${not valid}' is not a valid environment reference",
            "unterminated reference | application.id=${OOPS                  | application.id: unterminated",
            "bad application id     | application.id=a b                     | application.id: invalid value 'a b': must be 1-200 of",
            "retry max below initial| kms.retry.initial.ms=100\\nkms.retry.max.ms=10 | kms.retry.max.ms: 10 is below",
            "negative dedupe window | dedupe.window.ms=-1                    | dedupe.window.ms: invalid value '-1': Value must be at least 0",
            "dedupe window too long | dedupe.window.ms=604800001             | dedupe.window.ms: invalid value '604800001': Value must be no more than 604800000",
            "bad dedupe store       | dedupe.store=REDIS                     | dedupe.store: invalid value 'REDIS': must be one of PERSISTENT, IN_MEMORY"})
    void badValuesAreErrorsNamingTheFileAndTheKey(String name, String line, String expected) throws Exception {
        Path f = write(line.replace("\\n", "\n") + "\n");
        assertThatThrownBy(() -> EncryptorConfig.load(f, NO_ENV))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith(f.toString() + ": ")
                .hasMessageContaining(expected);
    }

    @Test
    void secretValuesAreNotRepeatedInErrors() throws Exception {
        Path f = write("aws.secret.access.key=hunter2\naws.session.token=s3ss10n${en\nstreams.sasl.jaas.config=${jaas secret}\n");
        assertThatThrownBy(() -> EncryptorConfig.load(f, NO_ENV))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("aws.access.key.id: is missing")
                .hasMessageContaining("aws.session.token: unterminated")
                .hasMessageContaining("streams.sasl.jaas.config: the value is not a valid environment reference")
                .hasMessageNotContaining("hunter2").hasMessageNotContaining("s3ss10n").hasMessageNotContaining("jaas secret");
    }

    @Test
    void everyProblemOfAFileIsReportedAtOnceCrossKeyRulesIncluded() throws Exception {
        Path f = write("""
                max.event.bytes=lots
                envelope.format=ROT13
                colour=blue
                aws.region=eu-west-1
                kms.retry.initial.ms=100
                kms.retry.max.ms=10
                producer.max.poll.records=5
                """);
        assertThatThrownBy(() -> EncryptorConfig.load(f, NO_ENV))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith(f + ": 6 problems:\n")
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems()).containsExactly(
                        "max.event.bytes: invalid value 'lots': Not a number of type INT",
                        "envelope.format: invalid value 'ROT13': must be one of AES_GCM_V1, ESDK_MESSAGE_V1, AES_GCM_V2 (any case)",
                        "aws.region: 'eu-west-1' differs from the governance region us-east-1 (" + dir.resolve("governance.yaml") + ")",
                        "kms.retry.max.ms: 10 is below kms.retry.initial.ms (100)",
                        "producer.max.poll.records: 'max.poll.records' is not a Kafka producer setting",
                        "colour: unknown key").hasSize(6))
                .hasMessageContaining("(misspelt? known keys: ");
    }

    @Test
    void aRetryCeilingBelowTheFirstWaitIsRaisedWhenNotSet() throws Exception {
        EncryptorConfig c = EncryptorConfig.load(write("kms.retry.initial.ms=8000\n"), NO_ENV);
        assertThat(c.kmsRetry()).isEqualTo(new KmsRetry(Duration.ofSeconds(8), Duration.ofSeconds(8)));
    }

    @Test
    void missingRequiredKeysAndBadGovernanceAreNamed() throws Exception {
        Path f = dir.resolve("t.properties");
        Files.writeString(f, "governance.file=governance.yaml\n");
        assertThatThrownBy(() -> EncryptorConfig.load(f, NO_ENV))
                .hasMessageStartingWith(f + ": 2 problems:")
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems())
                        .anySatisfy(p -> assertThat(p).startsWith("governance.file: ").contains("file not found"))
                        .contains("bootstrap.servers: is missing"));
        Files.writeString(dir.resolve("governance.yaml"), "account: 1\n");
        assertThatThrownBy(() -> EncryptorConfig.load(f, NO_ENV))
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems())
                        .anySatisfy(p -> assertThat(p).startsWith("governance.file: ").contains("account")));
        TestGovernance.copyTo(dir);
        assertThatThrownBy(() -> EncryptorConfig.load(f, NO_ENV))
                .hasMessage(f + ": bootstrap.servers: is missing");
        assertThatThrownBy(() -> EncryptorConfig.load(dir.resolve("nope.properties"), NO_ENV))
                .hasMessageContaining("nope.properties: file not found");
    }

    @Test
    void cliExitsWithCode2AndAClearMessageOnBadConfiguration() throws Exception {
        Path f = write("colour=blue\n");
        StringWriter err = new StringWriter();
        int code = new EncryptorCli().run(new PrintWriter(new StringWriter()), new PrintWriter(err), "--config", f.toString());
        assertThat(code).isEqualTo(StreamsAppLauncher.EXIT_CONFIG);
        assertThat(err.toString()).contains("deptcrypt-topology: " + f + ": colour: unknown key");

        StringWriter usage = new StringWriter();
        assertThat(new EncryptorCli().run(new PrintWriter(new StringWriter()), new PrintWriter(usage))).isEqualTo(2);
        assertThat(usage.toString()).contains("--config");
    }

    @Test
    void embeddersCanPassAMapAndTheirOwnEnvironment() throws Exception {
        Path gov = TestGovernance.file();
        EncryptorConfig c = EncryptorConfig.of(Map.of("governance.file", gov.getFileName().toString(),
                "bootstrap.servers", "${BOOT}"), "devstack", gov.getParent(), Map.of("BOOT", "127.0.0.1:1")::get);
        assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:1");
        assertThat(c.withBootstrapServers("b:2").bootstrapServers()).isEqualTo("b:2");
        assertThat(c.source()).isEqualTo("devstack");
        assertThat(Optional.of(c.governance().owner())).contains("encryptor");
    }
}
