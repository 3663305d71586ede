package io.deptcrypt.bench.kms;

import io.deptcrypt.bench.LocalKmsClients;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.localkms.LocalKms;
import io.deptcrypt.localkms.LocalKmsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * {@code deptcrypt-bench kms}: a short load run of localkms, in-process on loopback: GenerateDataKey (32 bytes, the
 * encryptor, the finance key) and then Decrypt (the finance reader) through the unchanged SDK {@code KmsClient} from
 * several threads. Prints calls/s and latency percentiles per operation; writes no results file.
 */
@Command(name = "kms", mixinStandardHelpOptions = true,
        description = "localkms under load: GenerateDataKey and Decrypt through the AWS SDK from several threads, "
                + "in-process on loopback. Prints calls/s and latency percentiles; writes no results file.")
public final class KmsLoadCommand implements Callable<Integer> {

    @Option(names = "--threads", paramLabel = "N", defaultValue = "4", description = "Client threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "10", description = "Seconds per operation (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--governance", paramLabel = "FILE", defaultValue = "config/governance.yaml",
            description = "The governance file localkms creates its keys from (default: ${DEFAULT-VALUE}).")
    Path governanceFile;

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || seconds < 1) {
            throw new IllegalArgumentException("--threads and --seconds must be at least 1");
        }
        Governance g = GovernanceLoader.load(governanceFile);
        String reader = g.department("finance").readers().get(0);
        Path dir = Files.createTempDirectory("localkms-load");
        try (LocalKms kms = LocalKms.start(LocalKmsConfig.of(g, dir.resolve("state")));
             KmsClient encryptor = LocalKmsClients.client(kms, g, g.owner(), null);
             KmsClient finance = LocalKmsClients.client(kms, g, reader, null)) {
            String key = kms.keyArn("finance");
            Map<String, String> context = Map.of("department", "finance");
            System.out.printf("localkms load: %d threads, %d s per operation, %s, %d cores%n", threads, seconds,
                    kms.endpoint(), Runtime.getRuntime().availableProcessors());
            List<SdkBytes> blobs = new ArrayList<>();
            for (int i = 0; i < 256; i++) {
                blobs.add(encryptor.generateDataKey(r -> r.keyId(key).numberOfBytes(32).encryptionContext(context))
                        .ciphertextBlob());
            }
            // Warm-up (JIT, connection pools), not measured.
            run(threads, 3, n -> encryptor.generateDataKey(r -> r.keyId(key).numberOfBytes(32).encryptionContext(context)));
            run(threads, 3, n -> finance.decrypt(r -> r.ciphertextBlob(blobs.get((int) (n % blobs.size())))
                    .encryptionContext(context)));
            report("GenerateDataKey", run(threads, seconds,
                    n -> encryptor.generateDataKey(r -> r.keyId(key).numberOfBytes(32).encryptionContext(context))), seconds);
            report("Decrypt", run(threads, seconds, n -> finance.decrypt(r -> r.ciphertextBlob(
                    blobs.get((int) (n % blobs.size()))).encryptionContext(context))), seconds);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }

    interface Call {
        void run(long n);
    }

    /** Runs {@code call} from {@code threads} threads for {@code seconds}; returns every latency in nanoseconds. */
    static long[] run(int threads, int seconds, Call call) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<long[]> perThread = new ArrayList<>();
        AtomicLong counter = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        CountDownLatch done = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long[][] holder = {new long[1 << 16]};
            int[] size = {0};
            perThread.add(null);
            int index = t;
            Thread w = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        long start = System.nanoTime();
                        try {
                            call.run(counter.getAndIncrement());
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                            continue;
                        }
                        if (size[0] == holder[0].length) {
                            holder[0] = Arrays.copyOf(holder[0], size[0] * 2);
                        }
                        holder[0][size[0]++] = System.nanoTime() - start;
                    }
                } finally {
                    synchronized (perThread) {
                        perThread.set(index, Arrays.copyOf(holder[0], size[0]));
                    }
                    done.countDown();
                }
            }, "load-" + t);
            workers.add(w);
            w.start();
        }
        done.await();
        if (failures.get() > 0) {
            System.out.println("  failures: " + failures.get());
        }
        return perThread.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    }

    static void report(String operation, long[] sorted, int seconds) {
        System.out.printf("%-16s %7d calls  %8.0f calls/s  p50 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  max %6.2f ms%n", operation,
                sorted.length, sorted.length / (double) seconds, pct(sorted, 0.50), pct(sorted, 0.99), pct(sorted, 0.999),
                sorted[sorted.length - 1] / 1e6);
    }

    static double pct(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
