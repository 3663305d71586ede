package io.deptcrypt.devstack;

import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.topology.EncryptorConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * How to run the stack. Ports 0 mean "any free port".
 *
 * @param stateDir       everything persistent: broker data, localkms keys, Connect offsets, logs, endpoints.env
 * @param governanceFile the governance file every component reads
 * @param kafkaPort      the broker's client listener
 * @param sqsPort        ElasticMQ
 * @param kmsPort        localkms
 * @param connectPort    the Connect worker's REST API
 * @param queueName      the SQS ingest queue; a name ending in {@code .fifo} is created as a FIFO queue
 * @param fresh          delete {@code stateDir} first instead of reusing it
 * @param encryptorSettings extra encryptor settings (keys of {@code config/topology.properties}), applied last
 * @param consumerSettings  extra settings for every department consumer (keys of {@code config/<app>.properties})
 * @param brokers        Kafka nodes (combined broker and controller): 1, or 3 and more for a cluster whose topics
 *                       have replication factor 3 and {@code min.insync.replicas} 2
 * @param encryptors     encryptor instances in this JVM (1-{@value #MAX_INSTANCES}), one Streams group
 * @param consumersPerDepartment consumer instances per department (1-{@value #MAX_INSTANCES}), one group per department
 * @param connectWorkers Connect workers in this JVM (1-{@value #MAX_CONNECT_WORKERS}), one Connect group
 */
public record StackConfig(
        Path stateDir,
        Path governanceFile,
        int kafkaPort,
        int sqsPort,
        int kmsPort,
        int connectPort,
        String queueName,
        boolean fresh,
        Map<String, String> encryptorSettings,
        Map<String, String> consumerSettings,
        int brokers,
        int encryptors,
        int consumersPerDepartment,
        int connectWorkers) {

    public static final String DEFAULT_QUEUE = "deptcrypt-ingest";
    /** The component logs' directory in the state directory. */
    static final String LOGS_DIR = "logs";
    /** The most Kafka nodes a stack runs (all in one JVM). */
    public static final int MAX_BROKERS = 5;
    /** The most encryptor instances, and consumer instances per department, a stack runs (all in one JVM). */
    public static final int MAX_INSTANCES = 8;
    /** The most Connect workers a stack runs (all in one JVM). */
    public static final int MAX_CONNECT_WORKERS = 5;
    /** The suffix SQS requires of a FIFO queue's name. */
    public static final String FIFO_SUFFIX = ".fifo";

    public StackConfig {
        checkPort("kafka", kafkaPort);
        checkPort("sqs", sqsPort);
        checkPort("kms", kmsPort);
        checkPort("connect", connectPort);
        encryptorSettings = Map.copyOf(encryptorSettings);
        consumerSettings = Map.copyOf(consumerSettings);
        if (brokers < 1 || brokers == 2 || brokers > MAX_BROKERS) {
            throw new IllegalArgumentException("brokers must be 1 or 3-" + MAX_BROKERS + " (two nodes cannot keep a"
                    + " KRaft quorum when one stops), was " + brokers);
        }
        // SQS: at most 80 characters, the .fifo suffix included.
        if (queueName == null || !queueName.matches("[A-Za-z0-9_-]{1,80}|[A-Za-z0-9_-]{1,75}\\.fifo")) {
            throw new IllegalArgumentException("queue name '" + queueName + "' must be 1-80 letters, digits, '-' or '_'"
                    + " (a FIFO queue: at most 75 of them, then '" + FIFO_SUFFIX + "')");
        }
        checkCount("encryptors", encryptors, MAX_INSTANCES);
        checkCount("consumers per department", consumersPerDepartment, MAX_INSTANCES);
        checkCount("connect workers", connectWorkers, MAX_CONNECT_WORKERS);
    }

    /** Defaults for a given state directory and governance file: free ports, the default queue, reuse state. */
    public static StackConfig defaults(Path stateDir, Path governanceFile) {
        return new StackConfig(stateDir, governanceFile, 0, 0, 0, 0, DEFAULT_QUEUE, false, Map.of(), Map.of(), 1, 1, 1, 1);
    }

    /** Whether the ingest queue is a FIFO queue (its name ends in {@code .fifo}). */
    public boolean fifoQueue() {
        return queueName.endsWith(FIFO_SUFFIX);
    }

    /** A copy with these encryptor settings (e.g. {@code data.key.max.age.ms}). */
    public StackConfig withEncryptorSettings(Map<String, String> settings) {
        return new StackConfig(stateDir, governanceFile, kafkaPort, sqsPort, kmsPort, connectPort, queueName, fresh, settings,
                consumerSettings, brokers, encryptors, consumersPerDepartment, connectWorkers);
    }

    /** A copy whose encryptor writes {@code format} ({@code envelope.format}), whatever the properties file says. */
    public StackConfig withEnvelopeFormat(EnvelopeFormatId format) {
        Map<String, String> settings = new HashMap<>(encryptorSettings);
        settings.put(EncryptorConfig.ENVELOPE_FORMAT, format.name());
        return withEncryptorSettings(settings);
    }

    /** A copy with these settings for every department consumer (e.g. {@code opener.data.key.ttl.ms}). */
    public StackConfig withConsumerSettings(Map<String, String> settings) {
        return new StackConfig(stateDir, governanceFile, kafkaPort, sqsPort, kmsPort, connectPort, queueName, fresh,
                encryptorSettings, settings, brokers, encryptors, consumersPerDepartment, connectWorkers);
    }

    /** A copy with {@code brokers} Kafka nodes. */
    public StackConfig withBrokers(int brokers) {
        return new StackConfig(stateDir, governanceFile, kafkaPort, sqsPort, kmsPort, connectPort, queueName, fresh,
                encryptorSettings, consumerSettings, brokers, encryptors, consumersPerDepartment, connectWorkers);
    }

    /** A copy with {@code encryptors} encryptor instances. */
    public StackConfig withEncryptors(int encryptors) {
        return new StackConfig(stateDir, governanceFile, kafkaPort, sqsPort, kmsPort, connectPort, queueName, fresh,
                encryptorSettings, consumerSettings, brokers, encryptors, consumersPerDepartment, connectWorkers);
    }

    /** A copy with {@code consumers} consumer instances per department. */
    public StackConfig withConsumersPerDepartment(int consumers) {
        return new StackConfig(stateDir, governanceFile, kafkaPort, sqsPort, kmsPort, connectPort, queueName, fresh,
                encryptorSettings, consumerSettings, brokers, encryptors, consumers, connectWorkers);
    }

    /** A copy with {@code workers} Connect workers. */
    public StackConfig withConnectWorkers(int workers) {
        return new StackConfig(stateDir, governanceFile, kafkaPort, sqsPort, kmsPort, connectPort, queueName, fresh,
                encryptorSettings, consumerSettings, brokers, encryptors, consumersPerDepartment, workers);
    }

    /** A copy reading this ingest queue (a name ending in {@code .fifo}: a FIFO queue). */
    public StackConfig withQueue(String queue) {
        return new StackConfig(stateDir, governanceFile, kafkaPort, sqsPort, kmsPort, connectPort, queue, fresh,
                encryptorSettings, consumerSettings, brokers, encryptors, consumersPerDepartment, connectWorkers);
    }

    public Path kafkaDir() {
        return stateDir.resolve("kafka");
    }

    public Path kmsDir() {
        return stateDir.resolve("kms");
    }

    /** ElasticMQ's queues and the messages not yet deleted (its H2 store), so a restart loses nothing sent. */
    public Path sqsDir() {
        return stateDir.resolve("sqs");
    }

    public Path connectDir() {
        return stateDir.resolve("connect");
    }

    public Path streamsDir() {
        return stateDir.resolve("streams");
    }

    public Path logsDir() {
        return stateDir.resolve(LOGS_DIR);
    }

    /** The Kafka super user's login ({@code KAFKA_ADMIN_USERNAME}, {@code KAFKA_ADMIN_PASSWORD}), owner-only. */
    public Path kafkaAdminFile() {
        return stateDir.resolve("kafka-admin.env");
    }

    /** Each governance application's Kafka login as the last start left it, owner-only. */
    public Path kafkaUsersFile() {
        return stateDir.resolve("kafka-users.env");
    }

    public Path endpointsFile() {
        return stateDir.resolve("endpoints.env");
    }

    private static void checkCount(String what, int n, int max) {
        if (n < 1 || n > max) {
            throw new IllegalArgumentException(what + " must be 1-" + max + " (all run in this JVM), was " + n);
        }
    }

    private static void checkPort(String what, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + " port " + port + " is not in 0-65535 (0 = any free port)");
        }
    }
}
