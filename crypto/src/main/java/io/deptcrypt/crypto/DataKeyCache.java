package io.deptcrypt.crypto;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Unwrapped data keys by the exact bytes that identify them (format, department and the canonical wrapped keys).
 * Bounded (least recently used goes first) and with a TTL counted from the moment KMS returned the key, so a revoked
 * reader stops opening records after at most the TTL. Concurrent requests for the same key make one KMS call.
 */
final class DataKeyCache<V> {

    private final int maxEntries;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final Map<CacheKey, Entry> entries;

    DataKeyCache(int maxEntries, long ttlNanos, LongSupplier nanoTime) {
        this.maxEntries = maxEntries;
        this.ttlNanos = ttlNanos;
        this.nanoTime = nanoTime;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<CacheKey, Entry> eldest) {
                return size() > DataKeyCache.this.maxEntries;
            }
        };
    }

    V get(byte[] id, Supplier<V> unwrap) {
        CacheKey key = new CacheKey(id);
        Entry entry;
        synchronized (entries) {
            entry = entries.get(key);
            if (entry == null || entry.expired(nanoTime.getAsLong())) {
                entry = new Entry();
                entries.put(key, entry);
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

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    private final class Entry {
        // loadedAt is written before the volatile value and read after it
        private volatile V value;
        private long loadedAt;

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
                }
                return value;
            }
        }

        /** Never blocks: a load in progress is not expired. */
        boolean expired(long now) {
            return value != null && now - loadedAt >= ttlNanos;
        }
    }

    private record CacheKey(byte[] id) {
        @Override
        public boolean equals(Object o) {
            return o instanceof CacheKey other && Arrays.equals(id, other.id);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(id);
        }

        @Override
        public String toString() {
            return "CacheKey[" + id.length + " bytes]";
        }
    }
}
