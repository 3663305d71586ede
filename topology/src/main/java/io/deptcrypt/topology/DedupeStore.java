package io.deptcrypt.topology;

/** Where the encryptor keeps the dedupe keys of the events it sealed ({@code dedupe.store}); both are changelogged. */
public enum DedupeStore {
    /** RocksDB on the state directory: memory bounded by RocksDB's caches, however many events the window holds. */
    PERSISTENT,
    /**
     * On the heap: no native library or disk, but about 200 bytes per event of the store's retention (up to three
     * windows, {@link IngestDeduplicator}); rebuilt from the changelog at each start.
     */
    IN_MEMORY
}
