package io.deptcrypt.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.governance.Governance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class EndpointsTest {

    /** {@code export NAME='value'}, the value single quoted with each {@code '} written as {@code '\''}. */
    private static final Pattern LINE = Pattern.compile("export ([A-Z][A-Z0-9_]*)='((?:[^']|'\\\\'')*)'");

    /**
     * endpoints.env read as docs/devstack.md describes it, without a shell: blank and {@code #} lines skipped, every
     * other line one variable; anything else fails.
     */
    static Map<String, String> parse(List<String> lines) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            assertThat(m.matches()).as("endpoints.env line in the documented form: %s", line).isTrue();
            assertThat(vars.put(m.group(1), m.group(2).replace("'\\''", "'"))).as("%s defined twice", m.group(1)).isNull();
        }
        return vars;
    }

    static Endpoints sample() {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("finance", "arn:aws:kms:us-east-1:111122223333:key/1111");
        keys.put("sales", "arn:aws:kms:us-east-1:111122223333:key/2222");
        keys.put("quarantine", "arn:aws:kms:us-east-1:111122223333:key/3333");
        Map<String, Endpoints.Credentials> creds = new LinkedHashMap<>();
        creds.put("finance-consumer", new Endpoints.Credentials("AKIAFIN", "s3cr'et/+="));
        creds.put("sales-consumer", new Endpoints.Credentials("AKIASAL", "other"));
        Map<String, String> kafka = new LinkedHashMap<>();
        kafka.put("finance-consumer", "fin-kafka-pw_-1");
        kafka.put("sales-consumer", "sal-kafka-pw_-2");
        return new Endpoints("127.0.0.1:9092", "SASL_PLAINTEXT", "SCRAM-SHA-512", "http://127.0.0.1:9324",
                "http://127.0.0.1:9324/000000000000/q", "http://127.0.0.1:4599", "http://127.0.0.1:8083", "us-east-1",
                new Governance.Topics("deptcrypt.ingest", "deptcrypt.shared", "deptcrypt.dead-letter", 6), keys, creds, kafka,
                Map.of("finance", "finance.events"));
    }

    @Test
    void theFileIsSourceableAndNamesEveryVariableTheIssueRequires(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("endpoints.env");
        sample().write(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        Process p = new ProcessBuilder("bash", "-c", "set -u; source \"$0\"; printf '%s|' \"$KAFKA_BOOTSTRAP_SERVERS\" \"$SQS_ENDPOINT\" "
                + "\"$SQS_QUEUE_URL\" \"$KMS_ENDPOINT\" \"$AWS_REGION\" \"$INGEST_TOPIC\" \"$SHARED_TOPIC\" \"$DLQ_TOPIC\" "
                + "\"$FINANCE_KEY_ARN\" \"$SALES_KEY_ARN\" \"$FINANCE_CONSUMER_AWS_ACCESS_KEY_ID\" \"$FINANCE_CONSUMER_AWS_SECRET_ACCESS_KEY\" "
                + "\"$SALES_CONSUMER_AWS_ACCESS_KEY_ID\" \"$KAFKA_SECURITY_PROTOCOL\" \"$KAFKA_SASL_MECHANISM\" "
                + "\"$FINANCE_CONSUMER_KAFKA_USERNAME\" \"$FINANCE_CONSUMER_KAFKA_PASSWORD\" \"$FINANCE_SINK_TOPIC\"", file.toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).isEqualTo("127.0.0.1:9092|http://127.0.0.1:9324|http://127.0.0.1:9324/000000000000/q|http://127.0.0.1:4599|"
                + "us-east-1|deptcrypt.ingest|deptcrypt.shared|deptcrypt.dead-letter|arn:aws:kms:us-east-1:111122223333:key/1111|"
                + "arn:aws:kms:us-east-1:111122223333:key/2222|AKIAFIN|s3cr'et/+=|AKIASAL|SASL_PLAINTEXT|SCRAM-SHA-512|"
                + "finance-consumer|fin-kafka-pw_-1|finance.events|");
    }

    @Test
    void aPlainLineParserReadsEveryValueBackExactly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("endpoints.env");
        Endpoints e = sample();
        e.write(file);

        assertThat(parse(Files.readAllLines(file))).isEqualTo(e.variables());
        assertThat(parse(Files.readAllLines(file))).containsEntry("FINANCE_CONSUMER_AWS_SECRET_ACCESS_KEY", "s3cr'et/+=");
    }

    @Test
    void credentialsNeverPrintTheirSecret() {
        assertThat(sample().credentialsOf("finance-consumer").toString()).doesNotContain("s3cr");
    }

    @Test
    void kafkaClientPropertiesLogInAsTheApplicationAndNameAnUnknownOne() {
        Map<String, Object> p = sample().kafkaClientProperties("sales-consumer");
        assertThat(p).containsEntry("bootstrap.servers", "127.0.0.1:9092").containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat((String) p.get("sasl.jaas.config")).contains("username=\"sales-consumer\"").contains("password=\"sal-kafka-pw_-2\"");
        assertThatThrownBy(() -> sample().kafkaClientProperties("encryptor"))
                .hasMessageContaining("no Kafka user for application 'encryptor'");
    }
}
