package io.deptcrypt.crypto;

import com.amazonaws.encryptionsdk.ParsedCiphertext;
import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.crypto.avro.WrappedKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import javax.crypto.Cipher;
import software.amazon.cryptography.materialproviders.model.DecryptionMaterials;

/**
 * Opens envelopes with this application's own keyring. Thread-safe; one per application.
 * <p>
 * Unwrapped data keys are cached by (format, department, exact wrapped-key bytes), at most
 * {@link OpenerConfig#maxCachedDataKeys()} of them, each for {@link OpenerConfig#dataKeyTtl()} after KMS returned it:
 * one KMS Decrypt per data key per TTL. A key that leaves the cache (evicted, expired, or the opener closed) has its
 * bytes zeroed once the records in progress are done. The department is the KMS encryption context of the unwrap,
 * so KMS refuses a wrapped key moved into another department's record, and the cache never answers across
 * departments.
 */
public final class Opener implements AutoCloseable {

    private final KeyringProvider keyrings;
    private final OpenerConfig config;
    private final DataKeyCache<Unwrapped> cache;
    private final LongSupplier nanoTime;
    private final long ttlNanos;
    /**
     * The data key this thread used last. Records come in runs under one data key (a department's key lives for
     * minutes and millions of records), so most records match it field by field and skip encoding the wrapped keys,
     * hashing them and the shared cache. The same TTL applies as in the cache.
     */
    private final ThreadLocal<KnownKey> lastKey = new ThreadLocal<>();
    private volatile boolean closed;

    private Opener(KeyringProvider keyrings, OpenerConfig config, LongSupplier nanoTime) {
        this.keyrings = Objects.requireNonNull(keyrings, "keyrings");
        this.config = Objects.requireNonNull(config, "config");
        this.cache = new DataKeyCache<>(config.maxCachedDataKeys(), config.dataKeyTtl().toNanos(), nanoTime,
                unwrapped -> unwrapped.key().retire());
        this.nanoTime = nanoTime;
        this.ttlNanos = config.dataKeyTtl().toNanos();
    }

    public static Opener create(KeyringProvider keyrings, OpenerConfig config) {
        return new Opener(keyrings, config, System::nanoTime);
    }

    /** With a fake clock, for tests of the cache TTL. */
    static Opener create(KeyringProvider keyrings, OpenerConfig config, LongSupplier nanoTime) {
        return new Opener(keyrings, config, nanoTime);
    }

    /**
     * Opens {@code envelope}, read from {@code topic}.
     *
     * @return the plaintext
     * @throws EnvelopeException        malformed, tampered, or moved to another department, event id or topic
     * @throws KmsAccessDeniedException this application may not use the department's key
     * @throws KmsUnavailableException  KMS is throttling, failing or unreachable: retry
     * @throws IllegalStateException    the opener is closed
     */
    public byte[] open(Envelope envelope, String topic) {
        Objects.requireNonNull(envelope, "envelope");
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("topic must not be null or empty");
        }
        if (closed) {
            throw new IllegalStateException("opener is closed");
        }
        if (WireFormat.Version.fromId(envelope.getFormatVersion()).isEmpty()) {
            throw EnvelopeException.inRecord("unsupported envelope formatVersion " + envelope.getFormatVersion()
                    + " (this reader understands " + WireFormat.Version.knownIds() + ")", envelope, topic);
        }
        if (envelope.getFormat() == null || envelope.getDepartment() == null || envelope.getEventId() == null
                || envelope.getContentType() == null || envelope.getNonce() == null
                || envelope.getCiphertext() == null) {
            throw EnvelopeException.inRecord("envelope is missing a field", envelope, topic);
        }
        if (envelope.getDepartment().isEmpty()) {
            throw EnvelopeException.inRecord("envelope has an empty department", envelope, topic);
        }
        return switch (WireFormat.Format.of(envelope.getFormat())) {
            case AES_GCM_V1 -> openGcm(envelope, topic);
            case ESDK_MESSAGE_V1 -> openEsdk(envelope, topic);
        };
    }

    /** KMS calls made through this opener's {@link KeyringProvider} (shared if the provider is shared). */
    public KmsCallCounts kmsCalls() {
        return keyrings.kmsCalls();
    }

    public OpenerConfig config() {
        return config;
    }

    /**
     * Forgets every cached data key, zeroing its bytes once the records in progress are done; later calls to open
     * fail. Does not close the keyring provider, which the caller owns.
     */
    @Override
    public void close() {
        closed = true;
        cache.clear();
    }

    /** Unwrapped data keys held right now. */
    int cachedDataKeys() {
        return cache.size();
    }

    /** The data key that opens {@code envelope} (from the cache, or unwrapped now); for tests of destruction. */
    PlaintextDataKey dataKeyOf(Envelope envelope) {
        return dataKey(envelope).unwrapped().key();
    }

    private byte[] openGcm(Envelope env, String topic) {
        AesGcmV1.checkShape(env, topic);
        KnownKey known = leaseDataKey(env);
        try {
            byte[] aad = RecordAad.encode(known.aadHead(), env.getEventId(), topic, env.getTimestamp(),
                    env.getContentType(), known.canonicalWrappedKeys());
            return AesGcmV1.decrypt(known.unwrapped().cipher().get(), known.unwrapped().key(), aad, env, topic);
        } finally {
            known.unwrapped().key().release();
        }
    }

    private byte[] openEsdk(Envelope env, String topic) {
        ParsedCiphertext parsed = EsdkMessageV1.parse(env, topic);
        KnownKey known = leaseDataKey(env);
        try {
            return EsdkMessageV1.decrypt(parsed, known.unwrapped().materials(), env, topic);
        } finally {
            known.unwrapped().key().release();
        }
    }

    /**
     * The record's data key, leased for this record. A key found retired (it left the cache since this thread or the
     * cache handed it out) is looked up again.
     */
    private KnownKey leaseDataKey(Envelope env) {
        while (true) {
            KnownKey known = dataKey(env);
            if (known.unwrapped().key().tryLease()) {
                return known;
            }
            lastKey.remove();
            if (closed) {
                throw new IllegalStateException("opener is closed");
            }
        }
    }

    /** The record's data key: this thread's last one if the record carries it, else from the cache or KMS. */
    private KnownKey dataKey(Envelope env) {
        KnownKey last = lastKey.get();
        if (last != null && last.format() == env.getFormat() && last.department().equals(env.getDepartment())
                && WrappedKeys.same(last.wrappedKeys(), env.getWrappedKeys())
                && nanoTime.getAsLong() - last.unwrapped().unwrappedAtNanos() < ttlNanos) {
            return last;
        }
        byte[] canonicalWrappedKeys = WrappedKeys.canonical(env.getWrappedKeys()); // validates them, too
        byte[] format = env.getFormat().name().getBytes(StandardCharsets.UTF_8);
        byte[] department = env.getDepartment().getBytes(StandardCharsets.UTF_8);
        byte[] id = new byte[Bytes.prefixedLength(format) + Bytes.prefixedLength(department) + canonicalWrappedKeys.length];
        Bytes.put(id, Bytes.putPrefixed(id, Bytes.putPrefixed(id, 0, format), department), canonicalWrappedKeys);
        Unwrapped unwrapped = cache.get(id, () -> {
            DecryptionMaterials m = DataKeys.unwrap(keyrings.decryptKeyring(), env.getFormat(), env.getDepartment(),
                    WrappedKeys.toMpl(env.getWrappedKeys()), env.getWrappedKeys().get(0).getKeyId());
            return new Unwrapped(new PlaintextDataKey(m.plaintextDataKey()), m, nanoTime.getAsLong());
        });
        KnownKey known = new KnownKey(env.getFormat(), env.getDepartment(), WrappedKeys.copyBytes(env.getWrappedKeys()),
                canonicalWrappedKeys,
                RecordAad.head(env.getFormatVersion(), env.getFormat(), env.getDepartment()), unwrapped);
        lastKey.set(known);
        return known;
    }

    /**
     * An unwrapped data key: as a JCE key for AES_GCM_V1, as the MPL materials for ESDK_MESSAGE_V1 (they share the
     * key bytes, zeroed together). Each thread gets its own cipher per data key, so readers of several departments do
     * not re-expand the AES key schedule on every record (see DataKey#cipher).
     */
    private record Unwrapped(PlaintextDataKey key, DecryptionMaterials materials, long unwrappedAtNanos,
                             ThreadLocal<Cipher> cipher) {
        Unwrapped(PlaintextDataKey key, DecryptionMaterials materials, long unwrappedAtNanos) {
            this(key, materials, unwrappedAtNanos, ThreadLocal.withInitial(AesGcmV1::newCipher));
        }
    }

    /** A data key with what every record under it shares: its wrapped keys (own copies), their encoding, the AAD head. */
    private record KnownKey(EnvelopeFormatId format, String department, List<WrappedKey> wrappedKeys,
                            byte[] canonicalWrappedKeys, byte[] aadHead, Unwrapped unwrapped) {}
}
