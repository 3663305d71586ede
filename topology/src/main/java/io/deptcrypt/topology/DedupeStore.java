package io.deptcrypt.topology;

/** Where the encryptor keeps the dedupe keys of the events it sealed ({@code dedupe.store}); both are changelogged. */
public enum DedupeStore {
    /** RocksDB on the state directory: memory bounded by RocksDB's caches, however many events the window holds. */
    PERSISTENT,
    /**
     * On the heap: no native library or disk, but about 200 bytes per event in the window; rebuilt from the changelog.
     * Kafka's in-memory window store walks every distinct timestamp of a fetch's time range, so a lookup costs in
     * proportion to the events the window holds: for small windows only.
     */
    IN_MEMORY
}
