package io.deptcrypt.bench.micro;

import io.deptcrypt.bench.LocalKmsClients;
import io.deptcrypt.bench.Payloads;
import io.deptcrypt.bench.SeedWay;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.localkms.LocalKms;
import io.deptcrypt.localkms.LocalKmsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The seed's way, one event at a time: a new ESDK client with the default signing suite and a new KMS keyring per
 * event, against a real localkms started in the benchmark's JVM (so every seal is a GenerateDataKey round trip and
 * a signature, every open a Decrypt round trip and a verification). The encryptor seals as the owner; the
 * department's reader opens.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SeedWayBenchmark {

    /** The cost is dominated by KMS and ECDSA and does not depend on the size; 1 KB only. */
    @Param("1024")
    public int size;

    @Param("config/governance.yaml")
    public String governancePath;

    private Path stateDir;
    private LocalKms kms;
    private KmsClient ownerClient;
    private KmsClient readerClient;
    private SeedWay sealSide;
    private SeedWay openSide;
    private String department;
    private byte[] plaintext;
    private byte[] sealed;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Governance g = GovernanceLoader.load(Path.of(governancePath));
        Governance.Department d = g.departments().get(0);
        department = d.name();
        stateDir = Files.createTempDirectory("deptcrypt-bench-kms");
        kms = LocalKms.start(LocalKmsConfig.of(g, stateDir));
        ownerClient = LocalKmsClients.client(kms, g, g.owner(), null);
        readerClient = LocalKmsClients.client(kms, g, d.readers().get(0), null);
        String keyArn = kms.keyArn(d.name());
        sealSide = new SeedWay(ownerClient, keyArn);
        openSide = new SeedWay(readerClient, keyArn);
        plaintext = Payloads.event(size);
        sealed = sealSide.seal(department, plaintext);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        ownerClient.close();
        readerClient.close();
        kms.close();
        try (Stream<Path> paths = Files.walk(stateDir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Benchmark
    public byte[] seal() {
        return sealSide.seal(department, plaintext);
    }

    @Benchmark
    public byte[] open() {
        return openSide.open(sealed);
    }
}
