package io.deptcrypt.devstack;

import io.deptcrypt.consumers.DepartmentConsumerConfig;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.policy.KafkaNames;
import io.deptcrypt.runtime.KafkaLogin;
import io.deptcrypt.topology.EncryptorConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The apps' configurations inside the stack: the SAME properties files production uses ({@code config/topology.properties},
 * {@code config/<application>.properties}), with their {@code ${NAME}} references resolved from the stack's
 * endpoints (exactly the variables of {@code endpoints.env}), plus a few settings only a local stack wants.
 * If a file is missing (a custom governance file elsewhere), the same keys are built here.
 */
final class AppConfigs {

    private static final String ENCRYPTOR_STATE = "encryptor";
    private static final String SINK_TOPIC_NAME = "events";
    static final String TASKS_MAX = "tasks.max";

    private final StackConfig cfg;
    private final Governance governance;
    private final Map<String, String> env;
    private final Path configDir;

    AppConfigs(StackConfig cfg, Governance governance, Endpoints endpoints) {
        this.cfg = cfg;
        this.governance = governance;
        this.env = endpoints.variables();
        this.configDir = cfg.governanceFile().toAbsolutePath().getParent();
    }

    /** Instance 0's configuration. */
    EncryptorConfig encryptor() {
        return encryptor(0);
    }

    /** The configuration of encryptor instance {@code instance}: its own state directory and static group member id. */
    EncryptorConfig encryptor(int instance) {
        Path file = configDir.resolve("topology.properties");
        String stateName = instanceName(ENCRYPTOR_STATE, instance);
        return EncryptorConfig.of(embedded(encryptorProperties(stateName), stateName), Files.isRegularFile(file)
                ? file + " (devstack)" : "devstack encryptor", configDir, this::variable);
    }

    /**
     * The encryptor's settings before {@code ${NAME}} references are resolved: what a separate encryptor process
     * needs in its properties file, with the endpoints' variables in its environment.
     */
    Map<String, String> encryptorProperties() {
        return encryptorProperties(ENCRYPTOR_STATE);
    }

    /**
     * An instance's name for its state directory and group member id: instance 0 keeps the name a single-instance
     * stack always had (so its state directory is reused), the others get {@code -<instance>}.
     */
    static String instanceName(String base, int instance) {
        return instance == 0 ? base : base + "-" + instance;
    }

    /** The topic a department's stack consumers write what they open to ({@code sink.topic}): {@code <department>.events}. */
    static String sinkTopic(String department) {
        return KafkaNames.departmentTopicPrefix(department) + SINK_TOPIC_NAME;
    }

    private Map<String, String> encryptorProperties(String stateName) {
        Path file = configDir.resolve("topology.properties");
        Map<String, String> p = Files.isRegularFile(file) ? read(file) : new LinkedHashMap<>(Map.of(
                EncryptorConfig.BOOTSTRAP_SERVERS, "${KAFKA_BOOTSTRAP_SERVERS}",
                "kms.endpoint", "${KMS_ENDPOINT}",
                "aws.access.key.id", "${" + Governance.envName(governance.owner()) + "_AWS_ACCESS_KEY_ID}",
                "aws.secret.access.key", "${" + Governance.envName(governance.owner()) + "_AWS_SECRET_ACCESS_KEY}"));
        if (!Files.isRegularFile(file)) {
            kafkaLogin(p, governance.owner());
        }
        local(p, stateName);
        p.putAll(cfg.encryptorSettings());
        return p;
    }

    /** Instance 0's configuration. */
    DepartmentConsumerConfig consumer(String application, String department) {
        return consumer(application, department, 0);
    }

    /**
     * The configuration of a department's consumer instance: its own state directory and static group member id,
     * writing to the department's {@link #sinkTopic} besides the stack's own sink.
     */
    DepartmentConsumerConfig consumer(String application, String department, int instance) {
        Path file = configDir.resolve(application + ".properties");
        boolean fromFile = Files.isRegularFile(file);
        Map<String, String> p = null;
        if (fromFile) {
            p = read(file);
            if (!department.equals(p.get(DepartmentConsumerConfig.DEPARTMENT))) {
                fromFile = false; // the file serves another department; build this one's settings instead
            }
        }
        if (!fromFile) {
            String app = Governance.envName(application);
            p = new LinkedHashMap<>(Map.of(
                    DepartmentConsumerConfig.APPLICATION_NAME, application,
                    DepartmentConsumerConfig.DEPARTMENT, department,
                    DepartmentConsumerConfig.BOOTSTRAP_SERVERS, "${KAFKA_BOOTSTRAP_SERVERS}",
                    "kms.endpoint", "${KMS_ENDPOINT}",
                    "aws.access.key.id", "${" + app + "_AWS_ACCESS_KEY_ID}",
                    "aws.secret.access.key", "${" + app + "_AWS_SECRET_ACCESS_KEY}"));
            kafkaLogin(p, application);
        }
        p.put(DepartmentConsumerConfig.SINK_STDOUT, "false"); // the stack hands its own sink
        p.put(DepartmentConsumerConfig.SINK_TOPIC, sinkTopic(department));
        String stateName = instanceName(application + "-" + department, instance);
        local(p, stateName);
        embedded(p, stateName);
        p.putAll(cfg.consumerSettings());
        return DepartmentConsumerConfig.of(p, fromFile ? file + " (devstack)" : "devstack " + application, configDir, this::variable);
    }

    /**
     * The SQS source connector's config for Connect's REST API: {@code config/connect-sqs-source.properties} (the
     * standalone-worker file) pointed at this stack's queue, ElasticMQ and ingest topic; {@code tasks.max} is the
     * number of Connect workers, or the file's if it is more.
     */
    Map<String, String> connector(String connectorClass, String queueUrl, String sqsEndpoint, String region) {
        Path file = configDir.resolve("connect-sqs-source.properties");
        Map<String, String> c = Files.isRegularFile(file) ? read(file) : new LinkedHashMap<>(Map.of(
                // ElasticMQ does not check credentials; in AWS the connector runs with the sqs-connector role.
                "sqs.credentials.provider", "static",
                "sqs.access.key.id", "local",
                "sqs.secret.access.key", "local"));
        // at least one task per worker, or the workers beyond the file's tasks.max (1 as shipped) would idle
        int fileTasks = parseTasks(c.get(TASKS_MAX), file);
        c.put(TASKS_MAX, String.valueOf(Math.max(fileTasks, cfg.connectWorkers())));
        c.remove("name"); // the REST path names it
        c.put("connector.class", connectorClass);
        c.put("sqs.queue.urls", queueUrl);
        c.put("sqs.endpoint.url", sqsEndpoint);
        c.put("sqs.region", region);
        c.put("topic", governance.topics().ingest());
        // Stopping waits for the long polls in progress: 1 s polls let the stack stop in ~1 s instead of ~3 s. A poll
        // still returns as soon as a message arrives, so delivery latency is the same.
        c.put("sqs.wait.time.seconds", "1");
        return c;
    }

    /** The app's own Kafka login, from the endpoints' variables (as the shipped properties files have it). */
    private static void kafkaLogin(Map<String, String> p, String application) {
        String app = Governance.envName(application);
        p.put(KafkaLogin.SECURITY_PROTOCOL, "${KAFKA_SECURITY_PROTOCOL}");
        p.put(KafkaLogin.SASL_MECHANISM, "${KAFKA_SASL_MECHANISM}");
        p.put(KafkaLogin.SASL_USERNAME, "${" + app + "_KAFKA_USERNAME}");
        p.put(KafkaLogin.SASL_PASSWORD, "${" + app + "_KAFKA_PASSWORD}");
    }

    /**
     * What a local stack changes: its own governance file and state dir, quick recovery after an outage, a restart or
     * a crash ({@link LocalSettings#SESSION_TIMEOUT_MS}).
     */
    private void local(Map<String, String> p, String stateName) {
        p.put("governance.file", cfg.governanceFile().toAbsolutePath().toString());
        p.put("streams.state.dir", cfg.streamsDir().resolve(stateName).toAbsolutePath().toString());
        // After KMS comes back, the next attempt is at most 1 s away (production default: 5 s).
        p.put("kms.retry.max.ms", "1000");
        p.put("streams.session.timeout.ms", LocalSettings.SESSION_TIMEOUT_MS);
        p.put("streams.heartbeat.interval.ms", LocalSettings.HEARTBEAT_INTERVAL_MS);
    }

    /**
     * Static group membership for an app embedded in the stack: after a crash its restarted instance takes over the
     * dead instance's place in the group at once instead of waiting for that member's session to expire. Not in
     * {@link #encryptorProperties()}: a separate process joining the stack with the same id would fence the
     * embedded app.
     */
    private static Map<String, String> embedded(Map<String, String> p, String stateName) {
        p.put("consumer.group.instance.id", "deptcrypt-devstack-" + stateName);
        return p;
    }

    private String variable(String name) {
        String v = env.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    private static Map<String, String> read(Path file) {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(r);
        } catch (IOException e) {
            throw new StackException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> m = new LinkedHashMap<>();
        props.stringPropertyNames().forEach(k -> m.put(k, props.getProperty(k)));
        return m;
    }

    private static int parseTasks(String value, Path file) {
        if (value == null) {
            return 1;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new StackException(file + ": " + TASKS_MAX + " must be a whole number, was '" + value + "'");
        }
    }
}
