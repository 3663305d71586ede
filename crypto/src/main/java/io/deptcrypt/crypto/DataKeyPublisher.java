package io.deptcrypt.crypto;

/**
 * Where a {@link Sealer} publishes the record of each AES_GCM_V2 data key before it seals the first record with it
 * (the keys topic, {@code topics.keys}; runtime's Kafka implementation). Implementations must be thread-safe.
 */
public interface DataKeyPublisher {

    /**
     * Publishes {@code key} durably: returns only once the record is stored (for Kafka: acknowledged by all in-sync
     * replicas), so that every record sealed under the key refers to a record that exists.
     *
     * @throws KeysTopicUnavailableException the record could not be stored now (retry)
     * @throws DeptcryptCryptoException      it can never be stored (e.g. no permission to write the topic)
     */
    void publish(PublishedDataKey key);
}
