package io.deptcrypt.crypto;

import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.crypto.avro.WrappedKey;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import software.amazon.cryptography.materialproviders.model.EncryptionMaterials;

/**
 * One department's data key in a {@link Sealer}: the keyring's materials, the plaintext key, its wrapped forms (in
 * the envelope for version 1, in its {@link PublishedDataKey} record for AES_GCM_V2), the parts of the AAD that all
 * its records share, its nonces, and how much it has been used.
 * <p>
 * A record takes one use with {@link #tryUse} (which also leases the key) and gives the lease back with
 * {@link #release}. A key serves at most {@code maxUses} records and only until {@code maxAgeNanos} after it was
 * generated; then {@link #tryUse} refuses and the sealer generates the next key and {@link #retire}s this one, whose
 * bytes are zeroed as soon as no record is using them.
 */
final class DataKey {

    final EncryptionMaterials materials;
    final PlaintextDataKey key;
    /** Version 1: the envelope's wrapped keys, their canonical encoding and the AAD head; null for AES_GCM_V2. */
    final List<WrappedKey> wrappedKeys;
    final byte[] canonicalWrappedKeys;
    final byte[] aadHead;
    /** AES_GCM_V2: the key's record on the keys topic; null for version 1. */
    final PublishedDataKey published;
    /**
     * One cipher per thread and data key: the JDK keeps the AES key schedule of the last key a Cipher was given,
     * and with one cipher per thread, departments' records alternating re-expanded it on every record
     * (1.7 instead of 0.7 µs per 1 KB record).
     */
    final ThreadLocal<Cipher> cipher = ThreadLocal.withInitial(AesGcmV1::newCipher);

    private final DeterministicNonces nonces;
    private final long createdNanos;
    private final long maxUses;
    private final long maxAgeNanos;
    private final AtomicLong uses = new AtomicLong();
    /** AES_GCM_V2: the AAD prefix of part 0 for the topic last sealed to (records of a key rarely change topic). */
    private volatile TopicAad topicAad;
    /** AES_GCM_V2: whether {@link #published} is stored on the keys topic; no record is sealed before. */
    private volatile boolean publishedDurably;

    /**
     * @param materials    what the keyring generated: plaintext data key and its wrapped forms
     * @param published    the key's record for AES_GCM_V2, null for the version 1 formats
     * @param nonceMasks   source of the nonce mask (SecureRandom in production)
     */
    DataKey(EncryptionMaterials materials, EnvelopeFormatId format, String department, PublishedDataKey published,
            long createdNanos, long maxUses, long maxAgeNanos, Random nonceMasks) {
        this.materials = materials;
        this.key = new PlaintextDataKey(materials.plaintextDataKey());
        this.published = published;
        if (published == null) {
            this.wrappedKeys = List.copyOf(WrappedKeys.fromMpl(materials.encryptedDataKeys()));
            this.canonicalWrappedKeys = WrappedKeys.canonical(wrappedKeys);
            this.aadHead = RecordAad.head(WireFormat.Version.CURRENT.id(), format, department);
        } else {
            this.wrappedKeys = null;
            this.canonicalWrappedKeys = null;
            this.aadHead = null;
        }
        this.nonces = new DeterministicNonces(nonceMasks);
        this.createdNanos = createdNanos;
        this.maxUses = maxUses;
        this.maxAgeNanos = maxAgeNanos;
    }

    /**
     * Reserves one use and leases the key: the use's number (1, 2, ...), or 0, holding no lease, once the key is
     * retired, too old or used up.
     */
    long tryUse(long nowNanos) {
        if (nowNanos - createdNanos >= maxAgeNanos || !key.tryLease()) {
            return 0;
        }
        long n = uses.incrementAndGet();
        if (n <= maxUses) {
            return n;
        }
        key.release();
        return 0;
    }

    /** The AES_GCM_V1 nonce of use {@code n}. */
    byte[] nonce(long n) {
        return nonces.nonce(n);
    }

    /** Writes the nonce of use {@code n} at {@code offset} of {@code out} (AES_GCM_V2's in-place header). */
    void writeNonce(long n, byte[] out, int offset) {
        nonces.write(n, out, offset);
    }

    /** AES_GCM_V2: the AAD prefix of part 0 of records on {@code topic}, encoded once per key and topic. */
    byte[] aadPrefix(String topic) {
        TopicAad t = topicAad;
        if (t == null || !t.topic().equals(topic)) {
            t = new TopicAad(topic, AesGcmV2.aadPrefix(topic, 0, published.sha256()));
            topicAad = t;
        }
        return t.prefix();
    }

    boolean isPublished() {
        return publishedDurably;
    }

    void markPublished() {
        publishedDurably = true;
    }

    /** Whether it is too old to seal at {@code nowNanos} (a key waiting to be published is not used before). */
    boolean isExpired(long nowNanos) {
        return nowNanos - createdNanos >= maxAgeNanos;
    }

    /** Gives back the lease taken by a successful {@link #tryUse}. */
    void release() {
        key.release();
    }

    /** Serves no further record; the key bytes are zeroed once the records in progress are done. */
    void retire() {
        key.retire();
    }

    private record TopicAad(String topic, byte[] prefix) {}
}
