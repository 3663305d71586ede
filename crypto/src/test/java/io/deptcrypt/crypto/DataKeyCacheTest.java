package io.deptcrypt.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Every value that leaves the cache reaches the retire callback, a value still loading is never evicted, and the bound
 * holds by evicting the least recently used loaded values.
 */
class DataKeyCacheTest {

    private final AtomicLong now = new AtomicLong();
    private final List<String> retired = new ArrayList<>();
    private final DataKeyCache<String> cache = new DataKeyCache<>(2, 100, now::get, v -> {
        synchronized (retired) {
            retired.add(v);
        }
    });

    private static byte[] id(int i) {
        return new byte[] {(byte) i};
    }

    @Test
    void evictedExpiredAndClearedValuesAreRetired() {
        cache.get(id(1), () -> "a");
        cache.get(id(2), () -> "b");
        cache.get(id(1), () -> "unused");  // a is now the most recently used
        cache.get(id(3), () -> "c");       // evicts b
        assertThat(retired).containsExactly("b");
        assertThat(cache.get(id(1), () -> "unused")).isEqualTo("a");

        now.addAndGet(100);                // a's TTL is over
        assertThat(cache.get(id(1), () -> "a2")).isEqualTo("a2");
        assertThat(retired).containsExactly("b", "a");

        cache.clear();
        assertThat(retired).containsExactlyInAnyOrder("b", "a", "a2", "c");
        assertThat(cache.size()).isZero();
    }

    @Test
    void aValueStillLoadingIsNotEvictedAndOneClearedWhileLoadingIsRetiredWhenLoaded() throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<String> slow = pool.submit(() -> cache.get(id(1), () -> {
                loading.countDown();
                await(release);
                return "slow";
            }));
            assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
            cache.get(id(2), () -> "b");
            cache.get(id(3), () -> "c");   // over the bound: the eldest is still loading, so b goes
            assertThat(retired).containsExactly("b");
            assertThat(cache.size()).isEqualTo(2);

            cache.clear();
            assertThat(retired).containsExactly("b", "c");
            release.countDown();
            assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("slow");
            assertThat(retired).contains("slow");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedLoadLeavesNothingBehind() {
        try {
            cache.get(id(1), () -> {
                throw new IllegalStateException("KMS said no");
            });
        } catch (IllegalStateException expected) {
            // the caller sees the failure
        }
        assertThat(cache.size()).isZero();
        assertThat(cache.get(id(1), () -> "a")).isEqualTo("a");
        assertThat(retired).isEmpty();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
