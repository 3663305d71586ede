package io.deptcrypt.devstack;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Command-line options shared by {@code demo} and {@code up}; turned into a {@link StackConfig} once. */
public final class StackOptions {

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

    @Option(names = "--queue", paramLabel = "NAME", defaultValue = StackConfig.DEFAULT_QUEUE, description = "SQS ingest queue name (default: ${DEFAULT-VALUE}).")
    String queue;

    @Option(names = "--fresh", description = "Delete the state directory first instead of reusing it.")
    boolean fresh;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "warn",
            description = "Component log level written to <state-dir>/logs/devstack.log: error, warn, info, debug (default: ${DEFAULT-VALUE}).")
    String logLevel;

    StackConfig toConfig() {
        return new StackConfig(stateDir, governance, kafkaPort, sqsPort, kmsPort, connectPort, queue, fresh, java.util.Map.of(), java.util.Map.of());
    }
}
