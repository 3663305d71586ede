package io.deptcrypt.bench.pipeline;

import io.deptcrypt.bench.LocalKmsClients;
import io.deptcrypt.embedded.EmbeddedKafka;
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
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The real parts the pipeline runs on, in this JVM: a KRaft broker and localkms (evaluating the governance key
 * policies, one credential per application). Its work directory is wiped before and after.
 */
final class BenchStack implements AppEnvironment, AutoCloseable {

    private final Path workDir;
    private final Governance governance;
    private final EmbeddedKafka kafka;
    private final LocalKms kms;
    private final Admin admin;
    private final Map<String, String> streamsCommon;
    private final KmsCallCounter kmsCalls = new KmsCallCounter();

    private BenchStack(Path workDir, Governance governance, EmbeddedKafka kafka, LocalKms kms) {
        this.workDir = workDir;
        this.governance = governance;
        this.kafka = kafka;
        this.kms = kms;
        this.admin = kafka.admin();
        this.streamsCommon = StreamsSettings.common(workDir.resolve("streams"));
    }

    static BenchStack start(Path workDir, Path governanceFile, Governance governance) {
        deleteRecursively(workDir);
        EmbeddedKafka kafka = EmbeddedKafka.start(workDir.resolve("kafka"));
        try {
            LocalKms kms = LocalKms.start(LocalKmsConfig.of(governance, workDir.resolve("kms")));
            return new BenchStack(workDir, governance, kafka, kms);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
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
        kafka.createTopics(Stream.of(names).map(n -> new NewTopic(n, partitions, (short) 1)).toList());
    }

    void deleteTopics(String... names) {
        try {
            admin.deleteTopics(List.of(names)).all().get();
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
        } finally {
            try {
                kms.close();
            } finally {
                kafka.close();
                deleteRecursively(workDir);
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
