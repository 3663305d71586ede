package io.deptcrypt.crypto;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CommitmentPolicy;
import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import com.amazonaws.encryptionsdk.ParsedCiphertext;
import com.amazonaws.encryptionsdk.model.KeyBlob;
import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.crypto.avro.WrappedKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import software.amazon.cryptography.materialproviders.ICryptographicMaterialsManager;
import software.amazon.cryptography.materialproviders.model.DecryptMaterialsInput;
import software.amazon.cryptography.materialproviders.model.DecryptMaterialsOutput;
import software.amazon.cryptography.materialproviders.model.DecryptionMaterials;
import software.amazon.cryptography.materialproviders.model.GetEncryptionMaterialsInput;
import software.amazon.cryptography.materialproviders.model.GetEncryptionMaterialsOutput;

/**
 * Opens envelopes with this application's own keyring. Thread-safe; one per application.
 * <p>
 * Unwrapped data keys are cached by (format, department, exact wrapped-key bytes), at most
 * {@link OpenerConfig#maxCachedDataKeys()} of them, each for {@link OpenerConfig#dataKeyTtl()} after KMS returned it:
 * one KMS Decrypt per data key per TTL. The department is the KMS encryption context of the unwrap, so KMS refuses a
 * wrapped key moved into another department's record, and the cache never answers across departments.
 */
public final class Opener {

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
    private final AwsCrypto esdk = AwsCrypto.builder()
            .withCommitmentPolicy(CommitmentPolicy.RequireEncryptRequireDecrypt)
            .withEncryptionAlgorithm(CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
            .withMaxEncryptedDataKeys(WrappedKeys.MAX_WRAPPED_KEYS)
            .build();

    private Opener(KeyringProvider keyrings, OpenerConfig config, LongSupplier nanoTime) {
        this.keyrings = Objects.requireNonNull(keyrings, "keyrings");
        this.config = Objects.requireNonNull(config, "config");
        this.cache = new DataKeyCache<>(config.maxCachedDataKeys(), config.dataKeyTtl().toNanos(), nanoTime);
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
     */
    public byte[] open(Envelope envelope, String topic) {
        Objects.requireNonNull(envelope, "envelope");
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("topic must not be null or empty");
        }
        if (envelope.getFormatVersion() != Sealer.FORMAT_VERSION) {
            throw new EnvelopeException("unsupported envelope formatVersion " + envelope.getFormatVersion()
                    + " (this reader understands " + Sealer.FORMAT_VERSION + ")" + where(envelope, topic));
        }
        if (envelope.getFormat() == null || envelope.getDepartment() == null || envelope.getEventId() == null
                || envelope.getContentType() == null || envelope.getNonce() == null
                || envelope.getCiphertext() == null) {
            throw new EnvelopeException("envelope is missing a field" + where(envelope, topic));
        }
        if (envelope.getDepartment().isEmpty()) {
            throw new EnvelopeException("envelope has an empty department" + where(envelope, topic));
        }
        return switch (envelope.getFormat()) {
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

    /** Unwrapped data keys held right now. */
    int cachedDataKeys() {
        return cache.size();
    }

    private byte[] openGcm(Envelope env, String topic) {
        ByteBuffer nonce = env.getNonce();
        ByteBuffer ciphertext = env.getCiphertext();
        if (nonce.remaining() != Sealer.NONCE_BYTES) {
            throw new EnvelopeException("AES_GCM_V1 nonce must be " + Sealer.NONCE_BYTES + " bytes, is "
                    + nonce.remaining() + where(env, topic));
        }
        if (ciphertext.remaining() < Sealer.TAG_BITS / 8) {
            throw new EnvelopeException("AES_GCM_V1 ciphertext shorter than its 16-byte tag" + where(env, topic));
        }
        KnownKey known = dataKey(env);
        byte[] aad = RecordAad.encode(known.aadHead(), env.getEventId(), topic, env.getTimestamp(),
                env.getContentType(), known.canonicalWrappedKeys());
        try {
            Cipher gcm = known.unwrapped().cipher().get();
            // Straight from the decoded buffers: no copies of nonce and ciphertext.
            GCMParameterSpec iv = nonce.hasArray()
                    ? new GCMParameterSpec(Sealer.TAG_BITS, nonce.array(), nonce.arrayOffset() + nonce.position(),
                            Sealer.NONCE_BYTES)
                    : new GCMParameterSpec(Sealer.TAG_BITS, WrappedKeys.bytes(nonce));
            gcm.init(Cipher.DECRYPT_MODE, known.unwrapped().aesKey(), iv);
            gcm.updateAAD(aad);
            return ciphertext.hasArray()
                    ? gcm.doFinal(ciphertext.array(), ciphertext.arrayOffset() + ciphertext.position(),
                            ciphertext.remaining())
                    : gcm.doFinal(WrappedKeys.bytes(ciphertext));
        } catch (AEADBadTagException e) {
            throw new EnvelopeException("record failed authentication: its ciphertext, nonce or a cleartext field"
                    + " (department, eventId, timestamp, contentType, wrappedKeys) was changed, or it was moved to"
                    + " another record or topic" + where(env, topic));
        } catch (GeneralSecurityException e) {
            throw new EnvelopeException("AES-GCM decryption failed: " + e.getClass().getSimpleName()
                    + where(env, topic), e);
        }
    }

    private byte[] openEsdk(Envelope env, String topic) {
        if (env.getNonce().remaining() != 0) {
            throw new EnvelopeException("ESDK_MESSAGE_V1 nonce must be empty" + where(env, topic));
        }
        ParsedCiphertext parsed;
        try {
            parsed = new ParsedCiphertext(WrappedKeys.bytes(env.getCiphertext()), WrappedKeys.MAX_WRAPPED_KEYS);
        } catch (RuntimeException e) {
            throw new EnvelopeException("ciphertext is not an AWS Encryption SDK message: " + e.getClass().getSimpleName()
                    + where(env, topic), e);
        }
        if (parsed.getCryptoAlgoId() != CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY) {
            throw new EnvelopeException("ESDK message uses suite " + parsed.getCryptoAlgoId()
                    + ", only ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY is accepted" + where(env, topic));
        }
        if (!DataKeys.context(env.getDepartment()).equals(parsed.getEncryptionContextMap())) {
            throw new EnvelopeException("ESDK message encryption context " + parsed.getEncryptionContextMap().keySet()
                    + " does not name the envelope's department" + where(env, topic));
        }
        if (!sameKeys(env.getWrappedKeys(), parsed.getEncryptedKeyBlobs())) {
            throw new EnvelopeException("envelope wrappedKeys differ from the ESDK message's encrypted data keys"
                    + where(env, topic));
        }
        DecryptionMaterials materials = dataKey(env).unwrapped().materials();
        try {
            return esdk.decryptData(new FixedMaterials(materials), parsed).getResult();
        } catch (RuntimeException e) {
            throw new EnvelopeException("ESDK message failed to decrypt (tampered or wrong key): "
                    + e.getClass().getSimpleName() + where(env, topic), e);
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
            return new Unwrapped(DataKeys.aesKey(m.plaintextDataKey()), m, nanoTime.getAsLong());
        });
        KnownKey known = new KnownKey(env.getFormat(), env.getDepartment(), WrappedKeys.copyBytes(env.getWrappedKeys()),
                canonicalWrappedKeys, RecordAad.head(Sealer.FORMAT_VERSION, env.getFormat(), env.getDepartment()),
                unwrapped);
        lastKey.set(known);
        return known;
    }

    /**
     * An unwrapped data key: as a JCE key for AES_GCM_V1, as the MPL materials for ESDK_MESSAGE_V1. Each thread gets
     * its own cipher per data key, so readers of several departments do not re-expand the AES key schedule on every
     * record (see Sealer.DataKey#cipher).
     */
    private record Unwrapped(SecretKey aesKey, DecryptionMaterials materials, long unwrappedAtNanos,
                             ThreadLocal<Cipher> cipher) {
        Unwrapped(SecretKey aesKey, DecryptionMaterials materials, long unwrappedAtNanos) {
            this(aesKey, materials, unwrappedAtNanos, ThreadLocal.withInitial(Sealer::newGcm));
        }
    }

    /** A data key with what every record under it shares: its wrapped keys (own copies), their encoding, the AAD head. */
    private record KnownKey(EnvelopeFormatId format, String department, List<WrappedKey> wrappedKeys,
                            byte[] canonicalWrappedKeys, byte[] aadHead, Unwrapped unwrapped) {}

    private static boolean sameKeys(List<WrappedKey> envelopeKeys, List<KeyBlob> messageKeys) {
        if (envelopeKeys.size() != messageKeys.size()) {
            return false;
        }
        for (int i = 0; i < envelopeKeys.size(); i++) {
            WrappedKey a = envelopeKeys.get(i);
            KeyBlob b = messageKeys.get(i);
            if (!a.getKeyProvider().equals(b.getProviderId())
                    || !Arrays.equals(a.getKeyId().getBytes(StandardCharsets.ISO_8859_1), b.getProviderInformation())
                    || !Arrays.equals(WrappedKeys.bytes(a.getEncryptedDataKey()), b.getEncryptedDataKey())) {
                return false;
            }
        }
        return true;
    }

    private static String where(Envelope env, String topic) {
        return " (department " + env.getDepartment() + ", eventId " + env.getEventId() + ", topic " + topic + ")";
    }

    /** Hands the ESDK the already unwrapped (cached) data key. */
    private static final class FixedMaterials implements ICryptographicMaterialsManager {
        private final DecryptionMaterials materials;

        FixedMaterials(DecryptionMaterials materials) {
            this.materials = materials;
        }

        @Override
        public DecryptMaterialsOutput DecryptMaterials(DecryptMaterialsInput input) {
            if (!materials.encryptionContext().equals(input.encryptionContext())) {
                throw new IllegalStateException("encryption context differs from the data key's");
            }
            return DecryptMaterialsOutput.builder().decryptionMaterials(materials).build();
        }

        @Override
        public GetEncryptionMaterialsOutput GetEncryptionMaterials(GetEncryptionMaterialsInput input) {
            throw new UnsupportedOperationException("opening only");
        }
    }
}
