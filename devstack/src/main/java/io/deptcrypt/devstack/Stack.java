package io.deptcrypt.devstack;

import io.deptcrypt.consumers.DepartmentConsumerApp;
import io.deptcrypt.crypto.KmsCallCounts;
import io.deptcrypt.crypto.KmsKeyringProvider;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.embedded.EmbeddedConnect;
import io.deptcrypt.embedded.EmbeddedKafka;
import io.deptcrypt.embedded.EmbeddedSqs;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.localkms.LocalKms;
import io.deptcrypt.topology.EncryptorApp;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The whole system in this JVM, started in dependency order: the broker (with the governance topics and each
 * department's sink topic), ElasticMQ (with the ingest queue) and localkms together; then the Connect workers, the
 * encryptor instances and the consumer instances of every department together; then the SQS source connector through
 * Connect's REST API. {@link #close()} stops them in reverse order. How many instances of each run is
 * {@link StackConfig#encryptors()}, {@link StackConfig#consumersPerDepartment()} and {@link StackConfig#connectWorkers()}.
 *
 * <p>The single-instance methods predate several instances: {@link #stopEncryptor()} and {@link #startEncryptor()} act
 * on every encryptor instance, {@link #encryptor()}, {@link #consumers()} and {@link #connect()} give the first running
 * instance (instance 0 while it runs).
 *
 * <p>The parts: {@link Servers} (the servers and the connector), {@link StackApps} (the Streams apps, each a
 * {@link RestartableApp} with its own KMS client), {@link Endpoints} (addresses and credentials, written to
 * {@code endpoints.env}), {@link Lifecycle} (start order, readiness, stop order).
 *
 * <p>Each department consumer runs as the department's first reader application in the governance file, with that
 * application's own localkms credentials, so KMS decides what it can open.
 */
public final class Stack implements AutoCloseable {

    public static final String CONNECTOR_NAME = Servers.CONNECTOR_NAME;
    public static final String CONNECTOR_CLASS = Servers.CONNECTOR_CLASS;
    private static final Duration APP_READY_TIMEOUT = Duration.ofSeconds(90);

    /** A department consumer and the KMS client it owns. */
    public record Consumer(String department, String application, DepartmentConsumerApp app, KmsKeyringProvider keyrings, KmsClient kms) {}

    private final StackConfig cfg;
    private final Governance governance;
    private final Lifecycle lifecycle;
    private final StateDirLock lock;
    private final DeliveryLog deliveries = new DeliveryLog();
    private final PrintStream eventsOut;
    private final Servers servers;
    private volatile AppConfigs appConfigs;
    private volatile StackApps apps;
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
        this.servers = new Servers(cfg, governance, lifecycle);
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
        // Lock first: --fresh must not delete the state of a stack that is running on it.
        StateDirLock lock = StateDirLock.acquire(cfg.stateDir());
        boolean started = false;
        try {
            if (cfg.fresh()) {
                deleteStateExceptLock(cfg.stateDir());
            }
            KeyLossGuard.check(cfg, governance);
            boolean reused = Files.isDirectory(cfg.kafkaDir());
            console.line("deptcrypt stack: state %s (%s), governance %s", cfg.stateDir(), reused ? "reused" : "new", cfg.governanceFile());
            Lifecycle lifecycle = new Lifecycle(console);
            Stack stack = new Stack(cfg, governance, lifecycle, lock, eventsOut);
            try {
                stack.startAll();
            } catch (RuntimeException | Error e) {
                console.endProgress();
                lifecycle.close();
                throw e;
            }
            started = true;
            return stack;
        } finally {
            if (!started) {
                lock.close();
            }
        }
    }

    private void startAll() {
        Governance.Topics topics = governance.topics();
        // 1. The servers, which need nothing but themselves.
        servers.startIndependent();
        audit = new KmsAudit(servers.kms().current().auditLog());
        endpoints = Endpoints.of(governance, servers);
        appConfigs = new AppConfigs(cfg, governance, endpoints);
        apps = new StackApps(appConfigs, governance, deliveries, eventsOut, APP_READY_TIMEOUT, cfg.encryptors(),
                cfg.consumersPerDepartment());

        // 2. What needs the broker and KMS: the Connect workers, the encryptors, the department consumers.
        List<Runnable> second = new ArrayList<>(servers.connectStarts());
        for (RestartableApp<EncryptorApp> encryptor : apps.encryptors()) {
            second.add(() -> lifecycle.start(encryptor.name(), encryptor::start, i -> encryptor.stop(),
                    i -> "as " + governance.owner() + ", " + topics.ingest() + " -> " + topics.shared() + ", " + i.recipe().details()));
        }
        for (Governance.Department d : governance.departments()) {
            for (RestartableApp<DepartmentConsumerApp> consumer : apps.consumers(d.name())) {
                second.add(() -> lifecycle.start(consumer.name(), consumer::start, i -> consumer.stop(),
                        i -> "as " + StackApps.reader(d) + ", " + topics.shared() + " -> " + d.name() + " events, "
                                + sinkTopic(d.name())));
            }
        }
        lifecycle.startTogether(second.toArray(Runnable[]::new));

        // 3. The SQS source connector, through the Connect REST API as in production.
        servers.startConnector(appConfigs.connector(CONNECTOR_CLASS, servers.queueUrl(), servers.sqs().endpoint().toString(),
                EmbeddedSqs.REGION.id()));

        readyAfter = lifecycle.elapsed();
        servers.rememberPorts();
        endpoints = Endpoints.of(governance, servers);
        try {
            endpoints.write(cfg.endpointsFile());
        } catch (IOException e) {
            throw new StackException("cannot write " + cfg.endpointsFile() + ": " + e.getMessage(), e);
        }
        generator = new EventGenerator(servers.sqs().client(), servers.queueUrl(), governance.departmentNames(), new Random());
    }

    // ----- the encryptors (restartable: the end-to-end tests stop and start them mid-stream)

    /**
     * Starts every encryptor instance that is stopped, one after the other, each waiting until it is RUNNING; one that
     * does not get there is closed again.
     */
    public void startEncryptor() throws InterruptedException {
        for (RestartableApp<EncryptorApp> e : apps.encryptors()) {
            if (e.running().isEmpty()) {
                e.start();
            }
        }
    }

    /** Stops every encryptor instance (Kafka Streams close: in-flight work is committed or aborted). */
    public void stopEncryptor() {
        apps.encryptors().forEach(RestartableApp::stop);
    }

    /** The first running encryptor instance (instance 0 while it runs), or null if none runs. */
    public EncryptorApp encryptor() {
        List<EncryptorApp> running = encryptors();
        return running.isEmpty() ? null : running.get(0);
    }

    /** How many encryptor instances the stack has ({@link StackConfig#encryptors()}), running or not. */
    public int encryptorCount() {
        return apps.encryptors().size();
    }

    /** Starts encryptor instance {@code i} (0-based) and waits until it is RUNNING; it must be stopped. */
    public void startEncryptor(int i) throws InterruptedException {
        apps.encryptor(i).start();
    }

    /** Stops encryptor instance {@code i} (0-based); its partitions move to the others. No-op if stopped. */
    public void stopEncryptor(int i) {
        apps.encryptor(i).stop();
    }

    /** The running encryptor instances, by index. */
    public List<EncryptorApp> encryptors() {
        return apps.encryptors().stream().flatMap(e -> e.running().stream()).map(RestartableApp.Instance::app).toList();
    }

    /**
     * The encryptor's configuration as a properties map with {@code ${NAME}} references to {@link #endpoints()}'s
     * variables: what {@code java -jar deptcrypt-topology.jar --config <file>} needs to join this stack (with the
     * variables in its environment).
     */
    public Map<String, String> encryptorProperties() {
        return appConfigs.encryptorProperties();
    }

    /** The first running consumer instance of each department (instance 0 while it runs), by department. */
    public Map<String, Consumer> consumers() {
        return apps.runningConsumers();
    }

    /** Every running consumer instance, department by department in governance order. */
    public List<Consumer> consumerInstances() {
        return apps.runningConsumerInstances();
    }

    /**
     * The topic a department's stack consumers write every event they open to ({@code sink.topic}):
     * {@code <department>.events}, created by the stack, owned by the department's readers. Exactly once for a
     * read_committed reader, unlike {@link #deliveries()} and the printed events.
     */
    public String sinkTopic(String department) {
        governance.department(department); // an unknown department is an error, not a topic nobody writes
        return AppConfigs.sinkTopic(department);
    }

    // ----- localkms (restartable on the same port and state: the end-to-end tests take it away mid-stream)

    /** Stops localkms; clients get connection refused until {@link #restartKms()}. No-op if stopped. */
    public void stopKms() {
        servers.kms().stop();
    }

    /** Starts localkms again on the same port with the same state (keys, access keys, audit log). */
    public void restartKms() {
        servers.kms().restart();
    }

    public LocalKms kms() {
        RestartableKms k = servers.kms();
        return k == null ? null : k.current();
    }

    /** A KMS client signing as the given governance application (its localkms credentials); the caller closes it. */
    public KmsClient kmsClientAs(String application) {
        return endpoints.kmsClientAs(application);
    }

    /** KMS calls made by the encryptor and the consumers so far (including instances already stopped). */
    public KmsCallCounts kmsCalls() {
        return apps.kmsCalls();
    }

    /**
     * Why the stack cannot make progress, if an app stopped on its own (for example KMS denied the encryptor) or the
     * SQS connector failed: waiting for deliveries is pointless then.
     */
    public Optional<String> failure() {
        Optional<String> app = apps.failure();
        if (app.isPresent()) {
            return app;
        }
        try {
            EmbeddedConnect connect = servers.connect();
            EmbeddedConnect.ConnectorStatus st = connect == null ? null : connect.status(CONNECTOR_NAME);
            if (st != null && st.failed()) {
                return Optional.of("the SQS source connector failed: " + st);
            }
        } catch (RuntimeException e) {
            return Optional.of("the Connect worker does not answer: " + e.getMessage());
        }
        return Optional.empty();
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

    /** The format the encryptor writes ({@code envelope.format}). */
    public EnvelopeFormatId envelopeFormat() {
        return appConfigs.encryptor().sealer().format();
    }

    public EventGenerator generator() {
        return generator;
    }

    public DeliveryLog deliveries() {
        return deliveries;
    }

    public EmbeddedKafka kafka() {
        return servers.kafka();
    }

    public EmbeddedSqs sqs() {
        return servers.sqs();
    }

    public String queueUrl() {
        return servers.queueUrl();
    }

    /** The first running Connect worker (worker 0 while it runs), or null if none runs. */
    public EmbeddedConnect connect() {
        return servers.connect();
    }

    /** The running Connect workers, by index. */
    public List<EmbeddedConnect> connectWorkers() {
        return servers.connectWorkers().runningWorkers();
    }

    /** Stops Connect worker {@code i} (0-based); its connector and tasks move to the other workers. No-op if stopped. */
    public void stopConnectWorker(int i) {
        servers.connectWorkers().stop(i);
    }

    /** Starts Connect worker {@code i} (0-based) again, on the port it had if that is free; it must be stopped. */
    public void startConnectWorker(int i) {
        servers.connectWorkers().start(i);
    }

    /**
     * The worker properties that let a Connect worker in another JVM ({@code ConnectDistributed <file>}, with the
     * connectors jar on its class path) join this stack's Connect group: bootstrap servers, the SASL login as the
     * connector's governance application (a password: keep the file owner-only), group id, internal topics,
     * converters and timeouts. {@code listeners} is left to the caller.
     */
    public Map<String, String> connectWorkerProperties() {
        return servers.connectWorkerProperties();
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

    /**
     * {@code --fresh}: deletes everything in the state directory but the lock this stack holds and the log directory,
     * whose files are emptied instead: the component log was set up (and may be open) before the lock was taken.
     */
    static void deleteStateExceptLock(Path dir) {
        Path lockFile = dir.resolve(StateDirLock.FILE_NAME);
        Path logs = dir.resolve(StackConfig.LOGS_DIR);
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (file.getParent().equals(logs)) {
                        Files.write(file, new byte[0]);
                    } else if (!file.equals(lockFile)) {
                        Files.delete(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    if (!d.equals(dir) && !d.equals(logs)) {
                        Files.delete(d);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new StackException("cannot delete the state directory " + dir + " (--fresh): " + e.getMessage(), e);
        }
    }
}
