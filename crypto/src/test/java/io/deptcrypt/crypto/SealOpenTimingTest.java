package io.deptcrypt.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestGovernance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/**
 * A quick timing loop, not a benchmark: median per-record cost of seal and open on 1 KB with the raw AES provider
 * (data keys cached, so no keyring work per record), after a short warm-up. Prints and writes
 * target/crypto-timing.txt. The full benchmark is bench/. Reproduce:
 * {@code mvn -B -q -pl crypto test -Dtest=SealOpenTimingTest && cat crypto/target/crypto-timing.txt}
 */
class SealOpenTimingTest {

    private static final int BATCH = 200;
    private static final int BATCHES = Integer.getInteger("deptcrypt.timing.batches", 15);
    private static final String TOPIC = TestGovernance.SHARED;

    @Test
    void medianSealAndOpenCostOfOneKilobyteRecord() throws IOException {
        Governance g = TestGovernance.governance();
        RawAesKeyringProvider keys = RawAesKeyringProvider.generate(g);
        byte[] plaintext = new byte[1024];
        new Random(1).nextBytes(plaintext);
        StringBuilder report = new StringBuilder("per-record cost, 1 KB plaintext, median of " + BATCHES + " batches of "
                + BATCH + " (µs)\n");
        // Two rounds over both formats; only the second is reported, so JIT warm-up does not land on one format.
        for (int round = 0; round < 2; round++) {
            for (EnvelopeFormatId format : List.of(EnvelopeFormatId.AES_GCM_V1, EnvelopeFormatId.ESDK_MESSAGE_V1)) {
                Sealer sealer = Sealer.create(g, keys, SealerConfig.defaults().withFormat(format));
                Opener opener = Opener.create(keys, OpenerConfig.defaults());
                SealContext ctx = new SealContext("finance", "event-1", TOPIC, 1_700_000_000_000L,
                        "application/json");
                Envelope[] sealed = new Envelope[BATCH];
                byte[][] bytes = new byte[BATCH][];
                double seal = median(i -> sealed[i] = sealer.seal(ctx, plaintext));
                double serialize = median(i -> bytes[i] = EnvelopeSerde.toBytes(sealed[i]));
                double deserialize = median(i -> sealed[i] = EnvelopeSerde.fromBytes(bytes[i]));
                byte[][] opened = new byte[BATCH][];
                double open = median(i -> opened[i] = opener.open(sealed[i], TOPIC));
                assertThat(opened[BATCH - 1]).isEqualTo(plaintext);
                if (round == 1) {
                    report.append(String.format(
                            "%-16s seal %7.2f  open %7.2f  serialize %6.2f  deserialize %6.2f  value %d B%n",
                            format, seal, open, serialize, deserialize, bytes[0].length));
                }
            }
        }
        System.out.print(report);
        Files.writeString(Path.of("target", "crypto-timing.txt"), report);
    }

    /** Median over batches of the mean µs per call; the first third of the batches is warm-up. */
    private static double median(IntConsumer op) {
        int warmup = Math.max(3, BATCHES / 3);
        List<Double> perCall = new ArrayList<>();
        for (int b = 0; b < warmup + BATCHES; b++) {
            long start = System.nanoTime();
            for (int i = 0; i < BATCH; i++) {
                op.accept(i);
            }
            if (b >= warmup) {
                perCall.add((System.nanoTime() - start) / 1_000.0 / BATCH);
            }
        }
        double[] sorted = perCall.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
