package io.deptcrypt.crypto;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Unwrapped data keys by the exact bytes that identify them (format, department and the canonical wrapped keys).
 * Bounded (least recently used goes first) and with a TTL counted from the moment KMS returned the key, so a revoked
 * reader stops opening records after at most the TTL. Concurrent requests for the same key make one KMS call.
 * <p>
 * Every value that leaves the cache (evicted, replaced after its TTL, or {@link #clear cleared}) is handed to the
 * {@code retire} callback when it leaves, so its key bytes can be destroyed; the callback must be idempotent (a value
 * cleared while it loads can reach it twice). An entry still loading is not evicted (the bound can be exceeded by the
 * loads in progress), and one cleared while loading is retired as soon as it has loaded.
 */
final class DataKeyCache<V> {

    private final int maxEntries;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final Consumer<V> retire;
    private final Map<BytesKey, Entry> entries;

    DataKeyCache(int maxEntries, long ttlNanos, LongSupplier nanoTime, Consumer<V> retire) {
        this.maxEntries = maxEntries;
        this.ttlNanos = ttlNanos;
        this.nanoTime = nanoTime;
        this.retire = retire;
        this.entries = new LinkedHashMap<>(16, 0.75f, true);  // access order: least recently used first
    }

    V get(byte[] id, Supplier<V> unwrap) {
        BytesKey key = new BytesKey(id);
        Entry entry;
        synchronized (entries) {
            entry = entries.get(key);
            if (entry == null || entry.expired(nanoTime.getAsLong())) {
                if (entry != null) {
                    entry.remove();
                }
                entry = new Entry();
                entries.put(key, entry);
                evictBeyondBound();
            }
        }
        try {
            return entry.load(unwrap);
        } catch (RuntimeException e) {
            synchronized (entries) {
                entries.remove(key, entry);
            }
            throw e;
        }
    }

    /**
     * Retires and forgets every value {@code which} selects. Entries still loading are removed too (their value is
     * retired once loaded): they cannot be told apart yet, and forgetting one too many costs one more unwrap.
     */
    void removeIf(Predicate<V> which) {
        synchronized (entries) {
            Iterator<Entry> it = entries.values().iterator();
            while (it.hasNext()) {
                Entry e = it.next();
                V v = e.value;
                if (v == null || which.test(v)) {
                    e.remove();
                    it.remove();
                }
            }
        }
    }

    /** Retires every value and forgets every entry. */
    void clear() {
        synchronized (entries) {
            entries.values().forEach(Entry::remove);
            entries.clear();
        }
    }

    /** Least recently used first, skipping entries still loading. Caller holds the lock. */
    private void evictBeyondBound() {
        Iterator<Entry> it = entries.values().iterator();
        while (entries.size() > maxEntries && it.hasNext()) {
            Entry e = it.next();
            if (e.loaded()) {
                e.remove();
                it.remove();
            }
        }
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    private final class Entry {
        // loadedAt is written before the volatile value and read after it
        private volatile V value;
        private long loadedAt;
        private volatile boolean removed;

        V load(Supplier<V> unwrap) {
            V v = value;
            if (v != null) {
                return v;
            }
            synchronized (this) {
                if (value == null) {
                    V loaded = unwrap.get();
                    loadedAt = nanoTime.getAsLong();
                    value = loaded;
                    if (removed) {
                        retire.accept(loaded);  // cleared while loading
                    }
                }
                return value;
            }
        }

        boolean loaded() {
            return value != null;
        }

        /** Never blocks: a load in progress is not expired. */
        boolean expired(long now) {
            return value != null && now - loadedAt >= ttlNanos;
        }

        /** Leaves the cache: its value, if loaded, is retired (a load in progress retires it when done). */
        void remove() {
            removed = true;
            V v = value;
            if (v != null) {
                retire.accept(v);
            }
        }
    }

}
