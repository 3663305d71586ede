package io.deptcrypt.topology;

import io.deptcrypt.crypto.SealerConfig;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.runtime.AppSettings;
import io.deptcrypt.runtime.ConfigCheck;
import io.deptcrypt.runtime.ConfigProperties;
import io.deptcrypt.runtime.EnumChoice;
import io.deptcrypt.runtime.KafkaLogin;
import io.deptcrypt.runtime.KafkaOverrides;
import io.deptcrypt.runtime.KmsRetry;
import io.deptcrypt.runtime.KmsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The encryptor's configuration, parsed and validated once from {@code config/topology.properties}. The keys are
 * declared in {@link #configDef()} (with the shared governance, Kafka, KMS and retry keys); their docs are the
 * {@code *_DOC} constants, shown in docs/configuration.md.
 *
 * @param source           where it was read from
 * @param governance       the loaded governance file ({@code governance.file})
 * @param applicationId    Kafka Streams {@code application.id} (also the transactional id prefix)
 * @param bootstrapServers Kafka {@code bootstrap.servers}
 * @param kms              how to reach KMS
 * @param maxEventBytes    larger ingest values go to the dead-letter topic (TOO_LARGE)
 * @param sealer           envelope format and data-key limits
 * @param kmsRetry         backoff while KMS is unavailable
 * @param kafka            {@code streams.*}, {@code producer.*}, {@code consumer.*} passthrough
 * @param partitioning     how sealed events are spread over the shared topic's partitions ({@code shared.partitioning})
 * @param kafkaLogin       how the encryptor logs in to Kafka ({@code kafka.security.protocol}, {@code kafka.sasl.*})
 * @param watchGovernance  take governance versions applied while running ({@code governance.watch})
 * @param dedupe           dropping second copies of ingest events ({@code dedupe.window.ms}, {@code dedupe.store})
 */
public record EncryptorConfig(String source, Governance governance, String applicationId, String bootstrapServers,
                              KmsSettings kms, int maxEventBytes, SealerConfig sealer, KmsRetry kmsRetry,
                              KafkaOverrides kafka, Partitioning partitioning, KafkaLogin kafkaLogin,
                              boolean watchGovernance, DedupeSettings dedupe) {

    /** With the default dedupe window. */
    public EncryptorConfig(String source, Governance governance, String applicationId, String bootstrapServers,
                           KmsSettings kms, int maxEventBytes, SealerConfig sealer, KmsRetry kmsRetry,
                           KafkaOverrides kafka, Partitioning partitioning, KafkaLogin kafkaLogin,
                           boolean watchGovernance) {
        this(source, governance, applicationId, bootstrapServers, kms, maxEventBytes, sealer, kmsRetry, kafka,
                partitioning, kafkaLogin, watchGovernance, DedupeSettings.DEFAULT);
    }

    /** Following the governance topic. */
    public EncryptorConfig(String source, Governance governance, String applicationId, String bootstrapServers,
                           KmsSettings kms, int maxEventBytes, SealerConfig sealer, KmsRetry kmsRetry,
                           KafkaOverrides kafka, Partitioning partitioning, KafkaLogin kafkaLogin) {
        this(source, governance, applicationId, bootstrapServers, kms, maxEventBytes, sealer, kmsRetry, kafka,
                partitioning, kafkaLogin, AppSettings.GOVERNANCE_WATCH_DEFAULT);
    }

    /** Connecting without authentication (PLAINTEXT). */
    public EncryptorConfig(String source, Governance governance, String applicationId, String bootstrapServers,
                           KmsSettings kms, int maxEventBytes, SealerConfig sealer, KmsRetry kmsRetry,
                           KafkaOverrides kafka, Partitioning partitioning) {
        this(source, governance, applicationId, bootstrapServers, kms, maxEventBytes, sealer, kmsRetry, kafka,
                partitioning, KafkaLogin.plaintext());
    }

    /** Without {@code partitioning}: events are spread by event id. */
    public EncryptorConfig(String source, Governance governance, String applicationId, String bootstrapServers,
                           KmsSettings kms, int maxEventBytes, SealerConfig sealer, KmsRetry kmsRetry,
                           KafkaOverrides kafka) {
        this(source, governance, applicationId, bootstrapServers, kms, maxEventBytes, sealer, kmsRetry, kafka,
                Partitioning.EVENT_ID);
    }

    /** The shared keys ({@link AppSettings}), named here too so that all of the encryptor's keys read from one class. */
    public static final String GOVERNANCE_FILE = AppSettings.GOVERNANCE_FILE;
    public static final String APPLICATION_ID = AppSettings.APPLICATION_ID;
    public static final String BOOTSTRAP_SERVERS = AppSettings.BOOTSTRAP_SERVERS;
    public static final String GOVERNANCE_WATCH = AppSettings.GOVERNANCE_WATCH;

    public static final String APPLICATION_ID_DOC = "Kafka Streams application.id: the consumer group and the"
            + " transactional id prefix. Not set: `deptcrypt-<governance owner>`.";

    public static final String MAX_EVENT_BYTES = "max.event.bytes";
    public static final String MAX_EVENT_BYTES_DOC = "Ingest values larger than this many bytes go to the dead-letter"
            + " topic (reason TOO_LARGE). The bound keeps an envelope below Kafka's default 1 MiB record limit.";
    public static final int MAX_EVENT_BYTES_DEFAULT = 256 * 1024;
    /** Envelope overhead stays well below Kafka's default 1 MiB record limit. */
    public static final int MAX_EVENT_BYTES_LIMIT = 900 * 1024;

    public static final String ENVELOPE_FORMAT = "envelope.format";
    public static final String ENVELOPE_FORMAT_DOC = "AES_GCM_V2 (compact: AES-256-GCM per record, the KMS-wrapped"
            + " data key by reference to its record on the keys topic, topics.keys), AES_GCM_V1 (self-contained: each"
            + " record carries its wrapped data key) or ESDK_MESSAGE_V1 (a standard AWS Encryption SDK message per"
            + " record, for readers in other ESDK languages). Dead letters are always self-contained.";
    public static final String ENVELOPE_FORMAT_DEFAULT = EnvelopeFormatId.AES_GCM_V2.name();

    public static final String DATA_KEY_MAX_RECORDS = "data.key.max.records";
    public static final String DATA_KEY_MAX_RECORDS_DOC = "A data key is retired after sealing this many records (or"
            + " after data.key.max.age.ms, whichever comes first).";
    public static final long DATA_KEY_MAX_RECORDS_DEFAULT = SealerConfig.DEFAULT_MAX_RECORDS_PER_DATA_KEY;

    public static final String DATA_KEY_MAX_AGE_MS = "data.key.max.age.ms";
    public static final String DATA_KEY_MAX_AGE_MS_DOC = "A data key is retired this many milliseconds after KMS"
            + " generated it; part of the bound on how long a revoked reader can open new records.";
    public static final long DATA_KEY_MAX_AGE_MS_DEFAULT = SealerConfig.DEFAULT_MAX_DATA_KEY_AGE.toMillis();

    public static final String SHARED_PARTITIONING = "shared.partitioning";
    public static final String SHARED_PARTITIONING_DOC = "How sealed events are spread over the shared topic's"
            + " partitions: EVENT_ID (every partition used, by a hash of the event id) or DEPARTMENT (one partition"
            + " per department, total order per department).";
    public static final String SHARED_PARTITIONING_DEFAULT = Partitioning.EVENT_ID.name();

    public static final String DEDUPE_WINDOW_MS = "dedupe.window.ms";
    public static final String DEDUPE_WINDOW_MS_DOC = "How long, in milliseconds of ingest record time (the SQS sent"
            + " time), the encryptor remembers each event it sealed, to drop a second copy of it: the SQS source"
            + " connector is at least once, so an SQS message can reach the ingest topic twice. The dedupe key is the"
            + " event's eventId, else the connector's sqs.message.id header; an event with neither is never dropped."
            + " Copies on different ingest partitions are not compared (docs/wire-format.md). Remembered in a"
            + " changelogged state store of the encryptor's (its Streams internal topics). 0: no deduplication and"
            + " no store.";
    public static final long DEDUPE_WINDOW_MS_DEFAULT = 60 * 60 * 1000L; // an hour
    /** A week: the store holds one entry per event sealed within up to three windows. */
    public static final long DEDUPE_WINDOW_MS_LIMIT = Duration.ofDays(7).toMillis();

    public static final String DEDUPE_STORE = "dedupe.store";
    public static final String DEDUPE_STORE_DOC = "Where the dedupe keys of dedupe.window.ms are kept: PERSISTENT"
            + " (RocksDB in the Streams state.dir; memory stays bounded however many events the window holds) or"
            + " IN_MEMORY (on the heap, about 200 bytes per event of up to three windows of record time, rebuilt from"
            + " the changelog at each start). Both are changelogged.";
    public static final String DEDUPE_STORE_DEFAULT = DedupeStore.PERSISTENT.name();

    private static final ConfigDef CONFIG_DEF = define();

    private static ConfigDef define() {
        ConfigDef d = AppSettings.defineGovernanceFile(new ConfigDef());
        AppSettings.defineStreamsApp(d, APPLICATION_ID_DOC);
        KmsSettings.define(d);
        KmsRetry.define(d);
        return d.define(MAX_EVENT_BYTES, Type.INT, MAX_EVENT_BYTES_DEFAULT, Range.between(1, MAX_EVENT_BYTES_LIMIT),
                        Importance.MEDIUM, MAX_EVENT_BYTES_DOC)
                .define(ENVELOPE_FORMAT, Type.STRING, ENVELOPE_FORMAT_DEFAULT, EnumChoice.of(EnvelopeFormatId.class),
                        Importance.MEDIUM, ENVELOPE_FORMAT_DOC)
                .define(DATA_KEY_MAX_RECORDS, Type.LONG, DATA_KEY_MAX_RECORDS_DEFAULT,
                        Range.between(1, SealerConfig.DEFAULT_MAX_RECORDS_PER_DATA_KEY), Importance.LOW,
                        DATA_KEY_MAX_RECORDS_DOC)
                .define(DATA_KEY_MAX_AGE_MS, Type.LONG, DATA_KEY_MAX_AGE_MS_DEFAULT,
                        Range.between(1_000, SealerConfig.DEFAULT_MAX_DATA_KEY_AGE.toMillis()), Importance.LOW,
                        DATA_KEY_MAX_AGE_MS_DOC)
                .define(SHARED_PARTITIONING, Type.STRING, SHARED_PARTITIONING_DEFAULT, EnumChoice.of(Partitioning.class),
                        Importance.MEDIUM, SHARED_PARTITIONING_DOC)
                .define(DEDUPE_WINDOW_MS, Type.LONG, DEDUPE_WINDOW_MS_DEFAULT, Range.between(0, DEDUPE_WINDOW_MS_LIMIT),
                        Importance.MEDIUM, DEDUPE_WINDOW_MS_DOC)
                .define(DEDUPE_STORE, Type.STRING, DEDUPE_STORE_DEFAULT, EnumChoice.of(DedupeStore.class),
                        Importance.LOW, DEDUPE_STORE_DOC);
    }

    /** Every key of the encryptor's properties, with its type, default, validator and doc (a copy). */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG_DEF);
    }

    /** Reads a properties file, expanding {@code ${NAME}} from the process environment. */
    public static EncryptorConfig load(Path file) {
        return load(file, System::getenv);
    }

    public static EncryptorConfig load(Path file, Function<String, String> env) {
        return parse(ConfigProperties.load(file, env));
    }

    /** For embedding: the same keys as the file, given as a map; relative paths resolve against {@code baseDir}. */
    public static EncryptorConfig of(Map<String, String> props, String source, Path baseDir, Function<String, String> env) {
        return parse(ConfigProperties.of(props, source, baseDir, env));
    }

    /** Checks every key and reports every problem at once ({@link io.deptcrypt.runtime.InvalidConfigException}). */
    public static EncryptorConfig parse(ConfigProperties p) {
        ConfigCheck c = ConfigCheck.of(CONFIG_DEF, p);
        Optional<Governance> governance = c.governance(GOVERNANCE_FILE);
        Optional<KmsSettings> kms = KmsSettings.from(c, governance);
        Optional<KmsRetry> retry = KmsRetry.from(c);
        KafkaOverrides kafka = KafkaOverrides.from(c, AppSettings.OWN_KAFKA_SETTINGS);
        Optional<KafkaLogin> login = KafkaLogin.from(c);
        c.throwIfInvalid();

        Governance g = governance.orElseThrow();
        SealerConfig sealer = new SealerConfig(c.getEnum(ENVELOPE_FORMAT, EnvelopeFormatId.class),
                c.getLong(DATA_KEY_MAX_RECORDS), Duration.ofMillis(c.getLong(DATA_KEY_MAX_AGE_MS)));
        return new EncryptorConfig(c.source(), g, AppSettings.applicationId(c, "deptcrypt-" + g.owner()),
                c.getString(BOOTSTRAP_SERVERS), kms.orElseThrow(), c.getInt(MAX_EVENT_BYTES), sealer, retry.orElseThrow(),
                kafka, c.getEnum(SHARED_PARTITIONING, Partitioning.class), login.orElseThrow(),
                c.getBoolean(GOVERNANCE_WATCH), new DedupeSettings(Duration.ofMillis(c.getLong(DEDUPE_WINDOW_MS)),
                        c.getEnum(DEDUPE_STORE, DedupeStore.class)));
    }

    /** Bootstrap servers and login, for a plain Kafka client of the encryptor (not Streams). */
    public Map<String, Object> clientProperties() {
        Map<String, Object> p = new LinkedHashMap<>(kafkaLogin.clientProperties());
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return p;
    }

    /** A copy pointing at other Kafka brokers (for embedding). */
    public EncryptorConfig withBootstrapServers(String servers) {
        return new EncryptorConfig(source, governance, applicationId, servers, kms, maxEventBytes, sealer, kmsRetry, kafka,
                partitioning, kafkaLogin, watchGovernance, dedupe);
    }

    /** A copy that deduplicates as {@code settings} say. */
    public EncryptorConfig withDedupe(DedupeSettings settings) {
        return new EncryptorConfig(source, governance, applicationId, bootstrapServers, kms, maxEventBytes, sealer,
                kmsRetry, kafka, partitioning, kafkaLogin, watchGovernance, settings);
    }
}
