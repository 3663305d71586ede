package io.deptcrypt.crypto;

import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKey;

/**
 * A data key's plaintext as a JCE AES key that can be destroyed (SecretKeySpec cannot: its destroy() throws).
 * Destroying zeroes its own bytes and, when it is writable, the keyring's buffer they were copied from (the one the
 * keyring materials still hold).
 * <p>
 * Each record leases the key for the time it encrypts or decrypts ({@link #tryLease}, {@link #release}). Once the key
 * is {@link #retire retired} (replaced, evicted, or its sealer or opener closed) no new lease is granted and the key
 * is destroyed when the last lease is returned, so no record ever runs with a half-destroyed key.
 */
final class PlaintextDataKey implements SecretKey {
    private static final long serialVersionUID = 1L;

    private final byte[] key;
    private final transient ByteBuffer source;
    private final transient AtomicInteger leases = new AtomicInteger();
    private volatile boolean retired;
    private volatile boolean destroyed;

    /** Copies the key out of {@code source}, the keyring materials' buffer, which it zeroes on destruction. */
    PlaintextDataKey(ByteBuffer source) {
        this.source = source;
        this.key = WrappedKeys.bytes(source);
        if (key.length != 32) {
            throw new EnvelopeException("keyring returned a " + key.length + "-byte data key, expected 32 (AES-256)");
        }
    }

    /** Leases the key for one record: false once it is retired. */
    boolean tryLease() {
        leases.incrementAndGet();
        if (retired) {
            release();
            return false;
        }
        return true;
    }

    void release() {
        if (leases.decrementAndGet() == 0 && retired) {
            destroy();
        }
    }

    /** No new leases; destroyed now, or when the last lease is returned. */
    void retire() {
        retired = true;
        if (leases.get() == 0) {
            destroy();
        }
    }

    boolean isRetired() {
        return retired;
    }

    @Override
    public String getAlgorithm() {
        return "AES";
    }

    @Override
    public String getFormat() {
        return "RAW";
    }

    /** A copy, as JCE expects. Called only under a lease. */
    @Override
    public byte[] getEncoded() {
        if (destroyed) {
            throw new IllegalStateException("data key is destroyed");
        }
        return key.clone();
    }

    @Override
    public synchronized void destroy() {
        Arrays.fill(key, (byte) 0);
        if (!source.isReadOnly()) {
            ByteBuffer b = source.duplicate();
            while (b.hasRemaining()) {
                b.put((byte) 0);
            }
        }
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "PlaintextDataKey[" + (destroyed ? "destroyed" : retired ? "retired" : "live") + "]";
    }

    /** Key bytes never leave the process through serialization. */
    private void writeObject(ObjectOutputStream out) throws NotSerializableException {
        throw new NotSerializableException(PlaintextDataKey.class.getName());
    }
}
