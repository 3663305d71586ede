package io.deptcrypt.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestGovernance;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Retired data keys are destroyed (zeroed) in sealer and opener, and no record is sealed or opened with one. */
class DataKeyRetirementTest {

    private static final Governance G = TestGovernance.governance();
    private static final String TOPIC = TestGovernance.SHARED;
    private final RawAesKeyringProvider keys = RawAesKeyringProvider.generate(G);

    private static SealContext ctx(int i) {
        return new SealContext("finance", "event-" + i, TOPIC, 1_700_000_000_000L + i, "application/json");
    }

    private static byte[] plaintext(int i) {
        return ("{\"n\": " + i + "}").getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(value = EnvelopeFormatId.class, names = {"AES_GCM_V1", "ESDK_MESSAGE_V1"}) // the Avro envelopes
    void aKeyReplacedAtItsRecordLimitIsDestroyedAndNoLaterRecordUsesIt(EnvelopeFormatId format) {
        Sealer sealer = Sealer.create(G, keys, new SealerConfig(format, 2, Duration.ofHours(1)));
        Envelope first = sealer.seal(ctx(1), plaintext(1));
        DataKey retired = sealer.currentDataKey("finance");
        sealer.seal(ctx(2), plaintext(2));
        assertThat(retired.key.isDestroyed()).as("still current").isFalse();

        Envelope third = sealer.seal(ctx(3), plaintext(3));

        assertThat(retired.key.isDestroyed()).isTrue();
        assertThat(retired.tryUse(0)).isZero();
        assertThat(sealer.currentDataKey("finance")).isNotSameAs(retired);
        assertThat(third.getWrappedKeys()).isNotEqualTo(first.getWrappedKeys()).isEqualTo(
                sealer.currentDataKey("finance").wrappedKeys);
        Opener reader = Opener.create(keys, OpenerConfig.defaults());
        assertThat(reader.open(first, TOPIC)).isEqualTo(plaintext(1));
        assertThat(reader.open(third, TOPIC)).isEqualTo(plaintext(3));
    }

    @Test
    void aKeyReplacedAtItsAgeLimitIsDestroyed() {
        AtomicLong now = new AtomicLong();
        Sealer sealer = Sealer.create(G, keys,
                new SealerConfig(EnvelopeFormatId.AES_GCM_V1, 1_000, Duration.ofMinutes(15)), now::get);
        sealer.seal(ctx(1), plaintext(1));
        DataKey old = sealer.currentDataKey("finance");
        now.addAndGet(Duration.ofMinutes(15).toNanos());
        sealer.seal(ctx(2), plaintext(2));
        assertThat(old.key.isDestroyed()).isTrue();
        assertThat(sealer.currentDataKey("finance").key.isDestroyed()).isFalse();
    }

    @Test
    void aKeyWhosePublicationOutlastsItsMaxAgeIsRetiredUnusedAndTheRetryMakesAnother() {
        AtomicLong now = new AtomicLong();
        List<PublishedDataKey> published = new ArrayList<>();
        DataKeyPublisher slowOnce = key -> {
            if (published.isEmpty()) {
                now.addAndGet(Duration.ofSeconds(2).toNanos()); // acks=all across a leader change
            }
            published.add(key);
        };
        Sealer sealer = Sealer.create(G, keys, new SealerConfig(EnvelopeFormatId.AES_GCM_V2, 1_000, Duration.ofSeconds(1)),
                slowOnce, now::get, System::currentTimeMillis, new Random(7));

        assertThatThrownBy(() -> sealer.sealRecord(ctx(1), plaintext(1), new RecordHeaders()))
                .isInstanceOf(KeysTopicUnavailableException.class).hasMessageContaining("after its max age");
        byte[] sealed = sealer.sealRecord(ctx(1), plaintext(1), new RecordHeaders());

        assertThat(published).hasSize(2);
        assertThat(published.get(1).id()).isNotEqualTo(published.get(0).id());
        assertThat(sealed).isNotEmpty();
        assertThat(sealer.currentDataKey("finance").published.id()).isEqualTo(published.get(1).id());
    }

    @Test
    void closingTheSealerDestroysItsKeys() {
        Sealer sealer = Sealer.create(G, keys, SealerConfig.defaults());
        sealer.seal(ctx(1), plaintext(1));
        DataKey k = sealer.currentDataKey("finance");
        sealer.close();
        assertThat(k.key.isDestroyed()).isTrue();
        assertThatThrownBy(() -> sealer.seal(ctx(2), plaintext(2))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void concurrentRecordsNeverMeetADestroyedKey() throws Exception {
        // Keys are replaced every 37 records while four threads seal and open: a record that got a key destroyed
        // under it would fail to seal (the destroyed key refuses to be read) or fail to open.
        Sealer sealer = Sealer.create(G, keys, new SealerConfig(EnvelopeFormatId.AES_GCM_V1, 37, Duration.ofHours(1)));
        Opener reader = Opener.create(keys, new OpenerConfig(3, Duration.ofMinutes(5)));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 2_000; i++) {
                        int n = thread * 10_000 + i;
                        ok += Arrays.equals(reader.open(sealer.seal(ctx(n), plaintext(n)), TOPIC), plaintext(n)) ? 1 : 0;
                    }
                    return ok;
                }));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(2_000);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(reader.cachedDataKeys()).isLessThanOrEqualTo(3 + 4);  // the bound, plus loads in progress
    }

    @Test
    void anEvictedKeyIsDestroyedAndTheRecordStillOpensWithAFreshOne() {
        Sealer sealer = Sealer.create(G, keys, new SealerConfig(EnvelopeFormatId.AES_GCM_V1, 1, Duration.ofHours(1)));
        Opener reader = Opener.create(keys, new OpenerConfig(1, Duration.ofMinutes(5)));
        Envelope a = sealer.seal(ctx(1), plaintext(1));
        Envelope b = sealer.seal(ctx(2), plaintext(2));  // another data key
        assertThat(reader.open(a, TOPIC)).isEqualTo(plaintext(1));
        PlaintextDataKey ka = reader.dataKeyOf(a);

        assertThat(reader.open(b, TOPIC)).isEqualTo(plaintext(2));  // evicts a's key

        assertThat(ka.isDestroyed()).isTrue();
        assertThat(reader.open(a, TOPIC)).isEqualTo(plaintext(1));  // this thread's last key is gone: unwrapped again
        assertThat(reader.dataKeyOf(a)).isNotSameAs(ka).satisfies(k -> assertThat(k.isDestroyed()).isFalse());
        assertThat(reader.kmsCalls().decrypt()).isEqualTo(3);
    }

    @Test
    void anExpiredKeyIsDestroyed() {
        AtomicLong now = new AtomicLong();
        Envelope a = Sealer.create(G, keys, SealerConfig.defaults()).seal(ctx(1), plaintext(1));
        Opener reader = Opener.create(keys, new OpenerConfig(10, Duration.ofMinutes(5)), now::get);
        reader.open(a, TOPIC);
        PlaintextDataKey first = reader.dataKeyOf(a);
        now.addAndGet(Duration.ofMinutes(5).toNanos());
        assertThat(reader.open(a, TOPIC)).isEqualTo(plaintext(1));
        assertThat(first.isDestroyed()).isTrue();
        assertThat(reader.kmsCalls().decrypt()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(value = EnvelopeFormatId.class, names = {"AES_GCM_V1", "ESDK_MESSAGE_V1"}) // the Avro envelopes
    void closingTheOpenerDestroysItsKeys(EnvelopeFormatId format) {
        Envelope a = Sealer.create(G, keys, SealerConfig.defaults().withFormat(format)).seal(ctx(1), plaintext(1));
        Opener reader = Opener.create(keys, OpenerConfig.defaults());
        reader.open(a, TOPIC);
        PlaintextDataKey k = reader.dataKeyOf(a);
        reader.close();
        assertThat(k.isDestroyed()).isTrue();
        assertThat(reader.cachedDataKeys()).isZero();
        assertThatThrownBy(() -> reader.open(a, TOPIC)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
