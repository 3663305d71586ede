package io.deptcrypt.crypto;

import com.amazonaws.encryptionsdk.ParsedCiphertext;
import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.crypto.avro.WrappedKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import software.amazon.cryptography.materialproviders.model.DecryptionMaterials;

/**
 * Opens records with this application's own keyring. Thread-safe; one per application.
 * <p>
 * Every format: version 1 Avro envelopes (AES_GCM_V1, ESDK_MESSAGE_V1) carry their wrapped data key; AES_GCM_V2
 * records name it by id, and its record comes from the {@link DataKeyDirectory} (the keys topic). Unwrapped data keys
 * are cached, at most {@link OpenerConfig#maxCachedDataKeys()} of them, each for {@link OpenerConfig#dataKeyTtl()}
 * after KMS returned it: one KMS Decrypt per data key per TTL. A key that leaves the cache (evicted, expired,
 * {@link #forget forgotten}, or the opener closed) has its bytes zeroed once the records in progress are done. The
 * department (audience) is the KMS encryption context of the unwrap, so KMS refuses a wrapped key moved into another
 * department's record, and the cache never answers across departments. A data key KMS refused is remembered for
 * {@link OpenerConfig#accessDeniedTtl()}.
 * <p>
 * An AES_GCM_V2 record of several parts (one event for several audiences, docs/event-types.md) is opened for the
 * reader's parts only: every part whose data key lists the reader is decrypted under its own key, the others are
 * never touched and their fields are reported as {@link OpenedRecord#withheldFields() withheld}.
 * <p>
 * Per thread the last data key is kept with what its records share: the next record under it is recognised by
 * comparing its 16-byte id in place (AES_GCM_V2) or its wrapped keys field by field (AES_GCM_V1), with no hashing,
 * copying or shared cache, and its lease notices at once when the key was retired.
 */
public final class Opener implements AutoCloseable {

    /** Denials remembered at most (oldest first out); a reader refused more keys than this asks KMS again. */
    static final int MAX_DENIED_DATA_KEYS = 10_000;
    private static final byte[] V2_CACHE_PREFIX = "AES_GCM_V2:".getBytes(StandardCharsets.US_ASCII);

    private final KeyringProvider keyrings;
    private final OpenerConfig config;
    private final DataKeyDirectory directory;
    private final DataKeyCache<Unwrapped> cache;
    private final DeniedDataKeys denied;
    private final LongSupplier nanoTime;
    private final long ttlNanos;
    /** The version 1 data key this thread used last (records come in runs under one key). */
    private final ThreadLocal<KnownKey> lastKey = new ThreadLocal<>();
    /** The AES_GCM_V2 data key this thread used last. */
    private final ThreadLocal<KnownV2Key> lastV2Key = new ThreadLocal<>();
    private volatile boolean closed;

    private Opener(KeyringProvider keyrings, OpenerConfig config, DataKeyDirectory directory, LongSupplier nanoTime) {
        this.keyrings = Objects.requireNonNull(keyrings, "keyrings");
        this.config = Objects.requireNonNull(config, "config");
        this.directory = directory;
        this.cache = new DataKeyCache<>(config.maxCachedDataKeys(), config.dataKeyTtl().toNanos(), nanoTime,
                unwrapped -> unwrapped.key().retire());
        this.denied = new DeniedDataKeys(MAX_DENIED_DATA_KEYS, config.accessDeniedTtl().toNanos(), nanoTime);
        this.nanoTime = nanoTime;
        this.ttlNanos = config.dataKeyTtl().toNanos();
    }

    /** An opener of the version 1 formats only (AES_GCM_V2 records are refused: no keys topic to look keys up in). */
    public static Opener create(KeyringProvider keyrings, OpenerConfig config) {
        return new Opener(keyrings, config, null, System::nanoTime);
    }

    /** An opener of every format; AES_GCM_V2 data keys are looked up in {@code directory}. */
    public static Opener create(KeyringProvider keyrings, OpenerConfig config, DataKeyDirectory directory) {
        return new Opener(keyrings, config, Objects.requireNonNull(directory, "directory"), System::nanoTime);
    }

    /** With a fake clock, for tests of the cache TTL. */
    static Opener create(KeyringProvider keyrings, OpenerConfig config, LongSupplier nanoTime) {
        return new Opener(keyrings, config, null, nanoTime);
    }

    static Opener create(KeyringProvider keyrings, OpenerConfig config, DataKeyDirectory directory,
            LongSupplier nanoTime) {
        return new Opener(keyrings, config, directory, nanoTime);
    }

    /**
     * Opens a record value of any format, read from {@code topic}, for {@code reader} (the department whose records
     * the caller reads).
     *
     * @param audienceHeader the record's {@code deptcrypt.audience} header, or null if it has none. When given, it
     *                       must name exactly the record's audiences (checked for AES_GCM_V2; version 1 records
     *                       have no such header)
     * @throws NotForReaderException         the record is not sealed for {@code reader} (no KMS call)
     * @throws EnvelopeException             malformed, tampered, moved, a lying audience header, or an AES_GCM_V2
     *                                       record whose data key is not on the keys topic
     * @throws KmsAccessDeniedException      this application may not unwrap the record's data key
     * @throws KmsUnavailableException       KMS is throttling, failing or unreachable: retry
     * @throws KeysTopicUnavailableException the keys topic could not be read to its end in time: retry
     * @throws IllegalStateException         the opener is closed
     */
    public OpenedRecord open(String topic, byte[] value, String reader, byte[] audienceHeader) {
        requireTopic(topic);
        Objects.requireNonNull(reader, "reader");
        if (value == null) {
            throw new EnvelopeException("the record value is null (a tombstone), topic " + topic);
        }
        if (!AesGcmV2.isVersion2(value)) {
            Envelope env = EnvelopeSerde.fromBytes(value);
            if (!reader.equals(env.getDepartment())) {
                throw new NotForReaderException(reader, List.of(String.valueOf(env.getDepartment())),
                        " (eventId " + env.getEventId() + ", topic " + topic + ")");
            }
            return OpenedRecord.of(env, open(env, topic));
        }
        if (closed) {
            throw new IllegalStateException("opener is closed");
        }
        if (directory == null) {
            throw new EnvelopeException("an AES_GCM_V2 record, but this opener has no data key directory (the keys"
                    + " topic) to find its data key in, topic " + topic);
        }
        return openV2(topic, value, reader, audienceHeader);
    }

    /**
     * Opens a version 1 {@code envelope}, read from {@code topic}.
     *
     * @return the plaintext
     * @throws EnvelopeException        malformed, tampered, or moved to another department, event id or topic
     * @throws KmsAccessDeniedException this application may not use the department's key
     * @throws KmsUnavailableException  KMS is throttling, failing or unreachable: retry
     * @throws IllegalStateException    the opener is closed
     */
    public byte[] open(Envelope envelope, String topic) {
        Objects.requireNonNull(envelope, "envelope");
        requireTopic(topic);
        if (closed) {
            throw new IllegalStateException("opener is closed");
        }
        if (WireFormat.Version.fromId(envelope.getFormatVersion()).filter(v -> v == WireFormat.Version.V1).isEmpty()) {
            throw EnvelopeException.inRecord("unsupported envelope formatVersion " + envelope.getFormatVersion()
                    + " (this Avro envelope reader understands 1; version 2 records are not Avro)", envelope, topic);
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
            case AES_GCM_V2 -> throw EnvelopeException.inRecord("format AES_GCM_V2 is never an Avro envelope",
                    envelope, topic);
        };
    }

    /**
     * Forgets, for every thread at once, every cached data key {@code audience} (a department) can read and every
     * remembered KMS refusal for such keys: the next record under one of them costs a KMS Decrypt again, which a
     * revoked reader is refused (and a newly granted one is answered). Records being opened now finish first; the
     * forgotten keys' bytes are zeroed after them.
     */
    public void forget(String audience) {
        Objects.requireNonNull(audience, "audience");
        cache.removeIf(u -> u.audiences().contains(audience));
        denied.forget(audience);
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
     * fail. Does not close the keyring provider or the directory, which the caller owns.
     */
    @Override
    public void close() {
        closed = true;
        cache.clear();
        denied.clear();
    }

    /** Unwrapped data keys held right now. */
    int cachedDataKeys() {
        return cache.size();
    }

    /** Refusals remembered right now. */
    int deniedDataKeys() {
        return denied.size();
    }

    /** The data key that opens {@code envelope} (from the cache, or unwrapped now); for tests of destruction. */
    PlaintextDataKey dataKeyOf(Envelope envelope) {
        return dataKey(envelope).unwrapped().key();
    }

    /** The data key of an AES_GCM_V2 record, for {@code reader}; for tests of destruction and the stored forms. */
    PlaintextDataKey dataKeyOf(byte[] value, String topic, String reader) {
        AesGcmV2.Layout l = AesGcmV2.parse(value, topic);
        PublishedDataKey record = lookUp(value, l, 0, topic);
        return unwrappedV2(record, reader).key();
    }

    private static void requireTopic(String topic) {
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("topic must not be null or empty");
        }
    }

    // ---- AES_GCM_V2

    private OpenedRecord openV2(String topic, byte[] value, String reader, byte[] audienceHeader) {
        AesGcmV2.Layout l = AesGcmV2.parse(value, topic);
        if (l.partCount() > 1 || l.fieldCount(0) > 0) {
            return openParts(topic, value, l, reader, audienceHeader);
        }
        while (true) {
            KnownV2Key known = lastV2Key.get();
            if (known == null || l.partCount() != 1 || !known.id().isAt(value, l.keyIdOffset(0))
                    || !known.reader().equals(reader) || !known.topic().equals(topic)
                    || nanoTime.getAsLong() - known.unwrapped().unwrappedAtNanos() >= ttlNanos) {
                known = resolveV2(topic, value, l, reader, audienceHeader);
            } else if (audienceHeader != null && !Arrays.equals(audienceHeader, known.record().audienceHeader())) {
                throw lyingHeader(value, l, audienceHeader, known.record().audiences(), topic);
            }
            PlaintextDataKey key = known.unwrapped().key();
            if (!key.tryLease()) {
                lastV2Key.remove(); // retired (expired, evicted, forgotten) since: look it up again
                if (closed) {
                    throw new IllegalStateException("opener is closed");
                }
                continue;
            }
            try {
                byte[] plaintext = AesGcmV2.decrypt(known.unwrapped().cipher().get(), key, value, l, known.part(),
                        known.aadPrefix(), topic);
                return OpenedRecord.of(value, l, known.record().audiences(), plaintext);
            } finally {
                key.release();
            }
        }
    }

    /**
     * The part this reader opens and its unwrapped data key, found the slow way: each part's data key record from
     * the directory, the reader's part chosen, the audience header checked, the key from the cache or KMS.
     */
    private KnownV2Key resolveV2(String topic, byte[] value, AesGcmV2.Layout l, String reader, byte[] audienceHeader) {
        List<PublishedDataKey> records = new ArrayList<>(l.partCount());
        int chosen = -1;
        for (int k = 0; k < l.partCount(); k++) {
            PublishedDataKey record = lookUp(value, l, k, topic);
            records.add(record);
            if (chosen < 0 && record.hasAudience(reader)) {
                chosen = k;
            }
        }
        List<String> audiences = audiences(records);
        if (chosen < 0) {
            throw new NotForReaderException(reader, audiences, " (AES_GCM_V2 record, eventId " + l.eventId(value)
                    + ", topic " + topic + ")");
        }
        if (audienceHeader != null) {
            byte[] expected = records.size() == 1 ? records.get(0).audienceHeader()
                    : String.join(",", audiences).getBytes(StandardCharsets.UTF_8);
            if (!Arrays.equals(audienceHeader, expected)) {
                throw lyingHeader(value, l, audienceHeader, audiences, topic);
            }
        }
        PublishedDataKey record = records.get(chosen);
        KnownV2Key known = new KnownV2Key(record.id(), record, reader, topic, chosen,
                AesGcmV2.aadPrefix(topic, chosen, record.sha256()), unwrappedV2(record, reader));
        lastV2Key.set(known);
        return known;
    }

    /**
     * A record of several parts (docs/event-types.md): every part whose data key has {@code reader} among its
     * audiences is opened (each authenticates the whole header), the others are withheld, never decrypted.
     */
    private OpenedRecord openParts(String topic, byte[] value, AesGcmV2.Layout l, String reader,
            byte[] audienceHeader) {
        int p = l.partCount();
        List<PublishedDataKey> records = new ArrayList<>(p);
        List<List<String>> fields = new ArrayList<>(p);
        Set<String> seen = new HashSet<>();
        for (int k = 0; k < p; k++) {
            records.add(lookUp(value, l, k, topic));
            List<String> f = l.fields(value, k);
            if (f.isEmpty()) {
                throw l.error(value, "part " + k + " of a record of " + p + " parts names no fields", topic);
            }
            if (f.contains(AesGcmV2.REST_FIELD) && (k != 0 || f.size() != 1)) {
                throw l.error(value, "the rest of the event (field \"\") must be part 0, alone", topic);
            }
            for (String field : f) {
                if (!seen.add(field)) {
                    throw l.error(value, "field " + field + " is in two parts", topic);
                }
            }
            fields.add(f);
        }
        List<String> audiences = audiences(records);
        if (audienceHeader != null && !Arrays.equals(audienceHeader,
                String.join(",", audiences).getBytes(StandardCharsets.UTF_8))) {
            throw lyingHeader(value, l, audienceHeader, audiences, topic);
        }
        List<Integer> mine = new ArrayList<>();
        for (int k = 0; k < p; k++) {
            if (records.get(k).hasAudience(reader)) {
                mine.add(k);
            }
        }
        if (mine.isEmpty()) {
            throw new NotForReaderException(reader, audiences, " (AES_GCM_V2 record, eventId " + l.eventId(value)
                    + ", topic " + topic + ")");
        }
        List<List<String>> openedFields = new ArrayList<>(mine.size());
        List<byte[]> plaintexts = new ArrayList<>(mine.size());
        List<String> withheld = new ArrayList<>();
        for (int k = 0; k < p; k++) {
            if (!mine.contains(k)) {
                withheld.addAll(fields.get(k));
                continue;
            }
            PublishedDataKey record = records.get(k);
            plaintexts.add(decryptPart(topic, value, l, k, record, reader));
            openedFields.add(fields.get(k));
        }
        byte[] event = FieldParts.merge(openedFields, plaintexts);
        return OpenedRecord.of(value, l, audiences, event, withheld);
    }

    /** Decrypts part {@code k} with its data key, from the cache or unwrapped now (a retired key: looked up again). */
    private byte[] decryptPart(String topic, byte[] value, AesGcmV2.Layout l, int k, PublishedDataKey record,
            String reader) {
        while (true) {
            Unwrapped unwrapped = unwrappedV2(record, reader);
            PlaintextDataKey key = unwrapped.key();
            if (!key.tryLease()) {
                if (closed) {
                    throw new IllegalStateException("opener is closed");
                }
                continue;
            }
            try {
                return AesGcmV2.decrypt(unwrapped.cipher().get(), key, value, l, k,
                        AesGcmV2.aadPrefix(topic, k, record.sha256()), topic);
            } finally {
                key.release();
            }
        }
    }

    /** The record of part {@code k}'s data key. */
    private PublishedDataKey lookUp(byte[] value, AesGcmV2.Layout l, int k, String topic) {
        DataKeyId id = DataKeyId.at(value, l.keyIdOffset(k));
        Optional<PublishedDataKey> found = directory.find(id);
        if (found.isEmpty()) {
            throw l.error(value, "its data key " + id + " has no record on the keys topic (read to its end)", topic);
        }
        PublishedDataKey record = found.get();
        if (!record.id().equals(id) || record.format() != WireFormat.Format.AES_GCM_V2) {
            throw l.error(value, "the keys topic answered for data key " + id + " with " + record, topic);
        }
        return record;
    }

    /** The unwrapped data key of {@code record}, from the cache or by unwrapping its key for {@code reader}. */
    private Unwrapped unwrappedV2(PublishedDataKey record, String reader) {
        byte[] id = new byte[V2_CACHE_PREFIX.length + DataKeyId.BYTES];
        record.id().writeTo(id, Bytes.put(id, 0, V2_CACHE_PREFIX));
        byte[] deniedId = (record.id() + "/" + reader).getBytes(StandardCharsets.UTF_8);
        return cached(id, deniedId, Set.copyOf(record.audiences()), () -> {
            List<AudienceWrappedKey> mine = record.wrappedKeysFor(reader);
            if (mine.isEmpty()) {
                throw new EnvelopeException("data key " + record.id() + " has no wrapped key for '" + reader + "'");
            }
            DecryptionMaterials m = DataKeys.unwrap(keyrings.decryptKeyring(), EnvelopeFormatId.AES_GCM_V2, reader,
                    mine.stream().map(AudienceWrappedKey::toMpl).toList(), mine.get(0).keyText());
            return new Unwrapped(new PlaintextDataKey(m.plaintextDataKey()), m, nanoTime.getAsLong(),
                    Set.copyOf(record.audiences()));
        });
    }

    private static List<String> audiences(List<PublishedDataKey> records) {
        if (records.size() == 1) {
            return records.get(0).audiences();
        }
        TreeSet<String> all = new TreeSet<>();
        records.forEach(r -> all.addAll(r.audiences()));
        return List.copyOf(all);
    }

    private static EnvelopeException lyingHeader(byte[] value, AesGcmV2.Layout l, byte[] header, List<String> audiences,
            String topic) {
        return l.error(value, "its deptcrypt.audience header says '" + new String(header, StandardCharsets.UTF_8)
                + "' but its data key is for " + audiences, topic);
    }

    // ---- version 1

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
        Unwrapped unwrapped = cached(id, id, Set.of(env.getDepartment()), () -> {
            DecryptionMaterials m = DataKeys.unwrap(keyrings.decryptKeyring(), env.getFormat(), env.getDepartment(),
                    WrappedKeys.toMpl(env.getWrappedKeys()), env.getWrappedKeys().get(0).getKeyId());
            return new Unwrapped(new PlaintextDataKey(m.plaintextDataKey()), m, nanoTime.getAsLong(),
                    Set.of(env.getDepartment()));
        });
        KnownKey known = new KnownKey(env.getFormat(), env.getDepartment(), WrappedKeys.copyBytes(env.getWrappedKeys()),
                canonicalWrappedKeys,
                RecordAad.head(env.getFormatVersion(), env.getFormat(), env.getDepartment()), unwrapped);
        lastKey.set(known);
        return known;
    }

    /**
     * The unwrapped key cached under {@code id}, or unwrapped now; a KMS refusal is remembered under
     * {@code deniedId} (and answered from there, without KMS, while it lasts).
     */
    private Unwrapped cached(byte[] id, byte[] deniedId, Set<String> audiences, Supplier<Unwrapped> unwrap) {
        KmsAccessDeniedException refused = denied.check(deniedId);
        if (refused != null) {
            throw refused;
        }
        try {
            return cache.get(id, unwrap);
        } catch (KmsAccessDeniedException e) {
            denied.remember(deniedId, e, audiences);
            throw e;
        }
    }

    /**
     * An unwrapped data key: as a JCE key for the AES-GCM formats, as the MPL materials for ESDK_MESSAGE_V1 (they
     * share the key bytes, zeroed together), with the audiences that may read it. Each thread gets its own cipher
     * per data key, so readers of several departments do not re-expand the AES key schedule on every record (see
     * DataKey#cipher).
     */
    private record Unwrapped(PlaintextDataKey key, DecryptionMaterials materials, long unwrappedAtNanos,
                             Set<String> audiences, ThreadLocal<Cipher> cipher) {
        Unwrapped(PlaintextDataKey key, DecryptionMaterials materials, long unwrappedAtNanos, Set<String> audiences) {
            this(key, materials, unwrappedAtNanos, audiences, ThreadLocal.withInitial(AesGcmV1::newCipher));
        }
    }

    /** A version 1 data key with what every record under it shares: its wrapped keys (own copies), their encoding, the AAD head. */
    private record KnownKey(EnvelopeFormatId format, String department, List<WrappedKey> wrappedKeys,
                            byte[] canonicalWrappedKeys, byte[] aadHead, Unwrapped unwrapped) {}

    /** An AES_GCM_V2 data key as one thread last used it: for which reader, topic and part, with the AAD prefix. */
    private record KnownV2Key(DataKeyId id, PublishedDataKey record, String reader, String topic, int part,
                              byte[] aadPrefix, Unwrapped unwrapped) {}
}
