package io.deptcrypt.consumers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.runtime.InvalidConfigException;
import io.deptcrypt.runtime.StreamsAppLauncher;
import io.deptcrypt.testkit.TestGovernance;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DepartmentConsumerConfigTest {

    static final Function<String, String> NO_ENV = name -> null;

    @TempDir
    Path dir;

    Path write(String body) throws Exception {
        TestGovernance.copyTo(dir);
        Path f = dir.resolve("consumer.properties");
        Files.writeString(f, "governance.file=governance.yaml\nbootstrap.servers=localhost:9092\n" + body);
        return f;
    }

    @Test
    void theShippedConsumerFilesAreValid() {
        for (String dept : new String[] {"finance", "sales"}) {
            Path shipped = Path.of("..", "config", dept + "-consumer.properties");
            String env = dept.toUpperCase() + "_CONSUMER";
            DepartmentConsumerConfig c = DepartmentConsumerConfig.load(shipped, Map.of("KMS_ENDPOINT", "http://127.0.0.1:4599",
                    env + "_AWS_ACCESS_KEY_ID", "AKID-" + dept, env + "_AWS_SECRET_ACCESS_KEY", "secret")::get);
            assertThat(c.department()).isEqualTo(dept);
            assertThat(c.applicationName()).isEqualTo(dept + "-consumer");
            assertThat(c.failureActions()).isEqualTo(FailureActions.DEFAULTS);
            assertThat(c.deadLetterTopic()).contains(dept + ".unreadable");
            assertThat(c.printToStdout()).isTrue();
            assertThat(c.sinkTopic()).isEmpty();
            assertThat(c.kms().credentials()).hasValueSatisfying(cr -> assertThat(cr.accessKeyId()).isEqualTo("AKID-" + dept));
            assertThat(c.sharedTopic()).isEqualTo("deptcrypt.shared");
        }
    }

    @Test
    void allKeysAndDefaults() throws Exception {
        DepartmentConsumerConfig c = DepartmentConsumerConfig.load(write("""
                application.name=sales-consumer
                department=sales
                opener.max.cached.data.keys=10
                opener.data.key.ttl.ms=60000
                sink.stdout=false
                sink.topic=sales.events
                failure.action=dead-letter
                failure.dead.letter.topic=sales.unreadable
                streams.num.stream.threads=3
                """), NO_ENV);
        assertThat(c.applicationId()).isEqualTo("deptcrypt-sales-consumer-sales");
        assertThat(c.opener().maxCachedDataKeys()).isEqualTo(10);
        assertThat(c.opener().dataKeyTtl()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.printToStdout()).isFalse();
        assertThat(c.sinkTopic()).contains("sales.events");
        assertThat(c.failureActions()).isEqualTo(FailureActions.all(FailureAction.DEAD_LETTER));
        assertThat(c.deadLetterTopic()).contains("sales.unreadable");
        Properties p = DepartmentConsumerApp.streamsProperties(c);
        assertThat(p.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(p.getProperty("isolation.level")).isEqualTo("read_committed");
        assertThat(p.getProperty("num.stream.threads")).isEqualTo("3");
        new StreamsConfig(p);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not a reader        | application.name=sales-consumer\\ndepartment=finance | department: governance",
            "unknown department  | application.name=finance-consumer\\ndepartment=hr    | department: 'hr' is not a department",
            "unknown application | application.name=hr-consumer\\ndepartment=finance    | application.name: 'hr-consumer' is not an application",
            "missing department  | application.name=finance-consumer                   | department: is missing",
            "topic without dlq   | application.name=finance-consumer\\ndepartment=finance\\nfailure.action=SKIP\\nfailure.dead.letter.topic=x | failure.dead.letter.topic: is only used with a DEAD_LETTER failure action (they are SKIP for access denied, SKIP for unreadable)",
            "bad reason action   | application.name=finance-consumer\\ndepartment=finance\\nfailure.action.access.denied=later | failure.action.access.denied: invalid value 'later'",
            "default dlq is sink | application.name=finance-consumer\\ndepartment=finance\\nsink.topic=finance.unreadable | failure.dead.letter.topic: must differ from sink.topic",
            "bad action          | application.name=finance-consumer\\ndepartment=finance\\nfailure.action=IGNORE | failure.action: invalid value 'IGNORE': must be one of FAIL, SKIP, DEAD_LETTER",
            "shared as sink      | application.name=finance-consumer\\ndepartment=finance\\nsink.topic=deptcrypt.shared | sink.topic: 'deptcrypt.shared' is one of the governance topics",
            "bad boolean         | application.name=finance-consumer\\ndepartment=finance\\nsink.stdout=yes | sink.stdout: invalid value 'yes': Expected value to be either true or false",
            "bad topic name      | application.name=finance-consumer\\ndepartment=finance\\nsink.topic=a/b | sink.topic: invalid value 'a/b': must be a Kafka topic name",
            "dlq equals sink     | application.name=finance-consumer\\ndepartment=finance\\nsink.topic=t\\nfailure.action=DEAD_LETTER\\nfailure.dead.letter.topic=t | failure.dead.letter.topic: must differ from sink.topic",
            "isolation level     | application.name=finance-consumer\\ndepartment=finance\\nconsumer.isolation.level=read_uncommitted | consumer.isolation.level: always read_committed",
            "isolation, streams  | application.name=finance-consumer\\ndepartment=finance\\nstreams.isolation.level=read_uncommitted | streams.isolation.level: always read_committed",
            "unknown key         | application.name=finance-consumer\\ndepartment=finance\\nsink=stdout | sink: unknown key"})
    void badValuesAreErrorsNamingTheFileAndTheKey(String name, String lines, String expected) throws Exception {
        Path f = write(lines.replace("\\n", "\n") + "\n");
        assertThatThrownBy(() -> DepartmentConsumerConfig.load(f, NO_ENV))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith(f + ": ")
                .hasMessageContaining(expected);
    }

    @Test
    void everyProblemIsReportedAtOnceCrossKeyRulesIncluded() throws Exception {
        Path f = write("""
                application.name=finance-consumer
                department=hr
                sink.stdout=yes
                failure.action.unreadable=IGNORE
                opener.data.key.ttl.ms=5
                consumer.isolation.level=read_uncommitted
                """);
        assertThatThrownBy(() -> DepartmentConsumerConfig.load(f, NO_ENV))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith(f + ": 5 problems:\n")
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems()).containsExactly(
                        "opener.data.key.ttl.ms: invalid value '5': Value must be at least 1000",
                        "sink.stdout: invalid value 'yes': Expected value to be either true or false",
                        "failure.action.unreadable: invalid value 'IGNORE': must be one of FAIL, SKIP, DEAD_LETTER (any case)",
                        "department: 'hr' is not a department in " + dir.resolve("governance.yaml") + " (declared: [finance, sales])",
                        "consumer.isolation.level: always read_committed: aborted encryptor output is never read"));
    }

    @Test
    void aDepartmentTheApplicationMayNotReadNamesBoth() throws Exception {
        Path f = write("application.name=sales-consumer\ndepartment=finance\n");
        assertThatThrownBy(() -> DepartmentConsumerConfig.load(f, NO_ENV))
                .hasMessageContaining("does not let application 'sales-consumer' read department 'finance'")
                .hasMessageContaining("[finance-consumer]");
    }

    @Test
    void cliExitsWithCode2OnBadConfiguration() throws Exception {
        Path f = write("application.name=sales-consumer\ndepartment=finance\n");
        StringWriter err = new StringWriter();
        int code = new ConsumerCli().run(new PrintWriter(new StringWriter()), new PrintWriter(err), "--config", f.toString());
        assertThat(code).isEqualTo(StreamsAppLauncher.EXIT_CONFIG);
        assertThat(err.toString()).startsWith("deptcrypt-consumer: " + f + ": department: ");
        StringWriter missing = new StringWriter();
        assertThat(new ConsumerCli().run(new PrintWriter(new StringWriter()), new PrintWriter(missing), "--config", "nope.properties"))
                .isEqualTo(StreamsAppLauncher.EXIT_CONFIG);
        assertThat(missing.toString()).contains("nope.properties: file not found");
    }
}
