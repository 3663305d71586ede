package io.deptcrypt.crypto;

import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.governance.EncryptionContext;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.KmsArn;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals events into envelopes, one data key per department at a time. Thread-safe; one per application.
 * <p>
 * A department's data key ({@link DataKey}) is generated and wrapped by the keyring of the department's KMS key (one
 * KMS GenerateDataKey), used for up to {@link SealerConfig#maxRecordsPerDataKey()} records or
 * {@link SealerConfig#maxDataKeyAge()}, then replaced and its bytes zeroed. Every envelope carries its wrapped data
 * key. The ciphertext is made by the configured {@link WireFormat.Format}: {@link AesGcmV1} (counter-based nonces,
 * every cleartext field and the topic in the AAD) or {@link EsdkMessageV1}.
 */
public final class Sealer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sealer.class);

    private final Governance governance;
    private final KeyringProvider keyrings;
    private final SealerConfig config;
    private final WireFormat.Format format;
    private final LongSupplier nanoTime;
    private final long maxAgeNanos;
    private final Random nonceMasks;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    /** Department name to key, looked up per record (a stream over the governance list showed up in profiles). */
    private final Map<String, KmsArn> departmentKeys;
    private volatile boolean closed;

    private Sealer(Governance governance, KeyringProvider keyrings, SealerConfig config, LongSupplier nanoTime,
            Random nonceMasks) {
        this.governance = Objects.requireNonNull(governance, "governance");
        this.keyrings = Objects.requireNonNull(keyrings, "keyrings");
        this.config = Objects.requireNonNull(config, "config");
        this.format = WireFormat.Format.of(config.format());
        this.nanoTime = nanoTime;
        this.nonceMasks = nonceMasks;
        this.maxAgeNanos = config.maxDataKeyAge().toNanos();
        this.departmentKeys = governance.departments().stream()
                .collect(Collectors.toUnmodifiableMap(Governance.Department::name, Governance.Department::key));
    }

    public static Sealer create(Governance governance, KeyringProvider keyrings, SealerConfig config) {
        return new Sealer(governance, keyrings, config, System::nanoTime, new SecureRandom());
    }

    /** With a fake clock, for tests of data-key retirement. */
    static Sealer create(Governance governance, KeyringProvider keyrings, SealerConfig config, LongSupplier nanoTime) {
        return new Sealer(governance, keyrings, config, nanoTime, new SecureRandom());
    }

    /** With a fake clock and a given source of nonce masks, for tests that need the exact bytes of a record. */
    static Sealer create(Governance governance, KeyringProvider keyrings, SealerConfig config, LongSupplier nanoTime,
            Random nonceMasks) {
        return new Sealer(governance, keyrings, config, nanoTime, nonceMasks);
    }

    /**
     * Seals {@code plaintext} for {@code ctx.department()} under that department's governance key.
     *
     * @throws EnvelopeException         the department is not in the governance file, or KMS refused for a reason
     *                                   other than access (e.g. disabled key)
     * @throws KmsAccessDeniedException  this application may not generate data keys under the department's key
     * @throws KmsUnavailableException   KMS is throttling, failing or unreachable: retry
     */
    public Envelope seal(SealContext ctx, byte[] plaintext) {
        Objects.requireNonNull(ctx, "ctx");
        KmsArn key = departmentKeys.get(ctx.department());
        if (key == null) {
            throw new EnvelopeException("unknown department '" + ctx.department() + "' (governance "
                    + governance.source() + " declares " + governance.departmentNames() + ")");
        }
        return seal(ctx.department(), key, ctx, plaintext);
    }

    /**
     * Seals {@code plaintext} under the governance quarantine key, for the dead-letter topic. The envelope's
     * department is {@value EncryptionContext#QUARANTINE_DEPARTMENT}; {@code ctx.department()} is ignored (it may be
     * missing or unknown, which is often why the record is quarantined).
     */
    public Envelope sealQuarantine(SealContext ctx, byte[] plaintext) {
        Objects.requireNonNull(ctx, "ctx");
        return seal(EncryptionContext.QUARANTINE_DEPARTMENT, governance.quarantine().key(), ctx, plaintext);
    }

    /** KMS calls made through this sealer's {@link KeyringProvider} (shared if the provider is shared). */
    public KmsCallCounts kmsCalls() {
        return keyrings.kmsCalls();
    }

    public SealerConfig config() {
        return config;
    }

    /** Retires every data key (its bytes are zeroed once records in progress are done); later calls to seal fail. */
    @Override
    public void close() {
        closed = true;
        slots.values().forEach(Slot::retire);
        slots.clear();
    }

    /** The data key that seals the department's next record, or null; for tests of retirement. */
    DataKey currentDataKey(String department) {
        Slot slot = slots.get(department);
        return slot == null ? null : slot.current;
    }

    private Envelope seal(String department, KmsArn key, SealContext ctx, byte[] plaintext) {
        Objects.requireNonNull(plaintext, "plaintext");
        if (closed) {
            throw new IllegalStateException("sealer is closed");
        }
        Use use = slots.computeIfAbsent(department, d -> new Slot(d, key)).acquire();
        DataKey dataKey = use.key();
        try {
            // The all-arguments constructor: Avro's builder validates and copies, costing more than the encryption.
            Envelope env = new Envelope(WireFormat.Version.CURRENT.id(), config.format(), department, ctx.eventId(),
                    ctx.timestampMillis(), ctx.contentType(), WrappedKeys.copy(dataKey.wrappedKeys), null, null);
            switch (format) {
                case AES_GCM_V1 -> {
                    byte[] nonce = dataKey.nonce(use.number());
                    byte[] aad = RecordAad.encode(dataKey.aadHead, ctx.eventId(), ctx.topic(), ctx.timestampMillis(),
                            ctx.contentType(), dataKey.canonicalWrappedKeys);
                    env.setNonce(ByteBuffer.wrap(nonce));
                    env.setCiphertext(ByteBuffer.wrap(
                            AesGcmV1.encrypt(dataKey.cipher.get(), dataKey.key, nonce, aad, plaintext)));
                }
                case ESDK_MESSAGE_V1 -> {
                    env.setNonce(ByteBuffer.allocate(0));
                    env.setCiphertext(ByteBuffer.wrap(EsdkMessageV1.encrypt(dataKey.materials, department, plaintext)));
                }
                default -> throw new IllegalStateException("sealer cannot write format " + format);
            }
            return env;
        } finally {
            dataKey.release();
        }
    }

    /** The current data key of one department. */
    private final class Slot {
        private final String department;
        private final KmsArn key;
        private volatile DataKey current;

        Slot(String department, KmsArn key) {
            this.department = department;
            this.key = key;
        }

        /** One use of the current data key, leased; a new key (and the old one retired) when it is spent. */
        Use acquire() {
            DataKey k = current;
            long n;
            if (k != null && (n = k.tryUse(nanoTime.getAsLong())) > 0) {
                return new Use(k, n);
            }
            synchronized (this) {
                k = current;
                if (k != null && (n = k.tryUse(nanoTime.getAsLong())) > 0) {
                    return new Use(k, n);
                }
                if (closed) {
                    throw new IllegalStateException("sealer is closed");
                }
                DataKey fresh = new DataKey(DataKeys.generate(keyrings.encryptKeyring(key), config.format(), department,
                        key.toString()), config.format(), department, nanoTime.getAsLong(),
                        config.maxRecordsPerDataKey(), maxAgeNanos, nonceMasks);
                current = fresh;
                if (k != null) {
                    k.retire();
                }
                LOG.debug("new data key for department {} under {}", department, key);
                n = fresh.tryUse(nanoTime.getAsLong());
                if (n == 0) {
                    throw new IllegalStateException("fresh data key unusable for department " + department);
                }
                return new Use(fresh, n);
            }
        }

        synchronized void retire() {
            if (current != null) {
                current.retire();
                current = null;
            }
        }
    }

    /** One reserved use of a data key: its number decides the record's nonce. */
    private record Use(DataKey key, long number) {}
}
