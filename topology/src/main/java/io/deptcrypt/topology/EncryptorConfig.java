package io.deptcrypt.topology;

import io.deptcrypt.crypto.SealerConfig;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.runtime.ConfigProperties;
import io.deptcrypt.runtime.KafkaOverrides;
import io.deptcrypt.runtime.KmsRetry;
import io.deptcrypt.runtime.KmsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * The encryptor's configuration, parsed and validated once from {@code config/topology.properties}.
 * Keys are documented on the constants below and in that file.
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
 */
public record EncryptorConfig(String source, Governance governance, String applicationId, String bootstrapServers,
                              KmsSettings kms, int maxEventBytes, SealerConfig sealer, KmsRetry kmsRetry,
                              KafkaOverrides kafka, SharedTopicPartitioner.Partitioning partitioning) {

    /** Without {@code partitioning}: events are spread by event id. */
    public EncryptorConfig(String source, Governance governance, String applicationId, String bootstrapServers,
                           KmsSettings kms, int maxEventBytes, SealerConfig sealer, KmsRetry kmsRetry,
                           KafkaOverrides kafka) {
        this(source, governance, applicationId, bootstrapServers, kms, maxEventBytes, sealer, kmsRetry, kafka,
                SharedTopicPartitioner.Partitioning.EVENT_ID);
    }

    public static final String GOVERNANCE_FILE = "governance.file";
    public static final String APPLICATION_ID = "application.id";
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String MAX_EVENT_BYTES = "max.event.bytes";
    public static final String ENVELOPE_FORMAT = "envelope.format";
    public static final String DATA_KEY_MAX_RECORDS = "data.key.max.records";
    public static final String DATA_KEY_MAX_AGE_MS = "data.key.max.age.ms";
    public static final String SHARED_PARTITIONING = "shared.partitioning";

    public static final int DEFAULT_MAX_EVENT_BYTES = 256 * 1024;
    /** Envelope overhead stays well below Kafka's default 1 MiB record limit. */
    public static final int MAX_MAX_EVENT_BYTES = 900 * 1024;

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

    public static EncryptorConfig parse(ConfigProperties p) {
        Governance governance = p.governance(GOVERNANCE_FILE);
        String applicationId = p.string(APPLICATION_ID, "deptcrypt-" + governance.owner());
        if (!applicationId.matches("[a-zA-Z0-9._-]{1,200}")) {
            throw p.error(APPLICATION_ID, "'" + applicationId + "' must be 1-200 of [a-zA-Z0-9._-]");
        }
        String bootstrap = p.required(BOOTSTRAP_SERVERS);
        KmsSettings kms = KmsSettings.from(p, governance);
        int maxEventBytes = p.intValue(MAX_EVENT_BYTES, DEFAULT_MAX_EVENT_BYTES, 1, MAX_MAX_EVENT_BYTES);
        SealerConfig defaults = SealerConfig.defaults();
        EnvelopeFormatId format = p.enumValue(ENVELOPE_FORMAT, EnvelopeFormatId.class, defaults.format());
        long maxRecords = p.longValue(DATA_KEY_MAX_RECORDS, defaults.maxRecordsPerDataKey(), 1, defaults.maxRecordsPerDataKey());
        long maxAgeMs = p.longValue(DATA_KEY_MAX_AGE_MS, defaults.maxDataKeyAge().toMillis(), 1_000, defaults.maxDataKeyAge().toMillis());
        SealerConfig sealer = new SealerConfig(format, maxRecords, Duration.ofMillis(maxAgeMs));
        KmsRetry retry = KmsRetry.from(p);
        SharedTopicPartitioner.Partitioning partitioning = p.enumValue(SHARED_PARTITIONING,
                SharedTopicPartitioner.Partitioning.class, SharedTopicPartitioner.Partitioning.EVENT_ID);
        KafkaOverrides kafka = KafkaOverrides.from(p, Map.of(
                "application.id", APPLICATION_ID, "bootstrap.servers", BOOTSTRAP_SERVERS));
        p.rejectUnknown();
        return new EncryptorConfig(p.source(), governance, applicationId, bootstrap, kms, maxEventBytes, sealer, retry, kafka,
                partitioning);
    }

    /** A copy pointing at other Kafka brokers (for embedding). */
    public EncryptorConfig withBootstrapServers(String servers) {
        return new EncryptorConfig(source, governance, applicationId, servers, kms, maxEventBytes, sealer, kmsRetry, kafka,
                partitioning);
    }
}
