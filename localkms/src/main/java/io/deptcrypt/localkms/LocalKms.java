package io.deptcrypt.localkms;

import com.sun.net.httpserver.HttpServer;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.Governance.Application;
import io.deptcrypt.governance.Governance.Department;
import io.deptcrypt.localkms.http.KmsHttpHandler;
import io.deptcrypt.localkms.http.SigV4Verifier;
import io.deptcrypt.localkms.service.AuditLog;
import io.deptcrypt.localkms.service.GovernanceKeys;
import io.deptcrypt.localkms.service.KmsService;
import io.deptcrypt.localkms.state.StateDirectory;
import io.deptcrypt.localkms.state.StateFile;
import io.deptcrypt.localkms.state.StateStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An AWS-KMS-compatible server that enforces the governance file, embeddable in any JVM:
 * <pre>{@code
 * try (LocalKms kms = LocalKms.start(LocalKmsConfig.of(governance, stateDir))) {
 *     KmsClient client = KmsClient.builder().endpointOverride(kms.endpoint()).region(Region.of(kms.region()))
 *         .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
 *             kms.credentials("encryptor").accessKeyId(), kms.credentials("encryptor").secretAccessKey())))
 *         .build();
 *     client.generateDataKey(r -> r.keyId(kms.keyArn("finance")).numberOfBytes(32)
 *         .encryptionContext(Map.of("department", "finance")));
 * }
 * }</pre>
 * On start it creates missing governance keys and aliases, re-applies their generated policies, issues access keys
 * and writes {@code credentials.env}. {@link #stop()} releases the port and the state directory at once, so a new
 * instance can start on the same port and directory right after.
 */
public final class LocalKms implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalKms.class);

    private final LocalKmsConfig config;
    private final StateDirectory directory;
    private final StateStore store;
    private final AuditLog auditLog;
    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final URI endpoint;
    private final GovernanceKeys.Resolved keys;
    private boolean stopped;

    private LocalKms(LocalKmsConfig config, StateDirectory directory, StateStore store, AuditLog auditLog, HttpServer server,
                     ThreadPoolExecutor executor, URI endpoint, GovernanceKeys.Resolved keys) {
        this.config = config;
        this.directory = directory;
        this.store = store;
        this.auditLog = auditLog;
        this.server = server;
        this.executor = executor;
        this.endpoint = endpoint;
        this.keys = keys;
    }

    /**
     * Opens the state directory, reconciles it with governance and starts serving.
     *
     * @throws LocalKmsStartException naming what is wrong (port in use, corrupt or locked state, unusable governance)
     */
    public static LocalKms start(LocalKmsConfig config) {
        Governance g = config.governance();
        checkEnvNames(g);
        StateDirectory directory;
        try {
            directory = StateDirectory.open(config.stateDir());
        } catch (RuntimeException e) {
            throw new LocalKmsStartException("localkms cannot start: " + e.getMessage(), e);
        }
        AuditLog auditLog = null;
        HttpServer server = null;
        ThreadPoolExecutor executor = null;
        try {
            String partition = g.quarantine().key().partition();
            StateFile naming = new StateFile(partition, g.region(), g.account());
            StateStore store = StateStore.open(directory, naming);
            auditLog = new AuditLog(directory.auditLog());
            Set<String> knownRoles = g.applications().stream().map(Application::role).collect(Collectors.toSet());
            Set<String> adminRoles = g.keyAdmins().stream().map(a -> g.application(a).role()).collect(Collectors.toSet());
            KmsService service = new KmsService(new KmsService.Settings(partition, g.region(), g.account(), adminRoles, knownRoles,
                    config.rootMeansAccount(), config.clock()), store, naming, auditLog);
            GovernanceKeys.Resolved keys = GovernanceKeys.apply(g, store, service, naming, config.clock().instant());
            // Signatures are checked against real time: clients sign with it, whatever clock drives key lifecycle.
            SigV4Verifier verifier = new SigV4Verifier(g.region(), "kms", Clock.systemUTC(), id -> store.current().accessKeyById(id));

            // The JDK server writes response headers and body separately; with Nagle's algorithm on, every response
            // then waits for the client's delayed ACK (~40 ms). Read once per JVM, so set it before the first server.
            if (System.getProperty("sun.net.httpserver.nodelay") == null) {
                System.setProperty("sun.net.httpserver.nodelay", "true");
            }
            InetAddress bind = InetAddress.getByName(config.bindAddress());
            try {
                server = HttpServer.create(new InetSocketAddress(bind, config.port()), 256);
            } catch (IOException e) {
                throw new LocalKmsStartException("localkms cannot listen on " + config.bindAddress() + ":" + config.port() + ": "
                        + e.getMessage(), e);
            }
            AtomicInteger threadNumber = new AtomicInteger();
            // Bounded both ways: a fixed pool and a bounded queue; when both are full the accepting thread runs the
            // request itself, which stops it accepting more (back-pressure instead of unbounded memory).
            executor = new ThreadPoolExecutor(config.threads(), config.threads(), 30, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(1024), r -> {
                        Thread t = new Thread(r, "localkms-http-" + threadNumber.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    }, new ThreadPoolExecutor.CallerRunsPolicy());
            server.createContext("/", new KmsHttpHandler(service, verifier, auditLog, g.account(), Clock.systemUTC()));
            server.setExecutor(executor);
            server.start();
            int port = server.getAddress().getPort();
            String host = bind.isAnyLocalAddress() ? "127.0.0.1"
                    : bind.getHostAddress().contains(":") ? "[" + bind.getHostAddress() + "]" : bind.getHostAddress();
            URI endpoint = URI.create("http://" + host + ":" + port);
            LocalKms kms = new LocalKms(config, directory, store, auditLog, server, executor, endpoint, keys);
            kms.writeCredentials();
            LOG.info("localkms listening on {} (state {})", endpoint, directory.path());
            return kms;
        } catch (RuntimeException | IOException e) {
            if (server != null) {
                server.stop(0);
            }
            if (executor != null) {
                executor.shutdownNow();
            }
            if (auditLog != null) {
                auditLog.close();
            }
            directory.close();
            if (e instanceof LocalKmsStartException s) {
                throw s;
            }
            throw new LocalKmsStartException("localkms cannot start: " + e.getMessage(), e);
        }
    }

    /** Where clients connect, e.g. {@code http://127.0.0.1:4599}. */
    public URI endpoint() {
        return endpoint;
    }

    public int port() {
        return endpoint.getPort();
    }

    public String region() {
        return config.governance().region();
    }

    public String account() {
        return config.governance().account();
    }

    public Governance governance() {
        return config.governance();
    }

    /**
     * The access key of a governance application.
     *
     * @throws IllegalArgumentException naming the unknown application and the known ones
     */
    public AccessKey credentials(String application) {
        AccessKey key = store.current().accessKeys().get(application);
        if (key == null) {
            throw new IllegalArgumentException("unknown application '" + application + "' (governance declares "
                    + store.current().accessKeys().keySet() + ")");
        }
        return key;
    }

    /**
     * The key ARN ({@code arn:aws:kms:<region>:<account>:key/<id>}) of a department's key, resolved from its alias.
     *
     * @throws IllegalArgumentException naming the unknown department
     */
    public String keyArn(String department) {
        String arn = keys.departmentKeyArns().get(department);
        if (arn == null) {
            throw new IllegalArgumentException("unknown department '" + department + "' (governance declares "
                    + config.governance().departmentNames() + ")");
        }
        return arn;
    }

    /** The key ARN of the quarantine key. */
    public String quarantineKeyArn() {
        return keys.quarantineKeyArn();
    }

    /** {@code <state-dir>/audit.log}: one JSON object per call. */
    public Path auditLog() {
        return auditLog.file();
    }

    /** {@code <state-dir>/credentials.env}. */
    public Path credentialsFile() {
        return directory.credentialsFile();
    }

    public Path stateDir() {
        return directory.path();
    }

    /**
     * Stops accepting connections and closes open ones at once, waits up to 5 s for calls in flight, then releases
     * the state directory. Idempotent.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        auditLog.close();
        directory.close();
        LOG.info("localkms on {} stopped", endpoint);
    }

    @Override
    public void close() {
        stop();
    }

    /** Writes credentials.env: shell-sourceable, owner-only. */
    private void writeCredentials() {
        Governance g = config.governance();
        StringBuilder b = new StringBuilder();
        b.append("# Written by localkms at ").append(Instant.now()).append(". Secrets: keep this file private.\n");
        b.append("# Load into a shell with: set -a; . ").append(directory.credentialsFile()).append("; set +a\n");
        b.append("KMS_ENDPOINT=").append(endpoint).append('\n');
        b.append("AWS_REGION=").append(g.region()).append('\n');
        for (Application app : g.applications()) {
            AccessKey k = credentials(app.name());
            String env = Governance.envName(app.name());
            b.append(env).append("_AWS_ACCESS_KEY_ID=").append(k.accessKeyId()).append('\n');
            b.append(env).append("_AWS_SECRET_ACCESS_KEY=").append(k.secretAccessKey()).append('\n');
        }
        for (Department d : g.departments()) {
            b.append(Governance.envName(d.name())).append("_KEY_ARN=").append(keyArn(d.name())).append('\n');
        }
        b.append("QUARANTINE_KEY_ARN=").append(quarantineKeyArn()).append('\n');
        directory.writeAtomically(directory.credentialsFile(), b.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** credentials.env names must not collide (e.g. a department called "quarantine"). */
    private static void checkEnvNames(Governance g) {
        Set<String> names = new HashSet<>(List.of("KMS_ENDPOINT", "AWS_REGION", "QUARANTINE_KEY_ARN"));
        for (Application a : g.applications()) {
            for (String suffix : List.of("_AWS_ACCESS_KEY_ID", "_AWS_SECRET_ACCESS_KEY")) {
                requireUnique(names, Governance.envName(a.name()) + suffix, g);
            }
        }
        for (Department d : g.departments()) {
            requireUnique(names, Governance.envName(d.name()) + "_KEY_ARN", g);
        }
    }

    private static void requireUnique(Set<String> names, String name, Governance g) {
        if (!names.add(name)) {
            throw new LocalKmsStartException("localkms cannot start: governance " + g.source() + " yields the variable " + name
                    + " twice in credentials.env; rename the application or department", null);
        }
    }

    Map<String, String> departmentKeyArns() {
        return keys.departmentKeyArns();
    }
}
