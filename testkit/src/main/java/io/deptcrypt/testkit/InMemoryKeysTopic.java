package io.deptcrypt.testkit;

import io.deptcrypt.crypto.DataKeyDirectory;
import io.deptcrypt.crypto.DataKeyId;
import io.deptcrypt.crypto.DataKeyPublisher;
import io.deptcrypt.crypto.KeysTopicUnavailableException;
import io.deptcrypt.crypto.PublishedDataKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TEST ONLY: the keys topic in memory, publisher and directory in one. Every record goes through its Kafka key and
 * value bytes (as on the real topic: the directory decodes what was published). {@link #failNextPublications} stands
 * for an outage of the keys topic; {@link #lookups} counts the directory's answers.
 */
public final class InMemoryKeysTopic implements DataKeyPublisher, DataKeyDirectory {

    private final Map<DataKeyId, PublishedDataKey> records = new ConcurrentHashMap<>();
    private final List<PublishedDataKey> published = new ArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger lookups = new AtomicInteger();

    @Override
    public void publish(PublishedDataKey key) {
        if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new KeysTopicUnavailableException("test: the keys topic did not acknowledge " + key.id(), null);
        }
        put(key.key(), key.value());
        synchronized (published) {
            published.add(key);
        }
    }

    /** Writes a record as it would arrive from the topic (decoded like the Kafka directory does). */
    public void put(byte[] key, byte[] value) {
        PublishedDataKey decoded = PublishedDataKey.decode(key, value);
        records.put(decoded.id(), decoded);
    }

    @Override
    public Optional<PublishedDataKey> find(DataKeyId id) {
        lookups.incrementAndGet();
        return Optional.ofNullable(records.get(id));
    }

    /** The next {@code n} publications fail with {@link KeysTopicUnavailableException}. */
    public void failNextPublications(int n) {
        failuresLeft.set(n);
    }

    /** What was published successfully, in order. */
    public List<PublishedDataKey> published() {
        synchronized (published) {
            return List.copyOf(published);
        }
    }

    /** Directory lookups answered so far. */
    public int lookups() {
        return lookups.get();
    }

    /** Forgets a record, as compaction after a tombstone would. */
    public void remove(DataKeyId id) {
        records.remove(id);
    }
}
