package io.deptcrypt.localkms;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * A short load run, not a test: GenerateDataKey (encryptor, finance key, 32 bytes) and then Decrypt (finance reader)
 * against an in-process localkms on loopback, through the unchanged AWS SDK v2 KmsClient, from several threads.
 * Prints calls/s and latency percentiles per operation. Run:
 * <pre>
 * mvn -B -q -pl localkms test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.deptcrypt.localkms.LocalKmsLoad -Dexec.args="--threads 4 --seconds 10"
 * </pre>
 */
public final class LocalKmsLoad {

    private LocalKmsLoad() {}

    public static void main(String[] args) throws Exception {
        int threads = 4;
        int seconds = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (use --threads N --seconds S)");
            }
        }
        Path dir = Files.createTempDirectory("localkms-load");
        try (LocalKms kms = LocalKms.start(LocalKmsConfig.of(LocalKmsFixture.governance(), dir.resolve("state")));
             KmsClient encryptor = LocalKmsFixture.client(kms, "encryptor");
             KmsClient reader = LocalKmsFixture.client(kms, "finance-consumer")) {
            String key = kms.keyArn("finance");
            Map<String, String> context = Map.of("department", "finance");
            System.out.printf("localkms load: %d threads, %d s per operation, %s, %d cores%n", threads, seconds, kms.endpoint(),
                    Runtime.getRuntime().availableProcessors());
            List<SdkBytes> blobs = new ArrayList<>();
            for (int i = 0; i < 256; i++) {
                blobs.add(encryptor.generateDataKey(r -> r.keyId(key).numberOfBytes(32).encryptionContext(context)).ciphertextBlob());
            }
            // Warm-up (JIT, connection pools), not measured.
            run(threads, 3, n -> encryptor.generateDataKey(r -> r.keyId(key).numberOfBytes(32).encryptionContext(context)));
            run(threads, 3, n -> reader.decrypt(r -> r.ciphertextBlob(blobs.get((int) (n % blobs.size()))).encryptionContext(context)));
            report("GenerateDataKey", run(threads, seconds,
                    n -> encryptor.generateDataKey(r -> r.keyId(key).numberOfBytes(32).encryptionContext(context))), seconds);
            report("Decrypt", run(threads, seconds,
                    n -> reader.decrypt(r -> r.ciphertextBlob(blobs.get((int) (n % blobs.size()))).encryptionContext(context))), seconds);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
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
