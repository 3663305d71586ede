package io.deptcrypt.consumers;

import io.deptcrypt.crypto.OpenerConfig;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.runtime.AppSettings;
import io.deptcrypt.runtime.ConfigCheck;
import io.deptcrypt.runtime.ConfigProperties;
import io.deptcrypt.runtime.EnumChoice;
import io.deptcrypt.runtime.KafkaLogin;
import io.deptcrypt.runtime.KafkaOverrides;
import io.deptcrypt.runtime.KmsRetry;
import io.deptcrypt.runtime.KmsSettings;
import io.deptcrypt.runtime.TextPattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * A department consumer's configuration, parsed and validated once from e.g. {@code config/finance-consumer.properties}.
 * The keys are declared in {@link #configDef()} (with the shared governance, Kafka, KMS and retry keys); their docs
 * are the {@code *_DOC} constants, shown in docs/configuration.md.
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
 * @param failureActions     what to do with a record of the department that cannot be opened, per reason
 * @param deadLetterTopic    where DEAD_LETTER forwards such records ({@code failure.dead.letter.topic})
 * @param kafka              {@code streams.*}, {@code producer.*}, {@code consumer.*} passthrough
 * @param kafkaLogin         how the consumer logs in to Kafka
 * @param watchGovernance    take governance versions applied while running ({@code governance.watch})
 */
public record DepartmentConsumerConfig(String source, Governance governance, String applicationName, String department,
                                       String applicationId, String bootstrapServers, KmsSettings kms,
                                       OpenerConfig opener, KmsRetry kmsRetry, boolean printToStdout,
                                       Optional<String> sinkTopic, FailureActions failureActions,
                                       Optional<String> deadLetterTopic, KafkaOverrides kafka, KafkaLogin kafkaLogin,
                                       boolean watchGovernance) {

    /** Following the governance topic. */
    public DepartmentConsumerConfig(String source, Governance governance, String applicationName, String department,
                                    String applicationId, String bootstrapServers, KmsSettings kms, OpenerConfig opener,
                                    KmsRetry kmsRetry, boolean printToStdout, Optional<String> sinkTopic,
                                    FailureActions failureActions, Optional<String> deadLetterTopic,
                                    KafkaOverrides kafka, KafkaLogin kafkaLogin) {
        this(source, governance, applicationName, department, applicationId, bootstrapServers, kms, opener, kmsRetry,
                printToStdout, sinkTopic, failureActions, deadLetterTopic, kafka, kafkaLogin,
                AppSettings.GOVERNANCE_WATCH_DEFAULT);
    }

    /** Connecting without authentication (PLAINTEXT). */
    public DepartmentConsumerConfig(String source, Governance governance, String applicationName, String department,
                                    String applicationId, String bootstrapServers, KmsSettings kms, OpenerConfig opener,
                                    KmsRetry kmsRetry, boolean printToStdout, Optional<String> sinkTopic,
                                    FailureAction failureAction, Optional<String> deadLetterTopic, KafkaOverrides kafka) {
        this(source, governance, applicationName, department, applicationId, bootstrapServers, kms, opener, kmsRetry,
                printToStdout, sinkTopic, FailureActions.all(failureAction), deadLetterTopic, kafka, KafkaLogin.plaintext());
    }

    /** The shared keys ({@link AppSettings}), named here too so that all of the consumer's keys read from one class. */
    public static final String GOVERNANCE_FILE = AppSettings.GOVERNANCE_FILE;
    public static final String APPLICATION_ID = AppSettings.APPLICATION_ID;
    public static final String BOOTSTRAP_SERVERS = AppSettings.BOOTSTRAP_SERVERS;
    public static final String GOVERNANCE_WATCH = AppSettings.GOVERNANCE_WATCH;

    public static final String APPLICATION_ID_DOC = "Kafka Streams application.id (the consumer group). Not set:"
            + " `deptcrypt-<application.name>-<department>`.";

    public static final String APPLICATION_NAME = "application.name";
    public static final String APPLICATION_NAME_DOC = "The governance application this consumer runs as; governance"
            + " must list it among the department's readers.";
    public static final Object APPLICATION_NAME_DEFAULT = ConfigDef.NO_DEFAULT_VALUE;

    public static final String DEPARTMENT = "department";
    public static final String DEPARTMENT_DOC = "The department whose records this consumer opens; the others'"
            + " records are passed over without being decoded.";
    public static final Object DEPARTMENT_DEFAULT = ConfigDef.NO_DEFAULT_VALUE;

    public static final String OPENER_MAX_CACHED_DATA_KEYS = "opener.max.cached.data.keys";
    public static final String OPENER_MAX_CACHED_DATA_KEYS_DOC = "Unwrapped data keys kept in memory (least recently"
            + " used goes first); one KMS Decrypt per data key while it is cached.";
    public static final int OPENER_MAX_CACHED_DATA_KEYS_DEFAULT = OpenerConfig.DEFAULT_MAX_CACHED_DATA_KEYS;

    public static final String OPENER_DATA_KEY_TTL_MS = "opener.data.key.ttl.ms";
    public static final String OPENER_DATA_KEY_TTL_MS_DOC = "An unwrapped data key is forgotten this many milliseconds"
            + " after KMS returned it. With governance.watch a revoked reader drops them within about a second of the"
            + " apply; without, this is the bound on how long it keeps opening records.";
    public static final long OPENER_DATA_KEY_TTL_MS_DEFAULT = OpenerConfig.DEFAULT_DATA_KEY_TTL.toMillis();

    public static final String SINK_STDOUT = "sink.stdout";
    public static final String SINK_STDOUT_DOC = "Print ORIGINAL MESSAGE / DECRYPTED MESSAGE / PARTITION for each"
            + " opened event (when the app is run without a sink of its own).";
    public static final boolean SINK_STDOUT_DEFAULT = true;

    public static final String SINK_TOPIC = "sink.topic";
    public static final String SINK_TOPIC_DOC = "Also write the plaintext to this topic, which the department owns"
            + " (key = event id; headers deptcrypt.department, deptcrypt.event-id, deptcrypt.content-type), exactly"
            + " once for read_committed readers (the app is exactly_once_v2). A record goes to the partition number it"
            + " had on the shared topic (modulo this topic's partitions), so events of one partition key keep their"
            + " order: give it as many partitions as the shared topic. Not one of the governance topics.";
    public static final String SINK_TOPIC_DEFAULT = null;

    public static final String FAILURE_ACTION = "failure.action";
    public static final String FAILURE_ACTION_DOC = "Shorthand for both failure.action.* keys below: the same action"
            + " for every reason a record of this department cannot be opened. FAIL (stop with a clear error), SKIP"
            + " (count and log, no plaintext) or DEAD_LETTER (forward it still sealed to failure.dead.letter.topic).";
    public static final String FAILURE_ACTION_DEFAULT = null;

    public static final String FAILURE_ACTION_ACCESS_DENIED = "failure.action.access.denied";
    public static final String FAILURE_ACTION_ACCESS_DENIED_DOC = "When KMS refuses this application a record's data"
            + " key (a revoked reader, a wrong key policy or credentials): FAIL, SKIP or DEAD_LETTER. Not set:"
            + " failure.action, else FAIL (fail closed: an operator must look, and nothing is passed over meanwhile).";
    public static final String FAILURE_ACTION_ACCESS_DENIED_DEFAULT = null;

    public static final String FAILURE_ACTION_UNREADABLE = "failure.action.unreadable";
    public static final String FAILURE_ACTION_UNREADABLE_DOC = "When a record is not an envelope, fails authentication"
            + " (tampered, moved) or is sealed for another department than it says: FAIL, SKIP or DEAD_LETTER. Not set:"
            + " failure.action, else DEAD_LETTER (quarantined, so one bad record cannot stop the department for good).";
    public static final String FAILURE_ACTION_UNREADABLE_DEFAULT = null;

    public static final String FAILURE_DEAD_LETTER_TOPIC = "failure.dead.letter.topic";
    public static final String FAILURE_DEAD_LETTER_TOPIC_DOC = "Where a DEAD_LETTER failure action forwards records"
            + " it cannot open, still sealed, with reason headers. Only used with DEAD_LETTER; not set: <department>.unreadable"
            + " (the department's readers own the topics named <department>.*). Not a governance topic and not sink.topic.";
    public static final String FAILURE_DEAD_LETTER_TOPIC_DEFAULT = null;

    /** Kafka settings the consumer sets itself, so the passthrough must not (name: why). */
    public static final Map<String, String> OWN_KAFKA_SETTINGS = ownKafkaSettings();

    private static final ConfigDef CONFIG_DEF = define();

    private static Map<String, String> ownKafkaSettings() {
        Map<String, String> own = new HashMap<>(AppSettings.OWN_KAFKA_SETTINGS);
        own.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "always read_committed: aborted encryptor output is never read");
        return Map.copyOf(own);
    }

    private static ConfigDef define() {
        ConfigDef d = AppSettings.defineGovernanceFile(new ConfigDef())
                .define(APPLICATION_NAME, Type.STRING, APPLICATION_NAME_DEFAULT, new ConfigDef.NonEmptyString(),
                        Importance.HIGH, APPLICATION_NAME_DOC)
                .define(DEPARTMENT, Type.STRING, DEPARTMENT_DEFAULT, new ConfigDef.NonEmptyString(), Importance.HIGH,
                        DEPARTMENT_DOC);
        AppSettings.defineStreamsApp(d, APPLICATION_ID_DOC);
        KmsSettings.define(d);
        KmsRetry.define(d);
        defineOpener(d);
        return d.define(SINK_STDOUT, Type.BOOLEAN, SINK_STDOUT_DEFAULT, Importance.MEDIUM, SINK_STDOUT_DOC)
                .define(SINK_TOPIC, Type.STRING, SINK_TOPIC_DEFAULT, TextPattern.TOPIC_NAME, Importance.MEDIUM, SINK_TOPIC_DOC)
                .define(FAILURE_ACTION, Type.STRING, FAILURE_ACTION_DEFAULT, EnumChoice.of(FailureAction.class),
                        Importance.MEDIUM, FAILURE_ACTION_DOC)
                .define(FAILURE_ACTION_ACCESS_DENIED, Type.STRING, FAILURE_ACTION_ACCESS_DENIED_DEFAULT,
                        EnumChoice.of(FailureAction.class), Importance.HIGH, FAILURE_ACTION_ACCESS_DENIED_DOC)
                .define(FAILURE_ACTION_UNREADABLE, Type.STRING, FAILURE_ACTION_UNREADABLE_DEFAULT,
                        EnumChoice.of(FailureAction.class), Importance.HIGH, FAILURE_ACTION_UNREADABLE_DOC)
                .define(FAILURE_DEAD_LETTER_TOPIC, Type.STRING, FAILURE_DEAD_LETTER_TOPIC_DEFAULT, TextPattern.TOPIC_NAME,
                        Importance.MEDIUM, FAILURE_DEAD_LETTER_TOPIC_DOC);
    }

    /** The data-key cache keys, which the {@link DecryptingDeserializer} shares. */
    static ConfigDef defineOpener(ConfigDef d) {
        return d.define(OPENER_MAX_CACHED_DATA_KEYS, Type.INT, OPENER_MAX_CACHED_DATA_KEYS_DEFAULT,
                        Range.between(1, 1_000_000), Importance.LOW, OPENER_MAX_CACHED_DATA_KEYS_DOC)
                .define(OPENER_DATA_KEY_TTL_MS, Type.LONG, OPENER_DATA_KEY_TTL_MS_DEFAULT,
                        Range.between(1_000, Duration.ofDays(1).toMillis()), Importance.MEDIUM, OPENER_DATA_KEY_TTL_MS_DOC);
    }

    static OpenerConfig opener(ConfigCheck c) {
        return new OpenerConfig(c.getInt(OPENER_MAX_CACHED_DATA_KEYS), Duration.ofMillis(c.getLong(OPENER_DATA_KEY_TTL_MS)));
    }

    /** Every key of a department consumer's properties, with its type, default, validator and doc (a copy). */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG_DEF);
    }

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

    /** Checks every key and reports every problem at once ({@link io.deptcrypt.runtime.InvalidConfigException}). */
    public static DepartmentConsumerConfig parse(ConfigProperties p) {
        ConfigCheck c = ConfigCheck.of(CONFIG_DEF, p);
        Optional<Governance> governance = c.governance(GOVERNANCE_FILE);
        governance.ifPresent(g -> checkReader(c, g, true));
        checkTopics(c, governance);
        Optional<KmsSettings> kms = KmsSettings.from(c, governance);
        Optional<KmsRetry> retry = KmsRetry.from(c);
        KafkaOverrides kafka = KafkaOverrides.from(c, OWN_KAFKA_SETTINGS);
        Optional<KafkaLogin> login = KafkaLogin.from(c);
        c.throwIfInvalid();

        String app = c.getString(APPLICATION_NAME);
        String department = c.getString(DEPARTMENT);
        FailureActions actions = failureActions(c);
        Optional<String> dlq = c.getOptional(FAILURE_DEAD_LETTER_TOPIC)
                .or(() -> actions.anyDeadLetter() ? Optional.of(defaultDeadLetterTopic(department)) : Optional.empty());
        return new DepartmentConsumerConfig(c.source(), governance.orElseThrow(), app, department,
                AppSettings.applicationId(c, "deptcrypt-" + app + "-" + department), c.getString(BOOTSTRAP_SERVERS),
                kms.orElseThrow(), opener(c), retry.orElseThrow(), c.getBoolean(SINK_STDOUT), c.getOptional(SINK_TOPIC),
                actions, dlq, kafka, login.orElseThrow(), c.getBoolean(GOVERNANCE_WATCH));
    }

    /** Bootstrap servers and login, for a plain Kafka client of the consumer (not Streams). */
    public Map<String, Object> clientProperties() {
        Map<String, Object> p = new LinkedHashMap<>(kafkaLogin.clientProperties());
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return p;
    }

    /**
     * The department exists and governance lets the application read it. {@code applicationRequired}: the
     * application must be set (the Streams app) rather than only checked when given (the deserializer).
     */
    static void checkReader(ConfigCheck c, Governance g, boolean applicationRequired) {
        Optional<String> app = Optional.empty();
        if (c.usable(APPLICATION_NAME)) {
            app = applicationRequired ? Optional.of(c.getString(APPLICATION_NAME)) : c.getOptional(APPLICATION_NAME);
            if (app.isPresent() && g.findApplication(app.get()).isEmpty()) {
                c.problem(APPLICATION_NAME, "'" + app.get() + "' is not an application in " + g.source() + " (declared: "
                        + g.applications().stream().map(Governance.Application::name).toList() + ")");
                app = Optional.empty();
            }
        }
        if (!c.usable(DEPARTMENT)) {
            return;
        }
        String department = c.getString(DEPARTMENT);
        if (g.findDepartment(department).isEmpty()) {
            c.problem(DEPARTMENT, "'" + department + "' is not a department in " + g.source() + " (declared: "
                    + g.departmentNames() + ")");
        } else if (app.isPresent() && !g.department(department).readers().contains(app.get())) {
            c.problem(DEPARTMENT, "governance " + g.source() + " does not let application '" + app.get() + "' read"
                    + " department '" + department + "' (its readers: " + g.department(department).readers()
                    + "; '" + app.get() + "' reads "
                    + g.departmentsReadBy(app.get()).stream().map(Governance.Department::name).toList() + ")");
        }
    }

    /** The sink and dead-letter topics: department-owned, distinct, and the dead-letter one exactly with DEAD_LETTER. */
    private static void checkTopics(ConfigCheck c, Optional<Governance> governance) {
        for (String key : new String[] {SINK_TOPIC, FAILURE_DEAD_LETTER_TOPIC}) {
            if (governance.isPresent() && c.usable(key)
                    && c.getOptional(key).filter(t -> isGovernanceTopic(governance.get(), t)).isPresent()) {
                c.problem(key, "'" + c.getOptional(key).get() + "' is one of the governance topics; use a topic the"
                        + " department owns");
            }
        }
        if (!c.usable(FAILURE_ACTION, FAILURE_ACTION_ACCESS_DENIED, FAILURE_ACTION_UNREADABLE, FAILURE_DEAD_LETTER_TOPIC,
                SINK_TOPIC, DEPARTMENT)) {
            return;
        }
        FailureActions actions = failureActions(c);
        Optional<String> dlq = c.getOptional(FAILURE_DEAD_LETTER_TOPIC);
        if (!actions.anyDeadLetter() && dlq.isPresent()) {
            c.problem(FAILURE_DEAD_LETTER_TOPIC, "is only used with a DEAD_LETTER failure action (they are "
                    + actions.accessDenied() + " for access denied, " + actions.unreadable() + " for unreadable)");
        }
        if (dlq.isEmpty() && actions.anyDeadLetter()) {
            dlq = Optional.of(defaultDeadLetterTopic(c.getString(DEPARTMENT)));
        }
        if (dlq.isPresent() && dlq.equals(c.getOptional(SINK_TOPIC))) {
            c.problem(FAILURE_DEAD_LETTER_TOPIC, "must differ from " + SINK_TOPIC
                    + " (plaintext and sealed records must not mix)");
        }
    }

    /** Per reason: its own key, else failure.action, else the default ({@link FailureActions#DEFAULTS}). */
    static FailureActions failureActions(ConfigCheck c) {
        Optional<FailureAction> all = c.getOptional(FAILURE_ACTION).map(v -> c.getEnum(FAILURE_ACTION, FailureAction.class));
        FailureAction denied = c.getOptional(FAILURE_ACTION_ACCESS_DENIED)
                .map(v -> c.getEnum(FAILURE_ACTION_ACCESS_DENIED, FailureAction.class))
                .orElse(all.orElse(FailureActions.DEFAULTS.accessDenied()));
        FailureAction unreadable = c.getOptional(FAILURE_ACTION_UNREADABLE)
                .map(v -> c.getEnum(FAILURE_ACTION_UNREADABLE, FailureAction.class))
                .orElse(all.orElse(FailureActions.DEFAULTS.unreadable()));
        return new FailureActions(denied, unreadable);
    }

    /** {@code <department>.unreadable}: a topic the department's readers own. */
    public static String defaultDeadLetterTopic(String department) {
        return department + ".unreadable";
    }

    private static boolean isGovernanceTopic(Governance g, String topic) {
        Governance.Topics topics = g.topics();
        return topic.equals(topics.ingest()) || topic.equals(topics.shared()) || topic.equals(topics.deadLetter());
    }

    /** The topic this consumer reads: the governance shared topic. */
    public String sharedTopic() {
        return governance.topics().shared();
    }

    /** A copy pointing at other Kafka brokers (for embedding). */
    public DepartmentConsumerConfig withBootstrapServers(String servers) {
        return new DepartmentConsumerConfig(source, governance, applicationName, department, applicationId, servers,
                kms, opener, kmsRetry, printToStdout, sinkTopic, failureActions, deadLetterTopic, kafka, kafkaLogin,
                watchGovernance);
    }
}
