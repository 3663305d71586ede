package io.deptcrypt.bench.micro;

import io.deptcrypt.bench.Payloads;
import io.deptcrypt.crypto.EnvelopeSerde;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.OpenerConfig;
import io.deptcrypt.crypto.SealContext;
import io.deptcrypt.crypto.Sealer;
import io.deptcrypt.crypto.SealerConfig;
import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
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
 * Sealing and opening one event the way the encryptor and a department consumer do, bytes to bytes: seal + Avro
 * serialise on one side, deserialise + open on the other. Data keys are cached (the steady state: one data key
 * per department per lifetime), so no KMS is involved; the wrapping keyring is the raw AES one. Seal alternates two
 * departments' events, as the encryptor gets them; open reads one department's, as a department consumer does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EnvelopeBenchmark {

    static final String TOPIC = "deptcrypt.shared";

    @Param({"1024", "10240", "102400"})
    public int size;

    @Param({"AES_GCM_V1", "ESDK_MESSAGE_V1"})
    public String format;

    /** Set by the runner to the repository's governance file. */
    @Param("config/governance.yaml")
    public String governancePath;

    private Sealer sealer;
    private Opener opener;
    private Serializer<Envelope> serializer;
    private Deserializer<Envelope> deserializer;
    private byte[] plaintext;
    private SealContext context;
    private SealContext otherContext;
    private int sealed;
    private byte[] sealedBytes;

    @Setup(Level.Trial)
    public void setUp() {
        Governance g = GovernanceLoader.load(Path.of(governancePath));
        RawAesKeyringProvider keyrings = RawAesKeyringProvider.generate(g);
        sealer = Sealer.create(g, keyrings, SealerConfig.defaults().withFormat(EnvelopeFormatId.valueOf(format)));
        opener = Opener.create(keyrings, OpenerConfig.defaults());
        serializer = EnvelopeSerde.instance().serializer();
        deserializer = EnvelopeSerde.instance().deserializer();
        plaintext = Payloads.event(size);
        context = new SealContext("finance", "evt-000001", TOPIC, System.currentTimeMillis(), "application/json");
        otherContext = new SealContext("sales", "evt-000002", TOPIC, System.currentTimeMillis(), "application/json");
        sealedBytes = serializer.serialize(TOPIC, sealer.seal(context, plaintext));
        opener.open(deserializer.deserialize(TOPIC, sealedBytes), TOPIC); // warms the data-key cache
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sealer.close();
    }

    @Benchmark
    public byte[] seal() {
        return serializer.serialize(TOPIC, sealer.seal((++sealed & 1) == 0 ? context : otherContext, plaintext));
    }

    @Benchmark
    public byte[] open() {
        return opener.open(deserializer.deserialize(TOPIC, sealedBytes), TOPIC);
    }
}
