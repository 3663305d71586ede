package io.deptcrypt.crypto;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The opener's negative cache: data keys KMS refused to unwrap (AccessDenied), remembered for
 * {@link OpenerConfig#accessDeniedTtl()} so that a revoked reader that skips or dead-letters its records does not
 * ask KMS once per record. Bounded (oldest first out). Thread-safe.
 */
final class DeniedDataKeys {

    private final int maxEntries;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final Map<BytesKey, Denial> denials = new LinkedHashMap<>();

    DeniedDataKeys(int maxEntries, long ttlNanos, LongSupplier nanoTime) {
        this.maxEntries = maxEntries;
        this.ttlNanos = ttlNanos;
        this.nanoTime = nanoTime;
    }

    /** The refusal remembered for {@code id}, as a new exception; null if there is none (or it expired). */
    KmsAccessDeniedException check(byte[] id) {
        Denial d;
        long now = nanoTime.getAsLong();
        synchronized (denials) {
            BytesKey key = new BytesKey(id);
            d = denials.get(key);
            if (d == null) {
                return null;
            }
            if (now - d.atNanos >= ttlNanos) {
                denials.remove(key);
                return null;
            }
        }
        long ago = TimeUnit.NANOSECONDS.toSeconds(now - d.atNanos);
        return new KmsAccessDeniedException(d.refusal.keyArn(), d.refusal.kmsMessage() + " (KMS's answer " + ago
                + " s ago for this data key, remembered for " + TimeUnit.NANOSECONDS.toSeconds(ttlNanos)
                + " s; not asked again)", d.refusal);
    }

    void remember(byte[] id, KmsAccessDeniedException refusal, Set<String> audiences) {
        synchronized (denials) {
            denials.put(new BytesKey(id), new Denial(refusal, nanoTime.getAsLong(), audiences));
            Iterator<Denial> it = denials.values().iterator();
            while (denials.size() > maxEntries && it.hasNext()) {
                it.next();
                it.remove();
            }
        }
    }

    /** Forgets the refusals of keys {@code audience} could read (after a grant, the next record asks KMS again). */
    void forget(String audience) {
        synchronized (denials) {
            denials.values().removeIf(d -> d.audiences.contains(audience));
        }
    }

    void clear() {
        synchronized (denials) {
            denials.clear();
        }
    }

    int size() {
        synchronized (denials) {
            return denials.size();
        }
    }

    private record Denial(KmsAccessDeniedException refusal, long atNanos, Set<String> audiences) {}
}
