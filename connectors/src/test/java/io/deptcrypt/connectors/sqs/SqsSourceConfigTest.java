package io.deptcrypt.connectors.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.connectors.sqs.SqsSourceConfig.CredentialsMode;
import io.deptcrypt.connectors.sqs.SqsSourceConfig.DroppedRecordAction;
import io.deptcrypt.connectors.sqs.SqsSourceConfig.KeyMode;
import io.deptcrypt.connectors.sqs.SqsSourceConfig.ValueFormat;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SqsSourceConfigTest {

    static final String STD = "https://sqs.eu-west-1.amazonaws.com/111122223333/orders";
    static final String FIFO = "https://sqs.eu-west-1.amazonaws.com/111122223333/orders.fifo";

    static Map<String, String> minimal() {
        Map<String, String> p = new HashMap<>();
        p.put("sqs.queue.urls", STD);
        p.put("topic", "ingest");
        return p;
    }

    static Map<String, String> with(String... kv) {
        Map<String, String> p = minimal();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) {
                p.remove(kv[i]);
            } else {
                p.put(kv[i], kv[i + 1]);
            }
        }
        return p;
    }

    @Test
    void defaults() {
        SqsSourceConfig c = SqsSourceConfig.parse(minimal());
        assertThat(c.queues()).containsExactly(new SqsQueue(STD, "orders", false));
        assertThat(c.topic()).isEqualTo("ingest");
        assertThat(c.effectiveRegion()).contains("eu-west-1"); // from the queue URL host
        assertThat(c.endpointUrl()).isEmpty();
        assertThat(c.credentialsMode()).isEqualTo(CredentialsMode.DEFAULT);
        assertThat(c.maxMessages()).isEqualTo(10);
        assertThat(c.waitTimeSeconds()).isEqualTo(20);
        assertThat(c.visibilityTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.receivers()).isEqualTo(4);
        assertThat(c.bufferMaxMessages()).isEqualTo(1000);
        assertThat(c.pollMaxRecords()).isEqualTo(500);
        assertThat(c.keyMode()).isEqualTo(KeyMode.AUTO);
        assertThat(c.valueFormat()).isEqualTo(ValueFormat.STRING);
        assertThat(c.messageAttributes()).isEmpty();
        assertThat(c.droppedRecordAction()).isEqualTo(DroppedRecordAction.KEEP);
        assertThat(c.deleteMaxAttempts()).isEqualTo(5);
        assertThat(c.retryBackoff()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void parsesEveryOption() {
        SqsSourceConfig c = SqsSourceConfig.parse(with(
                "sqs.queue.urls", STD + " , " + FIFO,
                "sqs.region", "us-west-2",
                "sqs.endpoint.url", "http://127.0.0.1:9324",
                "sqs.credentials.provider", "Assume-Role",
                "sqs.access.key.id", "AKIDEXAMPLE",
                "sqs.secret.access.key", "secret",
                "sqs.session.token", "token",
                "sqs.assume.role.arn", "arn:aws:iam::111122223333:role/sqs-reader",
                "sqs.assume.role.session.name", "reader",
                "sqs.assume.role.external.id", "ext-1",
                "sqs.sts.endpoint.url", "https://sts.us-west-2.amazonaws.com",
                "sqs.max.messages", "5",
                "sqs.wait.time.seconds", "0",
                "sqs.visibility.timeout.seconds", "60",
                "sqs.receivers", "8",
                "sqs.buffer.max.messages", "200",
                "sqs.poll.max.records", "100",
                "sqs.record.key", "attribute",
                "sqs.record.key.attribute", "tenant",
                "sqs.record.value.format", "BYTES",
                "sqs.message.attributes", "tenant,kind",
                "sqs.attribute.header.prefix", "attr.",
                "sqs.dropped.records", "release",
                "sqs.delete.max.attempts", "3",
                "sqs.retry.backoff.ms", "100"));
        assertThat(c.queues()).extracting(SqsQueue::fifo).containsExactly(false, true);
        assertThat(c.effectiveRegion()).contains("us-west-2");
        assertThat(c.endpointUrl()).hasValueSatisfying(u -> assertThat(u.getPort()).isEqualTo(9324));
        assertThat(c.credentialsMode()).isEqualTo(CredentialsMode.ASSUME_ROLE);
        assertThat(c.accessKeyId()).contains("AKIDEXAMPLE");
        assertThat(c.secretAccessKey()).contains("secret");
        assertThat(c.sessionToken()).contains("token");
        assertThat(c.assumeRoleArn()).contains("arn:aws:iam::111122223333:role/sqs-reader");
        assertThat(c.assumeRoleSessionName()).isEqualTo("reader");
        assertThat(c.assumeRoleExternalId()).contains("ext-1");
        assertThat(c.stsEndpointUrl()).isPresent();
        assertThat(c.maxMessages()).isEqualTo(5);
        assertThat(c.waitTimeSeconds()).isZero();
        assertThat(c.visibilityTimeout()).hasSeconds(60);
        assertThat(c.receivers()).isEqualTo(8);
        assertThat(c.bufferMaxMessages()).isEqualTo(200);
        assertThat(c.pollMaxRecords()).isEqualTo(100);
        assertThat(c.keyMode()).isEqualTo(KeyMode.ATTRIBUTE);
        assertThat(c.keyAttribute()).contains("tenant");
        assertThat(c.valueFormat()).isEqualTo(ValueFormat.BYTES);
        assertThat(c.messageAttributes()).containsExactly("tenant", "kind");
        assertThat(c.attributeHeaderPrefix()).isEqualTo("attr.");
        assertThat(c.droppedRecordAction()).isEqualTo(DroppedRecordAction.RELEASE);
        assertThat(c.deleteMaxAttempts()).isEqualTo(3);
        assertThat(c.retryBackoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.toString()).doesNotContain("secret").doesNotContain("token=token");
    }

    @Test
    void allAttributesWins() {
        assertThat(SqsSourceConfig.parse(with("sqs.message.attributes", "a,all")).messageAttributes()).containsExactly("All");
    }

    /** Every bad config: the offending field and a fragment of the message. */
    static Stream<Arguments> badConfigs() {
        return Stream.of(
                Arguments.of(with("sqs.queue.urls", null), "sqs.queue.urls"),
                Arguments.of(with("sqs.queue.urls", ""), "sqs.queue.urls"),
                Arguments.of(with("sqs.queue.urls", "ftp://host/1/q"), "sqs.queue.urls"),
                Arguments.of(with("sqs.queue.urls", "https://sqs.eu-west-1.amazonaws.com/"), "sqs.queue.urls"),
                Arguments.of(with("sqs.queue.urls", STD + "," + STD), "sqs.queue.urls"),
                Arguments.of(with("topic", null), "topic"),
                Arguments.of(with("topic", "bad topic!"), "topic"),
                Arguments.of(with("sqs.region", "Europe"), "sqs.region"),
                Arguments.of(with("sqs.endpoint.url", "localhost:9324"), "sqs.endpoint.url"),
                Arguments.of(with("sqs.sts.endpoint.url", "not a url"), "sqs.sts.endpoint.url"),
                Arguments.of(with("sqs.credentials.provider", "magic"), "sqs.credentials.provider"),
                Arguments.of(with("sqs.assume.role.arn", "role/x"), "sqs.assume.role.arn"),
                Arguments.of(with("sqs.assume.role.session.name", "x"), "sqs.assume.role.session.name"),
                Arguments.of(with("sqs.max.messages", "0"), "sqs.max.messages"),
                Arguments.of(with("sqs.max.messages", "11"), "sqs.max.messages"),
                Arguments.of(with("sqs.max.messages", "ten"), "sqs.max.messages"),
                Arguments.of(with("sqs.wait.time.seconds", "21"), "sqs.wait.time.seconds"),
                Arguments.of(with("sqs.wait.time.seconds", "-1"), "sqs.wait.time.seconds"),
                Arguments.of(with("sqs.visibility.timeout.seconds", "1"), "sqs.visibility.timeout.seconds"),
                Arguments.of(with("sqs.visibility.timeout.seconds", "43201"), "sqs.visibility.timeout.seconds"),
                Arguments.of(with("sqs.receivers", "0"), "sqs.receivers"),
                Arguments.of(with("sqs.receivers", "65"), "sqs.receivers"),
                Arguments.of(with("sqs.buffer.max.messages", "9"), "sqs.buffer.max.messages"),
                Arguments.of(with("sqs.poll.max.records", "0"), "sqs.poll.max.records"),
                Arguments.of(with("sqs.record.key", "body"), "sqs.record.key"),
                Arguments.of(with("sqs.record.value.format", "json"), "sqs.record.value.format"),
                Arguments.of(with("sqs.message.attributes", "ok,bad name"), "sqs.message.attributes"),
                Arguments.of(with("sqs.dropped.records", "ignore"), "sqs.dropped.records"),
                Arguments.of(with("sqs.delete.max.attempts", "0"), "sqs.delete.max.attempts"),
                Arguments.of(with("sqs.retry.backoff.ms", "5"), "sqs.retry.backoff.ms"),
                // cross-field rules
                Arguments.of(with("sqs.credentials.provider", "static", "sqs.secret.access.key", "s"), "sqs.access.key.id"),
                Arguments.of(with("sqs.credentials.provider", "static", "sqs.access.key.id", "AKID"), "sqs.secret.access.key"),
                Arguments.of(with("sqs.credentials.provider", "assume-role"), "sqs.assume.role.arn"),
                Arguments.of(with("sqs.credentials.provider", "assume-role", "sqs.assume.role.arn",
                        "arn:aws:iam::111122223333:role/r", "sqs.access.key.id", "AKID"), "sqs.secret.access.key"),
                Arguments.of(with("sqs.access.key.id", "AKID"), "sqs.access.key.id"),
                Arguments.of(with("sqs.assume.role.arn", "arn:aws:iam::111122223333:role/r"), "sqs.assume.role.arn"),
                Arguments.of(with("sqs.record.key", "group-id"), "sqs.record.key"),
                Arguments.of(with("sqs.record.key", "attribute"), "sqs.record.key.attribute"),
                Arguments.of(with("sqs.record.key", "attribute", "sqs.record.key.attribute", "bad name"), "sqs.record.key.attribute"));
    }

    @ParameterizedTest
    @MethodSource("badConfigs")
    void refusesBadConfigNamingTheField(Map<String, String> props, String field) {
        assertThatThrownBy(() -> SqsSourceConfig.parse(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(field);
        // The connector's validate() attaches the error to that field.
        List<ConfigValue> values = new SqsSourceConnector().validate(props).configValues();
        assertThat(values).filteredOn(v -> v.name().equals(field))
                .singleElement()
                .satisfies(v -> assertThat(v.errorMessages()).isNotEmpty());
    }

    @Test
    void reportsEveryInvalidKeyAtOnce() {
        Map<String, String> props = with(
                "topic", null,                                   // missing
                "sqs.max.messages", "11",                        // out of range
                "sqs.region", "Europe",                          // not a region
                "sqs.credentials.provider", "static",            // cross-field: no secret
                "sqs.access.key.id", "AKID",
                "sqs.record.key", "attribute");                  // cross-field: no attribute
        List<String> fields = List.of("topic", "sqs.max.messages", "sqs.region", "sqs.secret.access.key",
                "sqs.record.key.attribute");

        assertThatThrownBy(() -> SqsSourceConfig.parse(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid SQS source connector configuration (5 problems): ")
                .satisfies(e -> fields.forEach(f -> assertThat(e.getMessage()).contains(f + ": ")));
        List<ConfigValue> values = new SqsSourceConnector().validate(props).configValues();
        assertThat(values).filteredOn(v -> !v.errorMessages().isEmpty()).extracting(ConfigValue::name)
                .containsExactlyInAnyOrderElementsOf(fields);
        assertThat(values).filteredOn(v -> v.name().equals("sqs.max.messages"))
                .singleElement().satisfies(v -> assertThat(v.errorMessages()).as("not doubled").hasSize(1));
    }

    @Test
    void aRuleWhoseInputIsInvalidIsLeftToThatInputsOwnError() {
        // With an unknown provider the credential rules cannot tell whether the key id is allowed: one error only.
        assertThatThrownBy(() -> SqsSourceConfig.parse(with("sqs.credentials.provider", "magic", "sqs.access.key.id", "AKID")))
                .hasMessageStartingWith("Invalid SQS source connector configuration (1 problem): sqs.credentials.provider: ");
    }

    @Test
    void validConfigHasNoErrors() {
        assertThat(new SqsSourceConnector().validate(minimal()).configValues())
                .allSatisfy(v -> assertThat(v.errorMessages()).as(v.name()).isEmpty());
    }

    @Test
    void groupIdKeyIsFineForFifoQueues() {
        assertThat(SqsSourceConfig.parse(with("sqs.queue.urls", FIFO, "sqs.record.key", "group-id")).keyMode())
                .isEqualTo(KeyMode.GROUP_ID);
    }
}
