package io.deptcrypt.devstack;

import io.deptcrypt.embedded.EmbeddedConnect;
import io.deptcrypt.embedded.EmbeddedKafka;
import io.deptcrypt.embedded.EmbeddedSqs;
import io.deptcrypt.embedded.KafkaSecurity;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.policy.KafkaNames;
import io.deptcrypt.policy.KafkaTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack's servers: the Kafka broker (with the governance topics and the departments' sink topics), ElasticMQ (with
 * the ingest queue, FIFO if its name ends in {@code .fifo}), localkms, the Connect workers ({@link ConnectWorkers}) and, through its REST API as in production, the SQS source connector. The broker authenticates
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
    private volatile ConnectWorkers connect;
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
                            k.createTopics(sinkTopics(k.replicationFactor()));
                            kafkaAccess = KafkaAccessSync.run(k, governance, cfg);
                        },
                        EmbeddedKafka::close, this::describeBroker),
                () -> sqs = lifecycle.start("sqs (elasticmq)",
                        () -> onPort(sqsPort, cfg.sqsPort(), port -> EmbeddedSqs.start(cfg.sqsDir(), port)),
                        // A FIFO queue without content-based deduplication: the generator gives every message its id.
                        s -> queueUrl = cfg.fifoQueue() ? s.createFifoQueue(cfg.queueName(), false) : s.createQueue(cfg.queueName()),
                        EmbeddedSqs::close, s -> queueUrl),
                () -> kms = lifecycle.start("localkms",
                        () -> onPort(kmsPort, cfg.kmsPort(), port -> RestartableKms.start(governance, cfg.kmsDir(), port)),
                        RestartableKms::stop, k -> k.current().endpoint().toString()));
    }

    /**
     * Each department's sink topic, which its stack consumers write what they open to: as many partitions as the
     * shared topic, the cluster's replication factor (and, from {@link EmbeddedKafka#createTopics}, its min ISR).
     */
    private List<NewTopic> sinkTopics(short replicationFactor) {
        return governance.departments().stream()
                .map(d -> new NewTopic(AppConfigs.sinkTopic(d.name()), governance.topics().partitions(), replicationFactor))
                .toList();
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

    /**
     * The starts of the Connect workers (they need the broker), one Connect group; meant to run together with the
     * apps. The first worker gets the remembered (or given) port, the others any free port.
     */
    List<Runnable> connectStarts() {
        int first = ports.choose("connect", cfg.connectPort());
        int count = cfg.connectWorkers();
        connect = new ConnectWorkers(count, first, cfg.connectPort(),
                (port, configured) -> onPort(port, configured, p -> EmbeddedConnect.fromProperties(
                        ConnectWorkers.withListener(connectWorkerProperties(), p))));
        List<Runnable> starts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int worker = i;
            // The stop acts on the index: a worker stopped and started again meanwhile is the one stopped.
            starts.add(() -> lifecycle.start(ConnectWorkers.label(worker, count), () -> connect.start(worker),
                    c -> connect.stop(worker), c -> c.restUrl().toString()));
        }
        return starts;
    }

    /**
     * What a worker needs to join the stack's Connect group, {@code listeners} aside: the cluster, the login as the
     * connector's governance application (for the worker and, prefixed, its connectors' clients), the group, its
     * internal topics and converters, the local timeouts.
     */
    Map<String, String> connectWorkerProperties() {
        Map<String, String> p = EmbeddedConnect.workerProperties(kafka,
                kafka.clientProperties(CONNECTOR_APPLICATION, kafkaPassword(CONNECTOR_APPLICATION)), LocalSettings.CONNECT_WORKER);
        p.remove(ConnectWorkers.LISTENERS);
        return p;
    }

    /** Creates (or replaces) the SQS source connector and waits until its tasks are RUNNING. */
    void startConnector(Map<String, String> config) {
        lifecycle.start("sqs source connector", () -> {
            EmbeddedConnect c = anyWorker();
            c.createConnector(CONNECTOR_NAME, config);
            return c;
        }, c -> c.awaitRunning(CONNECTOR_NAME, 1, CONNECTOR_READY_TIMEOUT), c -> deleteConnector(), c -> queueUrl + " -> "
                + governance.topics().ingest() + ", " + c.status(CONNECTOR_NAME).tasks().size() + " task(s) on "
                + connect.count() + " worker(s)");
    }

    private EmbeddedConnect anyWorker() {
        EmbeddedConnect c = connect.any();
        if (c == null) {
            throw new StackException("no Connect worker is running");
        }
        return c;
    }

    /** Saves this run's ports for the next start. */
    void rememberPorts() {
        ports.remember("kafka", kafka.port());
        ports.remember("sqs", sqs.port());
        ports.remember("kms", kms.port());
        connect.worker(0).ifPresent(w -> ports.remember("connect", w.restUrl().getPort()));
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
            anyWorker().deleteConnector(CONNECTOR_NAME);
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

    /** The first running Connect worker, or null if none runs. */
    EmbeddedConnect connect() {
        ConnectWorkers c = connect;
        return c == null ? null : c.any();
    }

    /** The Connect workers (null before {@link #connectStarts()}). */
    ConnectWorkers connectWorkers() {
        return connect;
    }
}
