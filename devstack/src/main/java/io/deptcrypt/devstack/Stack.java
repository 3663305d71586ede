package io.deptcrypt.devstack;

import io.deptcrypt.consumers.DepartmentConsumerApp;
import io.deptcrypt.consumers.DepartmentConsumerConfig;
import io.deptcrypt.consumers.DepartmentSink;
import io.deptcrypt.consumers.PrintingSink;
import io.deptcrypt.crypto.KmsCallCounts;
import io.deptcrypt.crypto.KmsKeyringProvider;
import io.deptcrypt.embedded.EmbeddedConnect;
import io.deptcrypt.embedded.EmbeddedKafka;
import io.deptcrypt.embedded.EmbeddedSqs;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.localkms.AccessKey;
import io.deptcrypt.localkms.LocalKms;
import io.deptcrypt.localkms.LocalKmsConfig;
import io.deptcrypt.topology.EncryptorApp;
import io.deptcrypt.topology.EncryptorConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.NewTopic;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The whole system in this JVM, started in dependency order: the broker, ElasticMQ (with the ingest queue) and
 * localkms together; then the Connect worker, the encryptor and one consumer per department together; then the SQS
 * source connector through Connect's REST API. {@link #close()} stops them in reverse order.
 *
 * <p>Each department consumer runs as the department's first reader application in the governance file, with that
 * application's own localkms credentials, so KMS decides what it can open.
 */
public final class Stack implements AutoCloseable {

    public static final String CONNECTOR_NAME = "deptcrypt-sqs-source";
    public static final String CONNECTOR_CLASS = "io.deptcrypt.connectors.sqs.SqsSourceConnector";
    /** Partitions of the ingest topic (records are keyed by SQS message, so any spread works). */
    static final int INGEST_PARTITIONS = 3;
    private static final Duration APP_READY_TIMEOUT = Duration.ofSeconds(90);

    /** A department consumer and the KMS client it owns. */
    public record Consumer(String department, String application, DepartmentConsumerApp app, KmsKeyringProvider keyrings, KmsClient kms) {}

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Stack.class);

    private final StackConfig cfg;
    private final Governance governance;
    private final Lifecycle lifecycle;
    private final StateDirLock lock;
    private final DeliveryLog deliveries = new DeliveryLog();
    private final PrintStream eventsOut;
    private final Map<String, Consumer> consumers = new ConcurrentHashMap<>();
    private final KmsCallTotals retiredKmsCalls = new KmsCallTotals();
    private volatile EmbeddedKafka kafka;
    private volatile EmbeddedSqs sqs;
    private volatile String queueUrl;
    private volatile LocalKms kms;
    private volatile int kmsPort;
    private volatile EmbeddedConnect connect;
    private volatile EncryptorApp encryptor;
    private volatile KmsKeyringProvider encryptorKeyrings;
    private volatile KmsClient encryptorKms;
    private volatile AppConfigs appConfigs;
    private volatile Endpoints endpoints;
    private volatile EventGenerator generator;
    private volatile KmsAudit audit;
    private volatile Duration readyAfter;

    private Stack(StackConfig cfg, Governance governance, Lifecycle lifecycle, StateDirLock lock, PrintStream eventsOut) {
        this.cfg = cfg;
        this.governance = governance;
        this.lifecycle = lifecycle;
        this.lock = lock;
        this.eventsOut = eventsOut;
    }

    /** Starts everything; decrypted events are only recorded (see {@link #deliveries()}). */
    public static Stack start(StackConfig cfg, Console console) {
        return start(cfg, console, null);
    }

    /**
     * Starts everything; on failure, whatever started is stopped again and a {@link StackException} says why.
     *
     * @param eventsOut if not null, each consumer also prints every event it opens there, in the three-block form
     */
    public static Stack start(StackConfig cfg, Console console, PrintStream eventsOut) {
        Governance governance = GovernanceLoader.load(cfg.governanceFile());
        if (cfg.fresh()) {
            deleteRecursively(cfg.stateDir());
        }
        boolean reused = Files.isDirectory(cfg.kafkaDir());
        StateDirLock lock = StateDirLock.acquire(cfg.stateDir());
        console.line("deptcrypt stack: state %s (%s), governance %s", cfg.stateDir(), reused ? "reused" : "new", cfg.governanceFile());
        Lifecycle lifecycle = new Lifecycle(console);
        Stack stack = new Stack(cfg, governance, lifecycle, lock, eventsOut);
        try {
            stack.startAll();
        } catch (RuntimeException e) {
            console.endProgress();
            lifecycle.close();
            lock.close();
            throw e;
        }
        return stack;
    }

    private void startAll() {
        Governance.Topics topics = governance.topics();
        RememberedPorts ports = new RememberedPorts(cfg.stateDir());
        int kafkaPortWanted = ports.choose("kafka", cfg.kafkaPort());
        int sqsPortWanted = ports.choose("sqs", cfg.sqsPort());
        int kmsPortWanted = ports.choose("kms", cfg.kmsPort());
        int connectPortWanted = ports.choose("connect", cfg.connectPort());
        // 1. The servers, which need nothing but themselves.
        lifecycle.startTogether(
                () -> kafka = lifecycle.start("kafka broker", () -> {
                    EmbeddedKafka k = onPort(kafkaPortWanted, cfg.kafkaPort(), port -> EmbeddedKafka.start(cfg.kafkaDir(), port));
                    k.createTopics(List.of(
                            new NewTopic(topics.ingest(), INGEST_PARTITIONS, (short) 1),
                            new NewTopic(topics.shared(), topics.partitions(), (short) 1),
                            new NewTopic(topics.deadLetter(), 1, (short) 1)));
                    return k;
                }, EmbeddedKafka::close, EmbeddedKafka::bootstrapServers),
                () -> sqs = lifecycle.start("sqs (elasticmq)", () -> {
                    EmbeddedSqs s = onPort(sqsPortWanted, cfg.sqsPort(), EmbeddedSqs::start);
                    queueUrl = s.createQueue(cfg.queueName());
                    return s;
                }, EmbeddedSqs::close, s -> queueUrl),
                () -> kms = lifecycle.start("localkms", () -> {
                    LocalKms k = onPort(kmsPortWanted, cfg.kmsPort(), port -> LocalKms.start(LocalKmsConfig.of(governance, cfg.kmsDir()).withPort(port)));
                    kmsPort = k.port();
                    return k;
                }, k -> stopKms(), k -> k.endpoint().toString()));
        audit = new KmsAudit(kms.auditLog());
        endpoints = endpoints("");
        appConfigs = new AppConfigs(cfg, governance, endpoints);

        // 2. What needs the broker and KMS: the Connect worker, the encryptor, the department consumers.
        Runnable[] second = new Runnable[2 + governance.departments().size()];
        second[0] = () -> connect = lifecycle.start("kafka connect", () -> {
            return onPort(connectPortWanted, cfg.connectPort(),
                    port -> EmbeddedConnect.start(kafka.bootstrapServers(), Map.of("listeners", "http://127.0.0.1:" + port)));
        }, EmbeddedConnect::stop, c -> c.restUrl().toString());
        second[1] = () -> lifecycle.start("encryptor", () -> {
            startEncryptor();
            return this;
        }, s -> stopEncryptor(), s -> "as " + governance.owner() + ", " + topics.ingest() + " -> " + topics.shared());
        int i = 2;
        for (Governance.Department d : governance.departments()) {
            String app = d.readers().get(0);
            second[i++] = () -> lifecycle.start(d.name() + " consumer", () -> startConsumer(app, d.name()),
                    c -> stopConsumer(d.name()), c -> "as " + app + ", " + topics.shared() + " -> " + d.name() + " events");
        }
        lifecycle.startTogether(second);

        // 3. The SQS source connector, through the Connect REST API as in production.
        lifecycle.start("sqs source connector", () -> {
            connect.createConnector(CONNECTOR_NAME, connectorConfig());
            return connect.awaitRunning(CONNECTOR_NAME, 1, Duration.ofSeconds(60));
        }, s -> deleteConnector(), s -> queueUrl + " -> " + topics.ingest());

        readyAfter = lifecycle.elapsed();
        ports.remember("kafka", kafka.port());
        ports.remember("sqs", sqs.port());
        ports.remember("kms", kmsPort);
        ports.remember("connect", connect.restUrl().getPort());
        ports.save();
        endpoints = endpoints(connect.restUrl().toString());
        try {
            endpoints.write(cfg.endpointsFile());
        } catch (IOException e) {
            throw new StackException("cannot write " + cfg.endpointsFile() + ": " + e.getMessage(), e);
        }
        generator = new EventGenerator(sqs.client(), queueUrl, governance.departmentNames(), new Random());
    }

    /**
     * Starts a server on {@code wanted}; if that was only the previous run's port (not one the user asked for) and the
     * start fails, something else took it meanwhile: start again on any free port.
     */
    private static <T> T onPort(int wanted, int configured, java.util.function.IntFunction<T> start) {
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

    private Map<String, String> connectorConfig() {
        return appConfigs.connector(CONNECTOR_CLASS, queueUrl, sqs.endpoint().toString(), EmbeddedSqs.REGION.id());
    }

    private Endpoints endpoints(String connectUrl) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (Governance.Department d : governance.departments()) {
            keys.put(d.name(), kms.keyArn(d.name()));
        }
        keys.put("quarantine", kms.quarantineKeyArn());
        Map<String, Endpoints.Credentials> creds = new LinkedHashMap<>();
        for (Governance.Application a : governance.applications()) {
            AccessKey k = kms.credentials(a.name());
            creds.put(a.name(), new Endpoints.Credentials(k.accessKeyId(), k.secretAccessKey()));
        }
        return new Endpoints(kafka.bootstrapServers(), sqs.endpoint().toString(), queueUrl, kms.endpoint().toString(), connectUrl,
                governance.region(), governance.topics(), keys, creds);
    }

    // ----- the encryptor (restartable: the end-to-end tests stop and start it mid-stream)

    /** Starts the encryptor and waits until it is RUNNING. */
    public synchronized void startEncryptor() throws InterruptedException {
        if (encryptor != null) {
            throw new IllegalStateException("the encryptor is already running");
        }
        EncryptorConfig ec = appConfigs.encryptor();
        KmsClient client = ec.kms().newClient();
        KmsKeyringProvider keyrings = new KmsKeyringProvider(client, governance);
        EncryptorApp app;
        try {
            app = EncryptorApp.start(ec, keyrings);
        } catch (RuntimeException e) {
            client.close();
            throw new StackException("encryptor: " + EncryptorApp.describeFailure(e), e);
        }
        encryptor = app;
        encryptorKeyrings = keyrings;
        encryptorKms = client;
        if (!app.awaitRunning(APP_READY_TIMEOUT)) {
            throw new StackException("encryptor not RUNNING within " + APP_READY_TIMEOUT + " (state " + app.state() + ")");
        }
    }

    /** Stops the encryptor (Kafka Streams close: in-flight work is committed or aborted). No-op if stopped. */
    public synchronized void stopEncryptor() {
        EncryptorApp app = encryptor;
        if (app == null) {
            return;
        }
        encryptor = null;
        try {
            app.close();
        } finally {
            retiredKmsCalls.add(encryptorKeyrings.kmsCalls());
            encryptorKms.close();
        }
    }

    public EncryptorApp encryptor() {
        return encryptor;
    }

    /**
     * The encryptor's configuration as a properties map with {@code ${NAME}} references to {@link #endpoints()}'s
     * variables: what {@code java -jar deptcrypt-topology.jar --config <file>} needs to join this stack (with the
     * variables in its environment).
     */
    public Map<String, String> encryptorProperties() {
        return appConfigs.encryptorProperties();
    }

    // ----- department consumers

    private Consumer startConsumer(String application, String department) throws InterruptedException {
        DepartmentConsumerConfig cc = appConfigs.consumer(application, department);
        KmsClient client = cc.kms().newClient();
        KmsKeyringProvider keyrings = new KmsKeyringProvider(client, governance);
        DepartmentSink record = deliveries.sinkFor(department);
        DepartmentSink sink = record;
        if (eventsOut != null) {
            PrintingSink print = new PrintingSink(eventsOut);
            sink = e -> {
                record.accept(e);
                print.accept(e);
            };
        }
        DepartmentConsumerApp app;
        try {
            app = DepartmentConsumerApp.start(cc, keyrings, sink);
        } catch (RuntimeException e) {
            client.close();
            throw new StackException(department + " consumer: " + DepartmentConsumerApp.describeFailure(e), e);
        }
        Consumer c = new Consumer(department, application, app, keyrings, client);
        consumers.put(department, c);
        if (!app.awaitRunning(APP_READY_TIMEOUT)) {
            throw new StackException(department + " consumer not RUNNING within " + APP_READY_TIMEOUT + " (state " + app.state() + ")");
        }
        return c;
    }

    private void stopConsumer(String department) {
        Consumer c = consumers.remove(department);
        if (c != null) {
            try {
                c.app().close();
            } finally {
                retiredKmsCalls.add(c.keyrings().kmsCalls());
                c.kms().close();
            }
        }
    }

    public Map<String, Consumer> consumers() {
        return Map.copyOf(consumers);
    }

    // ----- localkms (restartable on the same port and state: the end-to-end tests take it away mid-stream)

    /** Stops localkms; clients get connection refused until {@link #restartKms()}. No-op if stopped. */
    public synchronized void stopKms() {
        LocalKms k = kms;
        if (k != null) {
            k.stop();
        }
    }

    /** Starts localkms again on the same port with the same state (keys, access keys, audit log). */
    public synchronized void restartKms() {
        stopKms();
        kms = LocalKms.start(LocalKmsConfig.of(governance, cfg.kmsDir()).withPort(kmsPort));
    }

    public LocalKms kms() {
        return kms;
    }

    /** A KMS client signing as the given governance application (its localkms credentials); the caller closes it. */
    public KmsClient kmsClientAs(String application) {
        Endpoints.Credentials c = endpoints.credentialsOf(application);
        return KmsClient.builder()
                .endpointOverride(URI.create(endpoints.kmsEndpoint()))
                .region(Region.of(governance.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())))
                .build();
    }

    /** KMS calls made by the encryptor and the consumers so far (including instances already stopped). */
    public KmsCallCounts kmsCalls() {
        KmsCallTotals t = new KmsCallTotals();
        t.add(retiredKmsCalls.snapshot());
        KmsKeyringProvider enc = encryptorKeyrings;
        if (encryptor != null && enc != null) {
            t.add(enc.kmsCalls());
        }
        consumers.values().forEach(c -> t.add(c.keyrings().kmsCalls()));
        return t.snapshot();
    }

    /**
     * Why the stack cannot make progress, if an app stopped on its own (for example KMS denied the encryptor) or the
     * SQS connector failed: waiting for deliveries is pointless then.
     */
    public java.util.Optional<String> failure() {
        EncryptorApp enc = encryptor;
        if (enc != null && enc.failure().isPresent()) {
            return java.util.Optional.of("the encryptor stopped: " + EncryptorApp.describeFailure(enc.failure().get()));
        }
        for (Consumer c : consumers.values()) {
            if (c.app().failure().isPresent()) {
                return java.util.Optional.of("the " + c.department() + " consumer stopped: "
                        + DepartmentConsumerApp.describeFailure(c.app().failure().get()));
            }
        }
        try {
            EmbeddedConnect.ConnectorStatus st = connect == null ? null : connect.status(CONNECTOR_NAME);
            if (st != null && st.failed()) {
                return java.util.Optional.of("the SQS source connector failed: " + st);
            }
        } catch (RuntimeException e) {
            return java.util.Optional.of("the Connect worker does not answer: " + e.getMessage());
        }
        return java.util.Optional.empty();
    }

    /** localkms's own view of the calls (its audit log). */
    public KmsAudit kmsAudit() {
        return audit;
    }

    // ----- accessors

    public Governance governance() {
        return governance;
    }

    public StackConfig config() {
        return cfg;
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    public EventGenerator generator() {
        return generator;
    }

    public DeliveryLog deliveries() {
        return deliveries;
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public EmbeddedSqs sqs() {
        return sqs;
    }

    public String queueUrl() {
        return queueUrl;
    }

    public EmbeddedConnect connect() {
        return connect;
    }

    /** Time from the start call until every component was ready. */
    public Duration readyAfter() {
        return readyAfter;
    }

    public List<Lifecycle.Started> started() {
        return lifecycle.started();
    }

    @Override
    public void close() {
        lifecycle.close();
        lock.close();
    }

    /** Sums KMS call counts of app instances. */
    private static final class KmsCallTotals {
        private long generateDataKey;
        private long encrypt;
        private long decrypt;

        synchronized void add(KmsCallCounts c) {
            generateDataKey += c.generateDataKey();
            encrypt += c.encrypt();
            decrypt += c.decrypt();
        }

        synchronized KmsCallCounts snapshot() {
            return new KmsCallCounts(generateDataKey, encrypt, decrypt);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new StackException("cannot delete the state directory " + dir + " (--fresh): " + e.getMessage(), e);
        }
    }
}
