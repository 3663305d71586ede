package io.deptcrypt.localkms;

import com.sun.net.httpserver.HttpServer;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.Governance.Application;
import io.deptcrypt.localkms.http.KmsHttpHandler;
import io.deptcrypt.localkms.http.SigV4Verifier;
import io.deptcrypt.localkms.service.AuditLog;
import io.deptcrypt.localkms.service.GovernanceKeys;
import io.deptcrypt.localkms.service.KeyFactory;
import io.deptcrypt.localkms.service.KmsService;
import io.deptcrypt.localkms.service.PrincipalSync;
import io.deptcrypt.localkms.service.ServiceSettings;
import io.deptcrypt.localkms.state.CredentialsFile;
import io.deptcrypt.localkms.state.KeyRecord;
import io.deptcrypt.localkms.state.KmsState;
import io.deptcrypt.localkms.state.PrincipalRecord;
import io.deptcrypt.localkms.state.StateDirectory;
import io.deptcrypt.localkms.state.StateFile;
import io.deptcrypt.localkms.state.StateStore;
import io.deptcrypt.localkms.state.StateStore.Change;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * On start it makes the known principals exactly governance's applications (issuing access keys to new ones),
 * creates missing governance keys and aliases, re-applies their generated policies and writes {@code credentials.env}.
 * At run time, a key admin may change the principals with {@code DeptcryptLocalIam.SyncPrincipals}. {@link #stop()}
 * releases the port and the state directory at once, so a new instance can start on the same port and directory
 * right after.
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
     * Opens the state directory, reconciles it with governance (principals and their access keys, then keys, aliases
     * and policies) and starts serving.
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
            ServiceSettings settings = new ServiceSettings(partition, g.region(), g.account(), config.rootMeansAccount(),
                    config.clock(), config.pendingWindowDayLength());
            // The initial principal sync, before the governance policies naming these roles are checked: the
            // governance applications, plus whatever an earlier SyncPrincipals (governance apply) left, with the
            // identity policies it set, so a restart never widens or narrows what a running system allowed.
            store.update(s -> new Change<>(s.withPrincipals(PrincipalSync.next(s, startUpPrincipals(g, s), g.account())),
                    null));
            KeyFactory keyFactory = new KeyFactory(settings, naming, store);
            GovernanceKeys.Resolved keys = GovernanceKeys.apply(g, store, keyFactory, naming, config.clock().instant());
            // Signatures are checked against real time: clients sign with it, whatever clock drives key lifecycle.
            SigV4Verifier verifier = new SigV4Verifier(g.region(), "kms", Clock.systemUTC(),
                    id -> store.current().accessKeyById(id));

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
            int port = server.getAddress().getPort();
            String host = bind.isAnyLocalAddress() ? "127.0.0.1"
                    : bind.getHostAddress().contains(":") ? "[" + bind.getHostAddress() + "]" : bind.getHostAddress();
            URI endpoint = URI.create("http://" + host + ":" + port);
            Map<String, String> departmentKeys = new LinkedHashMap<>();
            g.departments().forEach(d -> departmentKeys.put(d.name(), keys.departmentKeyArns().get(d.name())));
            CredentialsFile credentials = new CredentialsFile(directory, endpoint, g.region(), departmentKeys,
                    keys.quarantineKeyArn());
            credentials.write(store.current().accessKeys().values());
            KmsService service = new KmsService(settings, store, naming, auditLog, keyFactory, credentials);

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
            LocalKms kms = new LocalKms(config, directory, store, auditLog, server, executor, endpoint, keys);
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

    private static List<PrincipalSync.Spec> startUpPrincipals(Governance g, KmsState s) {
        Map<String, PrincipalSync.Spec> specs = new LinkedHashMap<>();
        s.principals().forEach((name, p) -> specs.put(name,
                new PrincipalSync.Spec(name, p.roleArn(), p.keyAdmin(), p.identityPolicy())));
        for (Application a : g.applications()) {
            PrincipalRecord existing = s.principals().get(a.name());
            boolean sameRole = existing != null && existing.roleArn().equals(a.role());
            specs.put(a.name(), new PrincipalSync.Spec(a.name(), a.role(), g.keyAdmins().contains(a.name())
                    || (sameRole && existing.keyAdmin()), sameRole ? existing.identityPolicy() : null));
        }
        return List.copyOf(specs.values());
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
     * The access key of a known principal: a governance application, or one added at run time by
     * {@code SyncPrincipals}.
     *
     * @throws IllegalArgumentException naming the unknown application and the known ones
     */
    public AccessKey credentials(String application) {
        Map<String, AccessKey> known = store.current().accessKeys();
        AccessKey key = known.get(application);
        if (key == null) {
            throw new IllegalArgumentException("unknown application '" + application + "' (localkms knows "
                    + known.keySet() + ")");
        }
        return key;
    }

    /** The application names of the principals localkms knows now, in sync order. */
    public List<String> applications() {
        return List.copyOf(store.current().principals().keySet());
    }

    /**
     * The key ARN an alias points to now, or empty when the alias does not exist (e.g. its key was deleted).
     *
     * @param alias {@code alias/<name>}
     * @throws IllegalArgumentException if {@code alias} does not start with {@code alias/}
     */
    public Optional<String> keyArnForAlias(String alias) {
        if (!alias.startsWith("alias/")) {
            throw new IllegalArgumentException("'" + alias + "' is not an alias name (alias/<name>)");
        }
        KmsState s = store.current();
        return s.alias(alias).flatMap(a -> s.key(a.targetKeyId())).map(KeyRecord::arn);
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

    /** credentials.env names must not collide (e.g. a department called "quarantine"). */
    private static void checkEnvNames(Governance g) {
        List<String> applications = g.applications().stream().map(Application::name).toList();
        CredentialsFile.duplicateVariable(applications, g.departmentNames()).ifPresent(name -> {
            throw new LocalKmsStartException("localkms cannot start: governance " + g.source() + " yields the variable " + name
                    + " twice in credentials.env; rename the application or department", null);
        });
    }

    Map<String, String> departmentKeyArns() {
        return keys.departmentKeyArns();
    }
}
