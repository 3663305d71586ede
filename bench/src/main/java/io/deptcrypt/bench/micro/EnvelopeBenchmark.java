package io.deptcrypt.bench.micro;

import io.deptcrypt.bench.Payloads;
import io.deptcrypt.crypto.EnvelopeHeaders;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.OpenerConfig;
import io.deptcrypt.crypto.SealContext;
import io.deptcrypt.crypto.Sealer;
import io.deptcrypt.crypto.SealerConfig;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.testkit.InMemoryKeysTopic;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.internals.RecordHeaders;
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

/**
 * Sealing and opening one event the way the encryptor and a department consumer do, bytes to bytes:
 * {@code Sealer.sealRecord} (seal, then the Kafka value and headers: for version 1 the Avro serialisation) on one
 * side, {@code Opener.open} of the value (for version 1 the Avro deserialisation first) on the other. Data keys are
 * cached (the steady state: one data key per department per lifetime), so no KMS is involved; the wrapping keyring is
 * the raw AES one, and AES_GCM_V2's keys topic is in memory (looked up once per data key). Seal alternates two
 * departments' events, as the encryptor gets them; open reads one department's, as a department consumer does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EnvelopeBenchmark {

    static final String TOPIC = "deptcrypt.shared";

    @Param({"1024", "10240", "102400"})
    public int size;

    @Param({"AES_GCM_V2", "AES_GCM_V1", "ESDK_MESSAGE_V1"})
    public String format;

    /** Set by the runner to the repository's governance file. */
    @Param("config/governance.yaml")
    public String governancePath;

    private Sealer sealer;
    private Opener opener;
    private byte[] plaintext;
    private byte[] audienceHeader;
    private SealContext context;
    private SealContext otherContext;
    private int sealed;
    private byte[] sealedBytes;

    @Setup(Level.Trial)
    public void setUp() {
        Governance g = GovernanceLoader.load(Path.of(governancePath));
        RawAesKeyringProvider keyrings = RawAesKeyringProvider.generate(g);
        InMemoryKeysTopic keysTopic = new InMemoryKeysTopic();
        sealer = Sealer.create(g, keyrings, SealerConfig.defaults().withFormat(EnvelopeFormatId.valueOf(format)),
                keysTopic);
        opener = Opener.create(keyrings, OpenerConfig.defaults(), keysTopic);
        plaintext = Payloads.event(size);
        context = new SealContext("finance", "7d0c9f4e-2b1a-4c53-9a51-0d6f3b8e2c11", TOPIC, System.currentTimeMillis(),
                "application/json");
        otherContext = new SealContext("sales", "0b7a2c61-93f4-4d2e-8c15-6a1f0e9b3d47", TOPIC,
                System.currentTimeMillis(), "application/json");
        RecordHeaders headers = new RecordHeaders();
        sealedBytes = sealer.sealRecord(context, plaintext, headers);
        audienceHeader = EnvelopeHeaders.audience(headers); // null for version 1, which has no such header
        opener.open(TOPIC, sealedBytes, "finance", audienceHeader); // warms the data-key cache
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sealer.close();
    }

    @Benchmark
    public byte[] seal() {
        return sealer.sealRecord((++sealed & 1) == 0 ? context : otherContext, plaintext, new RecordHeaders());
    }

    @Benchmark
    public byte[] open() {
        return opener.open(TOPIC, sealedBytes, "finance", audienceHeader).plaintext();
    }
}
