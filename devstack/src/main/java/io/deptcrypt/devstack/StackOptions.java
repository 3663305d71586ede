package io.deptcrypt.devstack;

import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Command-line options shared by {@code demo} and {@code up}; turned into a {@link StackConfig} once. */
public final class StackOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = ".deptcrypt",
            description = "State: broker data, localkms keys, Connect offsets, logs, endpoints.env (default: ${DEFAULT-VALUE}); reused by the next start.")
    Path stateDir;

    @Option(names = "--governance", paramLabel = "FILE", defaultValue = "config/governance.yaml",
            description = "The governance file (default: ${DEFAULT-VALUE}).")
    Path governance;

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "0", description = "Broker port (default: any free port).")
    int kafkaPort;

    @Option(names = "--sqs-port", paramLabel = "PORT", defaultValue = "0", description = "ElasticMQ (SQS) port (default: any free port).")
    int sqsPort;

    @Option(names = "--kms-port", paramLabel = "PORT", defaultValue = "0", description = "localkms port (default: any free port).")
    int kmsPort;

    @Option(names = "--connect-port", paramLabel = "PORT", defaultValue = "0", description = "Kafka Connect REST port (default: any free port).")
    int connectPort;

    @Option(names = "--brokers", paramLabel = "N", defaultValue = "1",
            description = "Kafka nodes (combined broker and controller, all in this JVM): 1, or 3-" + StackConfig.MAX_BROKERS
                    + " for a cluster (replication factor 3, min.insync.replicas 2 for every topic). A state directory"
                    + " keeps the count it was created with (default: ${DEFAULT-VALUE}).")
    int brokers;

    @Option(names = "--encryptors", paramLabel = "N", defaultValue = "1",
            description = "Encryptor instances in this JVM (1-" + StackConfig.MAX_INSTANCES + "), one Kafka Streams group, each with"
                    + " its own state directory and KMS client (default: ${DEFAULT-VALUE}).")
    int encryptors;

    @Option(names = "--consumers-per-department", paramLabel = "N", defaultValue = "1",
            description = "Consumer instances per department (1-" + StackConfig.MAX_INSTANCES + "), one group per department"
                    + " (default: ${DEFAULT-VALUE}).")
    int consumersPerDepartment;

    @Option(names = "--connect-workers", paramLabel = "N", defaultValue = "1",
            description = "Kafka Connect workers in this JVM (1-" + StackConfig.MAX_CONNECT_WORKERS + "), one Connect group,"
                    + " each with its own REST port; the connector's tasks.max is N unless connect-sqs-source.properties"
                    + " sets it (default: ${DEFAULT-VALUE}).")
    int connectWorkers;

    @Option(names = "--queue", paramLabel = "NAME", defaultValue = StackConfig.DEFAULT_QUEUE,
            description = "SQS ingest queue name; NAME.fifo makes it a FIFO queue, each event's partition key its message"
                    + " group (default: ${DEFAULT-VALUE}).")
    String queue;

    @Option(names = "--fresh", description = "Delete the state directory first instead of reusing it.")
    boolean fresh;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "warn",
            description = "Component log level written to <state-dir>/logs/devstack.log: error, warn, info, debug (default: ${DEFAULT-VALUE}).")
    String logLevel;

    @Option(names = "--envelope-format", paramLabel = "FORMAT",
            description = "What the encryptor writes: AES_GCM_V2 (compact: AES-256-GCM per record, its KMS-wrapped data key by "
                    + "reference to its record on the keys topic), AES_GCM_V1 (each record carries its wrapped data key) or "
                    + "ESDK_MESSAGE_V1 (a standard AWS Encryption SDK message per record). Default: envelope.format of the "
                    + "topology.properties next to the governance file, AES_GCM_V2 as shipped.")
    String envelopeFormat; // a String, not the Avro enum: loading Avro before the logs are configured logs to the console

    /**
     * The stack's configuration. Sends the component logs to {@code <state-dir>/logs/devstack.log} first: that must
     * happen before the first class that logs is loaded (Avro's, for the envelope format, is one).
     */
    StackConfig toConfig() {
        StackConfig cfg;
        try {
            cfg = new StackConfig(stateDir, governance, kafkaPort, sqsPort, kmsPort, connectPort, queue, fresh, Map.of(), Map.of(),
                    brokers, encryptors, consumersPerDepartment, connectWorkers);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), e.getMessage(), e);
        }
        ComponentLogs.configure(cfg.logsDir(), logLevel);
        return envelopeFormat == null ? cfg : cfg.withEnvelopeFormat(envelopeFormat());
    }

    private EnvelopeFormatId envelopeFormat() {
        try {
            return EnvelopeFormatId.valueOf(envelopeFormat);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), "Invalid value for option '--envelope-format': '" + envelopeFormat
                    + "' is not one of " + Arrays.toString(EnvelopeFormatId.values()));
        }
    }
}
