package io.deptcrypt.consumers;

import io.deptcrypt.crypto.OpenerConfig;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.runtime.ConfigProperties;
import io.deptcrypt.runtime.KafkaOverrides;
import io.deptcrypt.runtime.KmsRetry;
import io.deptcrypt.runtime.KmsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A department consumer's configuration, parsed and validated once from e.g. {@code config/finance-consumer.properties}.
 *
 * @param source             where it was read from
 * @param governance         the loaded governance file ({@code governance.file})
 * @param applicationName    the governance application this consumer runs as ({@code application.name})
 * @param department         the department it reads; governance must list the application among its readers
 * @param applicationId      Kafka Streams {@code application.id} (its consumer group)
 * @param bootstrapServers   Kafka {@code bootstrap.servers}
 * @param kms                how to reach KMS, with this application's own credentials
 * @param opener             data-key cache size and TTL (the TTL bounds how long a revoked reader keeps reading)
 * @param kmsRetry           backoff while KMS is unavailable
 * @param printToStdout      print each event's three blocks ({@code sink.stdout})
 * @param sinkTopic          also write plaintext to this department-owned topic ({@code sink.topic})
 * @param failureAction      what to do with a record of the department that cannot be opened
 * @param deadLetterTopic    where DEAD_LETTER forwards such records ({@code failure.dead.letter.topic})
 * @param kafka              {@code streams.*}, {@code producer.*}, {@code consumer.*} passthrough
 */
public record DepartmentConsumerConfig(String source, Governance governance, String applicationName, String department,
                                       String applicationId, String bootstrapServers, KmsSettings kms,
                                       OpenerConfig opener, KmsRetry kmsRetry, boolean printToStdout,
                                       Optional<String> sinkTopic, FailureAction failureAction,
                                       Optional<String> deadLetterTopic, KafkaOverrides kafka) {

    public static final String GOVERNANCE_FILE = "governance.file";
    public static final String APPLICATION_NAME = "application.name";
    public static final String DEPARTMENT = "department";
    public static final String APPLICATION_ID = "application.id";
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String OPENER_MAX_CACHED_DATA_KEYS = "opener.max.cached.data.keys";
    public static final String OPENER_DATA_KEY_TTL_MS = "opener.data.key.ttl.ms";
    public static final String SINK_STDOUT = "sink.stdout";
    public static final String SINK_TOPIC = "sink.topic";
    public static final String FAILURE_ACTION = "failure.action";
    public static final String FAILURE_DEAD_LETTER_TOPIC = "failure.dead.letter.topic";

    private static final String TOPIC = "[a-zA-Z0-9._-]{1,249}";

    public static DepartmentConsumerConfig load(Path file) {
        return load(file, System::getenv);
    }

    public static DepartmentConsumerConfig load(Path file, Function<String, String> env) {
        return parse(ConfigProperties.load(file, env));
    }

    /** For embedding: the same keys as the file, given as a map; relative paths resolve against {@code baseDir}. */
    public static DepartmentConsumerConfig of(Map<String, String> props, String source, Path baseDir,
                                              Function<String, String> env) {
        return parse(ConfigProperties.of(props, source, baseDir, env));
    }

    public static DepartmentConsumerConfig parse(ConfigProperties p) {
        Governance g = p.governance(GOVERNANCE_FILE);
        String app = p.required(APPLICATION_NAME);
        if (g.findApplication(app).isEmpty()) {
            throw p.error(APPLICATION_NAME, "'" + app + "' is not an application in " + g.source() + " (declared: "
                    + g.applications().stream().map(Governance.Application::name).toList() + ")");
        }
        String department = p.required(DEPARTMENT);
        if (g.findDepartment(department).isEmpty()) {
            throw p.error(DEPARTMENT, "'" + department + "' is not a department in " + g.source() + " (declared: "
                    + g.departmentNames() + ")");
        }
        if (!g.department(department).readers().contains(app)) {
            throw p.error(DEPARTMENT, "governance " + g.source() + " does not let application '" + app + "' read"
                    + " department '" + department + "' (its readers: " + g.department(department).readers()
                    + "; '" + app + "' reads " + g.departmentsReadBy(app).stream().map(Governance.Department::name).toList() + ")");
        }
        String applicationId = p.string(APPLICATION_ID, "deptcrypt-" + app + "-" + department);
        if (!applicationId.matches("[a-zA-Z0-9._-]{1,200}")) {
            throw p.error(APPLICATION_ID, "'" + applicationId + "' must be 1-200 of [a-zA-Z0-9._-]");
        }
        String bootstrap = p.required(BOOTSTRAP_SERVERS);
        KmsSettings kms = KmsSettings.from(p, g);
        OpenerConfig defaults = OpenerConfig.defaults();
        OpenerConfig opener = new OpenerConfig(
                p.intValue(OPENER_MAX_CACHED_DATA_KEYS, defaults.maxCachedDataKeys(), 1, 1_000_000),
                Duration.ofMillis(p.longValue(OPENER_DATA_KEY_TTL_MS, defaults.dataKeyTtl().toMillis(), 1_000, 24L * 3600 * 1000)));
        KmsRetry retry = KmsRetry.from(p);
        boolean stdout = p.boolValue(SINK_STDOUT, true);
        Optional<String> sinkTopic = topic(p, SINK_TOPIC, g);
        FailureAction action = p.enumValue(FAILURE_ACTION, FailureAction.class, FailureAction.FAIL);
        Optional<String> dlq = topic(p, FAILURE_DEAD_LETTER_TOPIC, g);
        if (action == FailureAction.DEAD_LETTER && dlq.isEmpty()) {
            throw p.error(FAILURE_DEAD_LETTER_TOPIC, "is missing; " + FAILURE_ACTION + "=DEAD_LETTER needs the topic to"
                    + " forward unreadable records to");
        }
        if (action != FailureAction.DEAD_LETTER && dlq.isPresent()) {
            throw p.error(FAILURE_DEAD_LETTER_TOPIC, "is only used with " + FAILURE_ACTION + "=DEAD_LETTER (it is " + action + ")");
        }
        if (sinkTopic.isPresent() && sinkTopic.equals(dlq)) {
            throw p.error(FAILURE_DEAD_LETTER_TOPIC, "must differ from " + SINK_TOPIC + " (plaintext and sealed records must not mix)");
        }
        KafkaOverrides kafka = KafkaOverrides.from(p, Map.of(
                "application.id", APPLICATION_ID, "bootstrap.servers", BOOTSTRAP_SERVERS));
        p.rejectUnknown();
        return new DepartmentConsumerConfig(p.source(), g, app, department, applicationId, bootstrap, kms, opener,
                retry, stdout, sinkTopic, action, dlq, kafka);
    }

    private static Optional<String> topic(ConfigProperties p, String key, Governance g) {
        Optional<String> t = p.optional(key);
        if (t.isEmpty()) {
            return t;
        }
        if (!t.get().matches(TOPIC)) {
            throw p.error(key, "'" + t.get() + "' is not a Kafka topic name ([a-zA-Z0-9._-], 1-249 chars)");
        }
        Governance.Topics topics = g.topics();
        if (t.get().equals(topics.ingest()) || t.get().equals(topics.shared()) || t.get().equals(topics.deadLetter())) {
            throw p.error(key, "'" + t.get() + "' is one of the governance topics; use a topic the department owns");
        }
        return t;
    }

    /** The topic this consumer reads: the governance shared topic. */
    public String sharedTopic() {
        return governance.topics().shared();
    }

    /** A copy pointing at other Kafka brokers (for embedding). */
    public DepartmentConsumerConfig withBootstrapServers(String servers) {
        return new DepartmentConsumerConfig(source, governance, applicationName, department, applicationId, servers,
                kms, opener, kmsRetry, printToStdout, sinkTopic, failureAction, deadLetterTopic, kafka);
    }
}
