package io.deptcrypt.crypto;

import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.governance.EncryptionContext;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.KmsArn;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
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
 * {@link #sealParts} seals one event for several audiences (docs/event-types.md) as one AES_GCM_V2 record, each part
 * under the data key of its audience set, kept like a department's (a set of one is that department's data key).
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
        byte[] eventId = v2EventId(ctx.eventId());
        int code = AesGcmV2.contentTypeCode(ctx.contentType());
        byte[] contentType = v2ContentType(code, ctx.contentType(), ctx.eventId());
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
     * Seals one event as one AES_GCM_V2 record of several parts (docs/event-types.md): part k under the data key of
     * its audience set (one GenerateDataKey under the first audience's KMS key, one Encrypt under each other's, per
     * data-key lifetime; a one-audience set shares its department's data key), each part's AAD binding the whole
     * header, its index and its data key's record. Writes the {@code deptcrypt.audience} header: the sorted union of
     * the parts' audiences. The record key is the caller's (null, as every AES_GCM_V2 record).
     *
     * @param parts 1 to 16; with more than one, every part names its fields (RecordPart#fields)
     * @throws IllegalStateException    this sealer does not write AES_GCM_V2
     * @throws IllegalArgumentException the parts break those rules, or a field name is longer than 255 UTF-8 bytes
     * @throws EnvelopeException        as {@link #sealRecord}, or an audience is not a department of the governance
     */
    public byte[] sealParts(String eventId, String topic, long timestampMillis, String contentType,
            List<RecordPart> parts, Headers headers) {
        Objects.requireNonNull(parts, "parts");
        Objects.requireNonNull(headers, "headers");
        if (format != WireFormat.Format.AES_GCM_V2) {
            throw new IllegalStateException("records of several parts need AES_GCM_V2; this sealer writes " + format);
        }
        if (eventId == null || eventId.isEmpty() || topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("eventId and topic must not be null or empty");
        }
        Objects.requireNonNull(contentType, "contentType");
        int p = parts.size();
        byte[] id = v2EventId(eventId);
        int code = AesGcmV2.contentTypeCode(contentType);
        byte[] contentTypeText = v2ContentType(code, contentType, eventId);
        AesGcmV2.PartTable table = AesGcmV2.PartTable.of(parts, contentTypeText, id.length, eventId);
        byte[][][] fields = table.fields();
        int[] lengths = table.ciphertextLengths();
        int headerLength = table.headerLength();
        TreeSet<String> union = new TreeSet<>();
        parts.forEach(part -> union.addAll(part.audiences()));
        byte[] out = new byte[table.recordLength()];
        Use[] uses = new Use[p];
        try {
            DataKeyId[] keys = new DataKeyId[p];
            for (int k = 0; k < p; k++) {
                Use use;
                do {
                    use = slotFor(parts.get(k).audiences()).acquire();
                } while (use == null);
                uses[k] = use;
                keys[k] = use.key().published.id();
            }
            int[] nonces = AesGcmV2.writeHeader(out, code, contentTypeText, timestampMillis, id, keys, fields, lengths);
            for (int k = 0; k < p; k++) {
                uses[k].key().writeNonce(uses[k].number(), out, nonces[k]);
            }
            int at = headerLength;
            for (int k = 0; k < p; k++) {
                DataKey key = uses[k].key();
                byte[] aad = k == 0 ? key.aadPrefix(topic) : AesGcmV2.aadPrefix(topic, k, key.published.sha256());
                AesGcmV2.encrypt(key.cipher.get(), key.key, out, nonces[k], headerLength, aad,
                        parts.get(k).plaintext(), at);
                at += lengths[k];
            }
        } finally {
            for (Use use : uses) {
                if (use != null) {
                    use.key().release();
                }
            }
        }
        EnvelopeHeaders.writeAudience(headers, String.join(String.valueOf(PublishedDataKey.AUDIENCE_SEPARATOR), union)
                .getBytes(StandardCharsets.UTF_8));
        return out;
    }

    private static byte[] v2EventId(String eventId) {
        byte[] id = eventId.getBytes(StandardCharsets.UTF_8);
        if (id.length > AesGcmV2.MAX_EVENT_ID_BYTES) {
            throw new EnvelopeException("event id of " + id.length + " UTF-8 bytes is longer than AES_GCM_V2's "
                    + AesGcmV2.MAX_EVENT_ID_BYTES);
        }
        return id;
    }

    /** The UTF-8 media type for code {@link AesGcmV2#OTHER_CONTENT_TYPE}, else null. */
    private static byte[] v2ContentType(int code, String contentType, String eventId) {
        byte[] text = code == AesGcmV2.OTHER_CONTENT_TYPE ? contentType.getBytes(StandardCharsets.UTF_8) : null;
        if (text != null && text.length > 255) {
            throw new EnvelopeException("content type of " + text.length + " UTF-8 bytes is longer than"
                    + " AES_GCM_V2's 255 (event " + eventId + ")");
        }
        return text;
    }

    /**
     * Takes a new governance while records are being sealed (those in progress finish under the key they started
     * with). Departments added are sealed from now on; records for departments removed are refused; a department
     * whose KMS key changed, or that lost a reader (and the quarantine, likewise), gets a new data key with its next
     * record, also for every audience set it is in: a revoked reader may have kept the data key it unwrapped, and
     * must not open records sealed after its revocation with it. The data keys of removed and changed departments are
     * retired: their bytes are zeroed once the records in progress are done.
     */
    public void update(Governance governance) {
        Routing next = Routing.of(Objects.requireNonNull(governance, "governance"));
        synchronized (updateLock) {
            Set<String> lostReaders = lostReaders(routing.governance(), governance);
            routing = next;
            for (String name : slots.keySet()) {
                slots.computeIfPresent(name, (n, slot) -> {
                    // A revoked reader may hold the unwrapped data key: records sealed from now on get a fresh one.
                    if (slot.keys.equals(next.keysOrNull(n)) && slot.audiences.stream().noneMatch(lostReaders::contains)) {
                        return slot;
                    }
                    slot.retire();
                    return null;
                });
            }
        }
        LOG.info("governance {} taken: sealing for departments {}", governance.source(), governance.departmentNames());
    }

    /** The departments (and the quarantine) of which {@code after} names fewer readers than {@code before}. */
    public static Set<String> lostReaders(Governance before, Governance after) {
        Set<String> lost = new HashSet<>();
        for (Governance.Department d : before.departments()) {
            after.findDepartment(d.name()).filter(a -> !a.readers().containsAll(d.readers()))
                    .ifPresent(a -> lost.add(d.name()));
        }
        if (!after.quarantine().readers().containsAll(before.quarantine().readers())) {
            lost.add(QUARANTINE);
        }
        return lost;
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

    /**
     * The live slot of an audience set: its department's slot for one audience, else one slot per set (named by the
     * audiences joined by ',', which no department name contains), replaced when an audience's key changed.
     */
    private Slot slotFor(SortedSet<String> audiences) {
        if (audiences.size() == 1) {
            return slot(audiences.first(), false);
        }
        if (closed) {
            throw new IllegalStateException("sealer is closed");
        }
        String name = String.join(String.valueOf(PublishedDataKey.AUDIENCE_SEPARATOR), audiences);
        Slot s = slots.get(name);
        List<KmsArn> keys = routing.keysOf(name);
        if (s != null && !s.retired && s.keys.equals(keys)) {
            return s;
        }
        return slots.compute(name, (n, old) -> {
            Routing now = routing;
            List<KmsArn> k = now.keysOf(n);
            if (old != null && !old.retired && old.keys.equals(k)) {
                return old;
            }
            if (old != null) {
                old.retire();
            }
            return new Slot(List.copyOf(audiences), k, format);
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

        /** The keys of a slot's audiences (its name split at ','), in order. */
        List<KmsArn> keysOf(String slotName) {
            List<KmsArn> keys = keysOrNull(slotName);
            if (keys == null) {
                for (String a : slotName.split(String.valueOf(PublishedDataKey.AUDIENCE_SEPARATOR))) {
                    if (keyOf(a) == null) {
                        throw unknown(a);
                    }
                }
            }
            return keys;
        }

        /** As {@link #keysOf}, or null if an audience is not in the governance. */
        List<KmsArn> keysOrNull(String slotName) {
            if (slotName.indexOf(PublishedDataKey.AUDIENCE_SEPARATOR) < 0) {
                KmsArn k = keyOf(slotName);
                return k == null ? null : List.of(k);
            }
            List<KmsArn> keys = new ArrayList<>();
            for (String a : slotName.split(String.valueOf(PublishedDataKey.AUDIENCE_SEPARATOR))) {
                KmsArn k = departmentKeys.get(a);
                if (k == null) {
                    return null;
                }
                keys.add(k);
            }
            return List.copyOf(keys);
        }

        EnvelopeException unknown(String department) {
            return new EnvelopeException("unknown department '" + department + "' (governance " + governance.source()
                    + " declares " + governance.departmentNames() + ")");
        }
    }

    /**
     * The current data key of one department (or of the quarantine key) under one KMS key, or of one audience set
     * under its audiences' keys (AES_GCM_V2).
     */
    private final class Slot {
        private final String department;
        private final KmsArn key;
        /** The audiences (sorted) and their keys, in the same order; one of each for a department's slot. */
        private final List<String> audiences;
        private final List<KmsArn> keys;
        private final WireFormat.Format slotFormat;
        private final byte[] audienceHeader;
        private volatile DataKey current;
        /** AES_GCM_V2: generated, but its record was not acknowledged yet; published again before any other key. */
        private DataKey unpublished;
        private volatile boolean retired;

        Slot(String department, KmsArn key, WireFormat.Format slotFormat) {
            this(List.of(department), List.of(key), slotFormat);
        }

        Slot(List<String> audiences, List<KmsArn> keys, WireFormat.Format slotFormat) {
            this.audiences = audiences;
            this.keys = keys;
            this.department = String.join(String.valueOf(PublishedDataKey.AUDIENCE_SEPARATOR), audiences);
            this.key = keys.get(0);
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
                // our use first: once current, other threads' fast path may spend a small key before we get one
                long now = nanoTime.getAsLong();
                n = fresh.tryUse(now);
                if (n == 0 && fresh.isExpired(now)) {
                    // its publication outlasted its max age (a broker outage, a short data.key.max.age.ms): never
                    // used, so retired; the caller's retry generates another once the keys topic answers in time
                    fresh.retire();
                    throw new KeysTopicUnavailableException("the new data key for department " + department
                            + " was acknowledged by the keys topic only after its max age; another is made", null);
                }
                if (n == 0) {
                    throw new IllegalStateException("fresh data key unusable for department " + department);
                }
                current = fresh;
                if (k != null) {
                    k.retire();
                }
                return new Use(fresh, n);
            }
        }

        /**
         * A new data key: one GenerateDataKey under the first audience's key; for AES_GCM_V2 also one Encrypt of it
         * under each other audience's key, each through that audience's own keyring and encryption context, and its
         * (not yet published) record.
         */
        private DataKey generate() {
            String first = audiences.get(0);
            var materials = DataKeys.generate(keyrings.encryptKeyring(key), slotFormat.id(), first, key.toString());
            PublishedDataKey published = null;
            if (slotFormat == WireFormat.Format.AES_GCM_V2) {
                List<AudienceWrappedKey> wrapped = new ArrayList<>();
                materials.encryptedDataKeys().forEach(e -> wrapped.add(AudienceWrappedKey.of(first, e)));
                try {
                    for (int i = 1; i < audiences.size(); i++) {
                        String audience = audiences.get(i);
                        DataKeys.wrap(keyrings.encryptKeyring(keys.get(i)), materials, audience, keys.get(i).toString())
                                .forEach(e -> wrapped.add(AudienceWrappedKey.of(audience, e)));
                    }
                } catch (RuntimeException e) {
                    new PlaintextDataKey(materials.plaintextDataKey()).destroy(); // never used: zeroed now
                    throw e;
                }
                DataKeyId id = DataKeyId.random(random);
                published = PublishedDataKey.create(id, slotFormat, Set.copyOf(audiences), wrapped,
                        wallClockMillis.getAsLong(), routing.governance().owner());
            }
            LOG.debug("new data key for {} under {}", department, keys);
            // one rotation per audience set; its label is the sorted audiences joined by ','
            newDataKeyObservers.forEach(o -> o.accept(department));
            return new DataKey(materials, slotFormat.id(), first, published, nanoTime.getAsLong(),
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
