package io.deptcrypt.devstack;

import io.deptcrypt.embedded.EmbeddedConnect;
import io.deptcrypt.embedded.EmbeddedKafka;
import io.deptcrypt.embedded.EmbeddedSqs;
import io.deptcrypt.embedded.KafkaSecurity;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.policy.KafkaNames;
import io.deptcrypt.policy.KafkaTopics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack's servers: the Kafka broker (with the governance topics), ElasticMQ (with the ingest queue), localkms,
 * the Connect worker and, through its REST API as in production, the SQS source connector. The broker authenticates
 * every client (SCRAM-SHA-512, {@link KafkaLogins}) and its ACLs follow governance ({@link KafkaAccessSync}); the
 * Connect worker logs in as the connector's governance application. Each start registers
 * its stop with the {@link Lifecycle} as soon as the server exists. Ports left at 0 get the last run's port back
 * if it is free ({@link RememberedPorts}).
 */
final class Servers {

    static final String CONNECTOR_NAME = "deptcrypt-sqs-source";
    static final String CONNECTOR_CLASS = "io.deptcrypt.connectors.sqs.SqsSourceConnector";
    /** The governance application the Connect worker and the connector run as. */
    static final String CONNECTOR_APPLICATION = KafkaNames.local().connectorApplication();
    /** Partitions of the ingest topic (records are keyed by SQS message, so any spread works). */
    static final int INGEST_PARTITIONS = 3;
    private static final Duration CONNECTOR_READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CRASH_REPAIR_TIMEOUT = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(Servers.class);

    private final StackConfig cfg;
    private final Governance governance;
    private final Lifecycle lifecycle;
    private final RememberedPorts ports;
    private volatile EmbeddedKafka kafka;
    private volatile EmbeddedSqs sqs;
    private volatile String queueUrl;
    private volatile RestartableKms kms;
    private volatile EmbeddedConnect connect;
    private volatile List<HangingTransactions.Hanging> abortedAfterCrash = List.of();
    private volatile KafkaAccessSync.Result kafkaAccess;

    Servers(StackConfig cfg, Governance governance, Lifecycle lifecycle) {
        this.cfg = cfg;
        this.governance = governance;
        this.lifecycle = lifecycle;
        this.ports = new RememberedPorts(cfg.stateDir());
    }

    /** The broker, ElasticMQ and localkms, which need nothing but themselves, started together. */
    void startIndependent() {
        Governance.Topics topics = governance.topics();
        int kafkaPort = ports.choose("kafka", cfg.kafkaPort());
        int sqsPort = ports.choose("sqs", cfg.sqsPort());
        int kmsPort = ports.choose("kms", cfg.kmsPort());
        KafkaSecurity admin = KafkaLogins.admin(cfg);
        lifecycle.startTogether(
                () -> kafka = lifecycle.start("kafka broker",
                        () -> onPort(kafkaPort, cfg.kafkaPort(), port -> EmbeddedKafka.builder(cfg.kafkaDir())
                                .nodes(cfg.brokers()).ports(brokerPorts(port, cfg.brokers()))
                                .security(admin).overrides(LocalSettings.BROKER).start()),
                        k -> {
                            try (Admin a = k.admin()) {
                                abortedAfterCrash = HangingTransactions.abortAll(a, CRASH_REPAIR_TIMEOUT);
                            }
                            k.createTopics(KafkaTopics.of(topics, INGEST_PARTITIONS, k.replicationFactor()));
                            kafkaAccess = KafkaAccessSync.run(k, governance, cfg);
                        },
                        EmbeddedKafka::close, this::describeBroker),
                () -> sqs = lifecycle.start("sqs (elasticmq)",
                        () -> onPort(sqsPort, cfg.sqsPort(), port -> EmbeddedSqs.start(cfg.sqsDir(), port)),
                        s -> queueUrl = s.createQueue(cfg.queueName()),
                        EmbeddedSqs::close, s -> queueUrl),
                () -> kms = lifecycle.start("localkms",
                        () -> onPort(kmsPort, cfg.kmsPort(), port -> RestartableKms.start(governance, cfg.kmsDir(), port)),
                        RestartableKms::stop, k -> k.current().endpoint().toString()));
    }

    /** The first node on the remembered (or given) port, the others on any free port. */
    private static int[] brokerPorts(int first, int brokers) {
        int[] p = new int[brokers];
        p[0] = first;
        return p;
    }

    /** The broker's readiness line: where, how clients log in, what the start changed or repaired. */
    private String describeBroker(EmbeddedKafka k) {
        String access = " (SASL_PLAINTEXT " + KafkaSecurity.MECHANISM + ", " + kafkaAccess.passwords().size() + " users, "
                + kafkaAccess.acls() + " ACLs from governance"
                + (kafkaAccess.changes() == 0 ? "" : ", " + kafkaAccess.changes() + " change(s) made") + ")";
        String repaired = abortedAfterCrash.isEmpty() ? "" : " (aborted " + abortedAfterCrash.size()
                + " transaction(s) a crash left hanging on " + HangingTransactions.describe(abortedAfterCrash)
                + "; their input is processed again)";
        return k.bootstrapServers() + access + repaired;
    }

    /** Starts the Connect worker (needs the broker); meant to run together with the apps. */
    void startConnect() {
        int connectPort = ports.choose("connect", cfg.connectPort());
        connect = lifecycle.start("kafka connect", () -> onPort(connectPort, cfg.connectPort(), port -> {
            Map<String, String> worker = new HashMap<>(LocalSettings.CONNECT_WORKER);
            worker.put("listeners", "http://127.0.0.1:" + port);
            // The worker and its connector's clients log in as the connector's governance application.
            String password = kafkaPassword(CONNECTOR_APPLICATION);
            return EmbeddedConnect.start(kafka, kafka.clientProperties(CONNECTOR_APPLICATION, password), worker);
        }), EmbeddedConnect::stop, c -> c.restUrl().toString());
    }

    /** Creates (or replaces) the SQS source connector and waits until its task is RUNNING. */
    void startConnector(Map<String, String> config) {
        lifecycle.start("sqs source connector", () -> {
            connect.createConnector(CONNECTOR_NAME, config);
            return connect;
        }, c -> c.awaitRunning(CONNECTOR_NAME, 1, CONNECTOR_READY_TIMEOUT), c -> deleteConnector(),
                c -> queueUrl + " -> " + governance.topics().ingest());
    }

    /** Saves this run's ports for the next start. */
    void rememberPorts() {
        ports.remember("kafka", kafka.port());
        ports.remember("sqs", sqs.port());
        ports.remember("kms", kms.port());
        ports.remember("connect", connect.restUrl().getPort());
        ports.save();
    }

    /**
     * Starts a server on {@code wanted}; if that was only the previous run's port (not one the user asked for) and the
     * start fails, something else took it meanwhile: start again on any free port.
     */
    private static <T> T onPort(int wanted, int configured, IntFunction<T> start) {
        try {
            return start.apply(wanted);
        } catch (RuntimeException e) {
            if (wanted == configured) {
                throw e;
            }
            LOG.warn("could not reuse port {} ({}); starting on a free port", wanted, e.getMessage());
            return start.apply(configured);
        }
    }

    /**
     * Removes the connector when the stack stops: its config names this run's ElasticMQ port, which the next start
     * (reusing the Connect topics) would otherwise try until the new config replaces it.
     */
    private void deleteConnector() {
        try {
            connect.deleteConnector(CONNECTOR_NAME);
        } catch (RuntimeException e) {
            // On Ctrl-C the worker's own shutdown hook may have stopped it already; the next start replaces the config.
            LOG.debug("connector {} not deleted: {}", CONNECTOR_NAME, e.getMessage());
        }
    }

    EmbeddedKafka kafka() {
        return kafka;
    }

    /** Each governance application's Kafka password, in governance order. */
    Map<String, String> kafkaPasswords() {
        return kafkaAccess.passwords();
    }

    private String kafkaPassword(String application) {
        String pw = kafkaAccess.passwords().get(application);
        if (pw == null) {
            throw new StackException("the governance file has no application '" + application + "' to run the SQS"
                    + " connector as (its Kafka user); add it under applications");
        }
        return pw;
    }

    EmbeddedSqs sqs() {
        return sqs;
    }

    String queueUrl() {
        return queueUrl;
    }

    RestartableKms kms() {
        return kms;
    }

    EmbeddedConnect connect() {
        return connect;
    }
}
