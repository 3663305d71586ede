package io.deptcrypt.crypto;

import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.governance.EncryptionContext;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.KmsArn;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals events into envelopes, one data key per department at a time. Thread-safe; one per application.
 * <p>
 * A department's data key ({@link DataKey}) is generated and wrapped by the keyring of the department's KMS key (one
 * KMS GenerateDataKey), used for up to {@link SealerConfig#maxRecordsPerDataKey()} records or
 * {@link SealerConfig#maxDataKeyAge()}, then replaced and its bytes zeroed. The ciphertext is made by the configured
 * {@link WireFormat.Format}:
 * <ul>
 *   <li>{@link AesGcmV1} or {@link EsdkMessageV1}: self-contained Avro envelopes carrying their wrapped data key.</li>
 *   <li>{@link AesGcmV2}: compact records that name their data key by id. Each data key's record
 *       ({@link PublishedDataKey}) is published through the {@link DataKeyPublisher}, and acknowledged, before the
 *       first record is sealed under it; a key whose publication failed is published again on the next record
 *       (no new GenerateDataKey), so publication outages are retried like KMS outages.</li>
 * </ul>
 * Dead letters ({@link #sealQuarantine}) are always self-contained: AES_GCM_V1, or ESDK_MESSAGE_V1 when that is the
 * configured format. {@link #update} takes a new governance while records are being sealed.
 */
public final class Sealer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sealer.class);
    /** The slot of the quarantine key; no department can have this name (governance names start with a-z). */
    private static final String QUARANTINE = EncryptionContext.QUARANTINE_DEPARTMENT;

    private final KeyringProvider keyrings;
    private final SealerConfig config;
    private final WireFormat.Format format;
    private final WireFormat.Format quarantineFormat;
    private final DataKeyPublisher publisher;
    private final LongSupplier nanoTime;
    private final LongSupplier wallClockMillis;
    private final long maxAgeNanos;
    /** Nonce masks and data key ids: SecureRandom, or seeded in tests of the stored serialized forms. */
    private final Random random;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final List<Consumer<String>> newDataKeyObservers = new CopyOnWriteArrayList<>();
    private final Object updateLock = new Object();
    private volatile Routing routing;
    private volatile boolean closed;

    private Sealer(Governance governance, KeyringProvider keyrings, SealerConfig config, DataKeyPublisher publisher,
            LongSupplier nanoTime, LongSupplier wallClockMillis, Random random) {
        this.keyrings = Objects.requireNonNull(keyrings, "keyrings");
        this.config = Objects.requireNonNull(config, "config");
        this.format = WireFormat.Format.of(config.format());
        this.quarantineFormat = format == WireFormat.Format.AES_GCM_V2 ? WireFormat.Format.AES_GCM_V1 : format;
        if (format == WireFormat.Format.AES_GCM_V2 && publisher == null) {
            throw new IllegalArgumentException("a sealer writing AES_GCM_V2 needs a DataKeyPublisher (the keys topic"
                    + " its records refer to)");
        }
        this.publisher = publisher;
        this.nanoTime = nanoTime;
        this.wallClockMillis = wallClockMillis;
        this.random = random;
        this.maxAgeNanos = config.maxDataKeyAge().toNanos();
        this.routing = Routing.of(Objects.requireNonNull(governance, "governance"));
    }

    /** A sealer of a self-contained format (AES_GCM_V1, ESDK_MESSAGE_V1). */
    public static Sealer create(Governance governance, KeyringProvider keyrings, SealerConfig config) {
        return create(governance, keyrings, config, (DataKeyPublisher) null);
    }

    /** A sealer of any format; AES_GCM_V2 publishes its data keys through {@code publisher} (nullable otherwise). */
    public static Sealer create(Governance governance, KeyringProvider keyrings, SealerConfig config,
            DataKeyPublisher publisher) {
        return new Sealer(governance, keyrings, config, publisher, System::nanoTime, System::currentTimeMillis,
                new SecureRandom());
    }

    /** With a fake clock, for tests of data-key retirement. */
    static Sealer create(Governance governance, KeyringProvider keyrings, SealerConfig config, LongSupplier nanoTime) {
        return new Sealer(governance, keyrings, config, null, nanoTime, System::currentTimeMillis, new SecureRandom());
    }

    /** With a fake clock and a given source of nonce masks, for tests that need the exact bytes of a record. */
    static Sealer create(Governance governance, KeyringProvider keyrings, SealerConfig config, LongSupplier nanoTime,
            Random nonceMasks) {
        return new Sealer(governance, keyrings, config, null, nanoTime, System::currentTimeMillis, nonceMasks);
    }

    /** Every seam: clocks, and the source of data key ids and nonce masks (drawn in that order per key). */
    static Sealer create(Governance governance, KeyringProvider keyrings, SealerConfig config,
            DataKeyPublisher publisher, LongSupplier nanoTime, LongSupplier wallClockMillis, Random random) {
        return new Sealer(governance, keyrings, config, publisher, nanoTime, wallClockMillis, random);
    }

    /**
     * Seals {@code plaintext} for {@code ctx.department()} under that department's governance key, as a
     * self-contained Avro envelope (AES_GCM_V1 or ESDK_MESSAGE_V1; for AES_GCM_V2 use {@link #sealRecord}).
     *
     * @throws EnvelopeException         the department is not in the governance, or KMS refused for a reason
     *                                   other than access (e.g. disabled key)
     * @throws KmsAccessDeniedException  this application may not generate data keys under the department's key
     * @throws KmsUnavailableException   KMS is throttling, failing or unreachable: retry
     * @throws IllegalStateException     this sealer writes AES_GCM_V2
     */
    public Envelope seal(SealContext ctx, byte[] plaintext) {
        Objects.requireNonNull(ctx, "ctx");
        if (format == WireFormat.Format.AES_GCM_V2) {
            throw new IllegalStateException("this sealer writes AES_GCM_V2, which is no Avro envelope: use sealRecord");
        }
        return sealEnvelope(ctx.department(), false, ctx, plaintext);
    }

    /**
     * Seals {@code plaintext} under the governance quarantine key, for the dead-letter topic: always a
     * self-contained Avro envelope (AES_GCM_V1, or ESDK_MESSAGE_V1 if that is the configured format). The envelope's
     * department is {@value EncryptionContext#QUARANTINE_DEPARTMENT}; {@code ctx.department()} is ignored (it may be
     * missing or unknown, which is often why the record is quarantined).
     */
    public Envelope sealQuarantine(SealContext ctx, byte[] plaintext) {
        Objects.requireNonNull(ctx, "ctx");
        return sealEnvelope(QUARANTINE, true, ctx, plaintext);
    }

    /**
     * Seals {@code plaintext} for {@code ctx.department()} in the configured format and returns the Kafka record
     * value; writes the format's headers into {@code headers} (replacing earlier deptcrypt ones): for AES_GCM_V2 the
     * {@code deptcrypt.audience} header, for the version 1 formats {@code deptcrypt.department} and
     * {@code deptcrypt.event-id}. The record key is the caller's: null for AES_GCM_V2, the department for version 1
     * (docs/wire-format.md).
     *
     * @throws KeysTopicUnavailableException AES_GCM_V2: a new data key's record was not acknowledged: retry
     * @throws EnvelopeException             as {@link #seal}, or the event id or content type is too long for
     *                                       AES_GCM_V2
     */
    public byte[] sealRecord(SealContext ctx, byte[] plaintext, Headers headers) {
        Objects.requireNonNull(ctx, "ctx");
        Objects.requireNonNull(headers, "headers");
        if (format != WireFormat.Format.AES_GCM_V2) {
            Envelope env = sealEnvelope(ctx.department(), false, ctx, plaintext);
            EnvelopeHeaders.write(headers, env);
            return EnvelopeSerde.toBytes(env);
        }
        Objects.requireNonNull(plaintext, "plaintext");
        byte[] eventId = ctx.eventId().getBytes(StandardCharsets.UTF_8);
        if (eventId.length > AesGcmV2.MAX_EVENT_ID_BYTES) {
            throw new EnvelopeException("event id of " + eventId.length + " UTF-8 bytes is longer than AES_GCM_V2's "
                    + AesGcmV2.MAX_EVENT_ID_BYTES);
        }
        int code = AesGcmV2.contentTypeCode(ctx.contentType());
        byte[] contentType = code == AesGcmV2.OTHER_CONTENT_TYPE ? ctx.contentType().getBytes(StandardCharsets.UTF_8)
                : null;
        if (contentType != null && contentType.length > 255) {
            throw new EnvelopeException("content type of " + contentType.length + " UTF-8 bytes is longer than"
                    + " AES_GCM_V2's 255 (event " + ctx.eventId() + ")");
        }
        int headerLength = AesGcmV2.headerLength(contentType, eventId.length);
        int ciphertextLength = plaintext.length + AesGcmV2.TAG_BYTES;
        byte[] out = new byte[headerLength + ciphertextLength]; // the one array of the record: written in place
        Slot slot;
        Use use;
        do {
            slot = slot(ctx.department(), false);
            use = slot.acquire();
        } while (use == null);
        DataKey key = use.key();
        try {
            int nonceAt = AesGcmV2.writeHeader(out, code, contentType, ctx.timestampMillis(), eventId,
                    key.published.id(), ciphertextLength);
            key.writeNonce(use.number(), out, nonceAt);
            AesGcmV2.encrypt(key.cipher.get(), key.key, out, nonceAt, headerLength, key.aadPrefix(ctx.topic()),
                    plaintext);
        } finally {
            key.release();
        }
        EnvelopeHeaders.writeAudience(headers, slot.audienceHeader);
        return out;
    }

    /**
     * Takes a new governance while records are being sealed (those in progress finish under the key they started
     * with). Departments added are sealed from now on; records for departments removed are refused; a department
     * whose KMS key changed (and the quarantine, if its key changed) gets a new data key with its next record. The
     * data keys of removed and changed departments are retired: their bytes are zeroed once the records in progress
     * are done.
     */
    public void update(Governance governance) {
        Routing next = Routing.of(Objects.requireNonNull(governance, "governance"));
        synchronized (updateLock) {
            routing = next;
            for (String name : slots.keySet()) {
                slots.computeIfPresent(name, (n, slot) -> {
                    if (slot.key.equals(next.keyOf(n))) {
                        return slot;
                    }
                    slot.retire();
                    return null;
                });
            }
        }
        LOG.info("governance {} taken: sealing for departments {}", governance.source(), governance.departmentNames());
    }

    /**
     * Tells {@code observer} the department of each data key generated from now on (a department's first key, and
     * each that replaces a spent or expired one; {@value EncryptionContext#QUARANTINE_DEPARTMENT} for the quarantine
     * key), until the returned handle is closed. Called on the sealing thread: it must be quick and must not throw.
     */
    public AutoCloseable observeNewDataKeys(Consumer<String> observer) {
        Objects.requireNonNull(observer, "observer");
        newDataKeyObservers.add(observer);
        return () -> newDataKeyObservers.remove(observer);
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

    private Envelope sealEnvelope(String department, boolean quarantine, SealContext ctx, byte[] plaintext) {
        Objects.requireNonNull(plaintext, "plaintext");
        Use use;
        do {
            use = slot(department, quarantine).acquire();
        } while (use == null);
        DataKey dataKey = use.key();
        WireFormat.Format f = quarantine ? quarantineFormat : format;
        try {
            // The all-arguments constructor: Avro's builder validates and copies, costing more than the encryption.
            Envelope env = new Envelope(WireFormat.Version.V1.id(), f.id(), department, ctx.eventId(),
                    ctx.timestampMillis(), ctx.contentType(), WrappedKeys.copy(dataKey.wrappedKeys), null, null);
            switch (f) {
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
                default -> throw new IllegalStateException("format " + f + " is no Avro envelope");
            }
            return env;
        } finally {
            dataKey.release();
        }
    }

    /**
     * The live slot of a department (or of the quarantine key) under the current governance; replaced, and the old
     * one retired, when the governance gave it another key.
     */
    private Slot slot(String department, boolean quarantine) {
        if (closed) {
            throw new IllegalStateException("sealer is closed");
        }
        String name = quarantine ? QUARANTINE : department;
        Routing r = routing;
        KmsArn key = r.keyOf(name);
        if (key == null) {
            throw r.unknown(department);
        }
        Slot s = slots.get(name);
        if (s != null && !s.retired && s.key.equals(key)) {
            return s;
        }
        return slots.compute(name, (n, old) -> {
            Routing now = routing; // read again: an update may have run since
            KmsArn k = now.keyOf(n);
            if (k == null) {
                throw now.unknown(department);
            }
            if (old != null && !old.retired && old.key.equals(k)) {
                return old;
            }
            if (old != null) {
                old.retire();
            }
            return new Slot(n, k, quarantine ? quarantineFormat : format);
        });
    }

    /** The governance as the sealer looks it up per record: department name to key (a map; a stream showed in profiles). */
    private record Routing(Governance governance, Map<String, KmsArn> departmentKeys) {
        static Routing of(Governance g) {
            return new Routing(g, g.departments().stream()
                    .collect(Collectors.toUnmodifiableMap(Governance.Department::name, Governance.Department::key)));
        }

        /** The key of a department or of {@link #QUARANTINE}; null for a department not in the governance. */
        KmsArn keyOf(String slotName) {
            return slotName.equals(QUARANTINE) ? governance.quarantine().key() : departmentKeys.get(slotName);
        }

        EnvelopeException unknown(String department) {
            return new EnvelopeException("unknown department '" + department + "' (governance " + governance.source()
                    + " declares " + governance.departmentNames() + ")");
        }
    }

    /** The current data key of one department (or of the quarantine key) under one KMS key. */
    private final class Slot {
        private final String department;
        private final KmsArn key;
        private final WireFormat.Format slotFormat;
        private final byte[] audienceHeader;
        private volatile DataKey current;
        /** AES_GCM_V2: generated, but its record was not acknowledged yet; published again before any other key. */
        private DataKey unpublished;
        private volatile boolean retired;

        Slot(String department, KmsArn key, WireFormat.Format slotFormat) {
            this.department = department;
            this.key = key;
            this.slotFormat = slotFormat;
            this.audienceHeader = department.getBytes(StandardCharsets.UTF_8);
        }

        /**
         * One use of the current data key, leased; a new key (and the old one retired) when it is spent. Null when
         * this slot was retired (its governance changed): the caller looks its slot up again.
         */
        Use acquire() {
            DataKey k = current;
            long n;
            if (k != null && (n = k.tryUse(nanoTime.getAsLong())) > 0) {
                return new Use(k, n);
            }
            synchronized (this) {
                if (retired) {
                    return null;
                }
                k = current;
                if (k != null && (n = k.tryUse(nanoTime.getAsLong())) > 0) {
                    return new Use(k, n);
                }
                if (closed) {
                    throw new IllegalStateException("sealer is closed");
                }
                DataKey fresh = unpublished != null && !unpublished.isExpired(nanoTime.getAsLong())
                        ? unpublished : generate();
                if (unpublished != null && unpublished != fresh) {
                    unpublished.retire();
                }
                unpublished = fresh;
                if (fresh.published != null && !fresh.isPublished()) {
                    publisher.publish(fresh.published); // may throw: fresh stays unpublished, for the retry
                    fresh.markPublished();
                    LOG.debug("published data key {} for department {}", fresh.published.id(), department);
                }
                unpublished = null;
                current = fresh;
                if (k != null) {
                    k.retire();
                }
                n = fresh.tryUse(nanoTime.getAsLong());
                if (n == 0) {
                    throw new IllegalStateException("fresh data key unusable for department " + department);
                }
                return new Use(fresh, n);
            }
        }

        /** A new data key: one GenerateDataKey; for AES_GCM_V2 also its (not yet published) record. */
        private DataKey generate() {
            var materials = DataKeys.generate(keyrings.encryptKeyring(key), slotFormat.id(), department,
                    key.toString());
            PublishedDataKey published = null;
            if (slotFormat == WireFormat.Format.AES_GCM_V2) {
                DataKeyId id = DataKeyId.random(random);
                published = PublishedDataKey.create(id, slotFormat, Set.of(department),
                        materials.encryptedDataKeys().stream().map(e -> AudienceWrappedKey.of(department, e)).toList(),
                        wallClockMillis.getAsLong(), routing.governance().owner());
            }
            LOG.debug("new data key for department {} under {}", department, key);
            newDataKeyObservers.forEach(o -> o.accept(department));
            return new DataKey(materials, slotFormat.id(), department, published, nanoTime.getAsLong(),
                    config.maxRecordsPerDataKey(), maxAgeNanos, random);
        }

        synchronized void retire() {
            retired = true;
            if (current != null) {
                current.retire();
                current = null;
            }
            if (unpublished != null) {
                unpublished.retire();
                unpublished = null;
            }
        }
    }

    /** One reserved use of a data key: its number decides the record's nonce. */
    private record Use(DataKey key, long number) {}
}
