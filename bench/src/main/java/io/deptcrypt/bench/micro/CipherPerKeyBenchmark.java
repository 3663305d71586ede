package io.deptcrypt.bench.micro;

import io.deptcrypt.bench.Payloads;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Why the sealer and opener keep one {@link Cipher} per thread and data key: records of two departments arrive
 * interleaved, and a JCE AES/GCM cipher re-expands the AES key schedule whenever it is initialised with a key other
 * than its last one. Both methods seal 1 KB alternately under two keys with a counter nonce; only the number of
 * Cipher objects differs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CipherPerKeyBenchmark {

    @Param({"1024"})
    public int size;

    private final SecretKeySpec[] keys = new SecretKeySpec[2];
    private final Cipher[] perKey = new Cipher[2];
    private Cipher shared;
    private byte[] plaintext;
    private byte[] aad;
    private long uses;

    @Setup
    public void setUp() throws Exception {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 2; i++) {
            byte[] k = new byte[32];
            random.nextBytes(k);
            keys[i] = new SecretKeySpec(k, "AES");
            perKey[i] = Cipher.getInstance("AES/GCM/NoPadding");
        }
        shared = Cipher.getInstance("AES/GCM/NoPadding");
        plaintext = Payloads.event(size);
        aad = "finance|evt-000001|deptcrypt.shared".getBytes(StandardCharsets.UTF_8);
    }

    /** One cipher for both keys (what a per-thread cipher does with interleaved departments). */
    @Benchmark
    public byte[] twoKeysOneCipher() throws Exception {
        int k = (int) (uses & 1);
        return seal(shared, k);
    }

    /** One cipher per key (what the sealer and opener do). */
    @Benchmark
    public byte[] twoKeysCipherPerKey() throws Exception {
        int k = (int) (uses & 1);
        return seal(perKey[k], k);
    }

    private byte[] seal(Cipher c, int k) throws Exception {
        long n = ++uses;
        byte[] nonce = new byte[12];
        for (int i = 0; i < 8; i++) {
            nonce[11 - i] = (byte) (n >>> (8 * i));
        }
        c.init(Cipher.ENCRYPT_MODE, keys[k], new GCMParameterSpec(128, nonce));
        c.updateAAD(aad);
        return c.doFinal(plaintext);
    }
}
