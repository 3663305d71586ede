package io.deptcrypt.crypto;

import java.util.Optional;

/**
 * Where an {@link Opener} finds the record of an AES_GCM_V2 data key by its id (the keys topic, read from its start;
 * runtime's Kafka implementation). Implementations must be thread-safe.
 */
public interface DataKeyDirectory {

    /**
     * The record of data key {@code id}. Known ids answer at once. For an id not seen yet the directory first reads
     * the keys topic up to its end as of this call (waiting a bounded time), so a record sealed after its key was
     * published always finds it.
     *
     * @return empty if the keys topic, read to that end, has no record of the key
     * @throws KeysTopicUnavailableException the keys topic could not be read that far in time (retry)
     */
    Optional<PublishedDataKey> find(DataKeyId id);
}
