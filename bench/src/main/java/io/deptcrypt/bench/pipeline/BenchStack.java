package io.deptcrypt.bench.pipeline;

import io.deptcrypt.bench.LocalKmsClients;
import io.deptcrypt.embedded.EmbeddedKafka;
import io.deptcrypt.embedded.KafkaSecurity;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.localkms.AccessKey;
import io.deptcrypt.localkms.LocalKms;
import io.deptcrypt.localkms.LocalKmsConfig;
import io.deptcrypt.runtime.KmsSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The real parts the pipeline runs on, in this JVM: two KRaft brokers, one PLAINTEXT and one with SASL/SCRAM-SHA-512
 * and StandardAuthorizer ({@link BrokerSecurity}), and localkms (evaluating the governance key policies, one
 * credential per application). Its work directory is wiped before and after.
 */
final class BenchStack implements AppEnvironment, AutoCloseable {

    private final Path workDir;
    private final Governance governance;
    private final EmbeddedKafka kafka;
    private final EmbeddedKafka scramKafka;
    private final KafkaEndpoint scramEndpoint;
    private final LocalKms kms;
    private final Admin admin;
    private final Admin scramAdmin;
    private final Map<String, String> streamsCommon;
    private final KmsCallCounter kmsCalls = new KmsCallCounter();

    /** The SCRAM broker's super user: every bench client on that broker logs in as it (no ACLs to write). */
    static final String SCRAM_USER = "bench-admin";

    private BenchStack(Path workDir, Governance governance, EmbeddedKafka kafka, EmbeddedKafka scramKafka,
                       String scramPassword, LocalKms kms) {
        this.workDir = workDir;
        this.governance = governance;
        this.kafka = kafka;
        this.scramKafka = scramKafka;
        this.scramEndpoint = KafkaEndpoint.scram(scramKafka.bootstrapServers(), SCRAM_USER, scramPassword);
        this.kms = kms;
        this.admin = kafka.admin();
        this.scramAdmin = scramKafka.admin();
        this.streamsCommon = StreamsSettings.common(workDir.resolve("streams"));
    }

    static BenchStack start(Path workDir, Path governanceFile, Governance governance) {
        deleteRecursively(workDir);
        // a fresh password per run, so nothing but this run's workers can use the broker
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        EmbeddedKafka kafka = EmbeddedKafka.start(workDir.resolve("kafka"));
        EmbeddedKafka scram = null;
        try {
            scram = EmbeddedKafka.builder(workDir.resolve("kafka-scram"))
                    .security(KafkaSecurity.scram(SCRAM_USER, password)).start();
            LocalKms kms = LocalKms.start(LocalKmsConfig.of(governance, workDir.resolve("kms")));
            return new BenchStack(workDir, governance, kafka, scram, password, kms);
        } catch (RuntimeException e) {
            if (scram != null) {
                scram.close();
            }
            kafka.close();
            throw e;
        }
    }

    /** How a client reaches the broker of {@code security}. */
    KafkaEndpoint endpoint(BrokerSecurity security) {
        return security == BrokerSecurity.SCRAM ? scramEndpoint : KafkaEndpoint.plaintext(kafka.bootstrapServers());
    }

    @Override
    public String bootstrap() {
        return kafka.bootstrapServers();
    }

    Admin admin() {
        return admin;
    }

    @Override
    public Map<String, String> streamsCommon() {
        return streamsCommon;
    }

    @Override
    public KmsCallCounter kmsCalls() {
        return kmsCalls;
    }

    /** How {@code application} reaches localkms, with its own credentials. */
    @Override
    public KmsSettings kmsSettings(String application) {
        AccessKey c = kms.credentials(application);
        return new KmsSettings(Optional.of(kms.endpoint()), governance.region(),
                Optional.of(new KmsSettings.StaticCredentials(c.accessKeyId(), c.secretAccessKey(), Optional.empty())),
                Duration.ofSeconds(10));
    }

    /** A new client as {@code application}, its requests counted in {@link #kmsCalls()}; the caller closes it. */
    @Override
    public KmsClient kmsClient(String application) {
        return LocalKmsClients.client(kms, governance, application, kmsCalls.interceptor(application));
    }

    /** The key ARN (not the alias) of a department's key. */
    @Override
    public String keyArn(String department) {
        return kms.keyArn(department);
    }

    /** The localkms access key of a governance application. */
    AccessKey credentials(String application) {
        return kms.credentials(application);
    }

    URI kmsEndpoint() {
        return kms.endpoint();
    }

    void createTopics(int partitions, String... names) {
        createTopics(BrokerSecurity.PLAINTEXT, partitions, names);
    }

    void createTopics(BrokerSecurity security, int partitions, String... names) {
        broker(security).createTopics(Stream.of(names).map(n -> new NewTopic(n, partitions, (short) 1)).toList());
    }

    /** A keys topic as the encryptor needs it (one partition, compacted; see policy's KafkaTopics). */
    void createKeysTopic(BrokerSecurity security, String name) {
        broker(security).createTopics(List.of(new NewTopic(name, 1, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))));
    }

    private EmbeddedKafka broker(BrokerSecurity security) {
        return security == BrokerSecurity.SCRAM ? scramKafka : kafka;
    }

    void deleteTopics(String... names) {
        deleteTopics(BrokerSecurity.PLAINTEXT, names);
    }

    void deleteTopics(BrokerSecurity security, String... names) {
        try {
            (security == BrokerSecurity.SCRAM ? scramAdmin : admin).deleteTopics(List.of(names)).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot delete topics " + List.of(names), e.getCause());
        }
    }

    @Override
    public void close() {
        try {
            admin.close(Duration.ofSeconds(5));
            scramAdmin.close(Duration.ofSeconds(5));
        } finally {
            try {
                kms.close();
            } finally {
                try {
                    scramKafka.close();
                } finally {
                    kafka.close();
                    deleteRecursively(workDir);
                }
            }
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
