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
 * The floor: bare JCE AES-256-GCM on the same bytes, with a fresh random nonce and the same kind of AAD the
 * envelope binds. Nothing can seal an event faster than this; the envelope's cost is measured against it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AesGcmFloorBenchmark {

    @Param({"1024", "10240", "102400"})
    public int size;

    private final SecureRandom random = new SecureRandom();
    private Cipher cipher;
    private SecretKeySpec key;
    private byte[] plaintext;
    private byte[] aad;
    private byte[] sealedNonce;
    private byte[] sealed;

    @Setup
    public void setUp() throws Exception {
        byte[] k = new byte[32];
        random.nextBytes(k);
        key = new SecretKeySpec(k, "AES");
        cipher = Cipher.getInstance("AES/GCM/NoPadding");
        plaintext = Payloads.event(size);
        aad = "finance|evt-000001|deptcrypt.shared".getBytes(StandardCharsets.UTF_8);
        sealedNonce = new byte[12];
        random.nextBytes(sealedNonce);
        sealed = cipher(Cipher.ENCRYPT_MODE, sealedNonce).doFinal(plaintext);
    }

    @Benchmark
    public byte[] seal() throws Exception {
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        return cipher(Cipher.ENCRYPT_MODE, nonce).doFinal(plaintext);
    }

    @Benchmark
    public byte[] open() throws Exception {
        return cipher(Cipher.DECRYPT_MODE, sealedNonce).doFinal(sealed);
    }

    /** One Cipher reused (as the Sealer does), re-initialised per operation with the operation's nonce. */
    private Cipher cipher(int mode, byte[] nonce) throws Exception {
        cipher.init(mode, key, new GCMParameterSpec(128, nonce));
        cipher.updateAAD(aad);
        return cipher;
    }
}
