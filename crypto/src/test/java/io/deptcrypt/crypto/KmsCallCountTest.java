package io.deptcrypt.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestGovernance;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** KMS sees one GenerateDataKey per department per data-key lifetime, and a reader one Decrypt per data key. */
class KmsCallCountTest {

    private static final String TOPIC = TestGovernance.SHARED;

    private static SealContext ctx(String dept, int i) {
        return new SealContext(dept, "event-" + i, TOPIC, 1_700_000_000_000L + i, "application/json");
    }

    private static byte[] plaintext(int i) {
        return ("{\"n\": " + i + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static String dept(int i) {
        return i % 2 == 0 ? "finance" : "sales";
    }

    @ParameterizedTest
    @EnumSource(value = EnvelopeFormatId.class, names = {"AES_GCM_V1", "ESDK_MESSAGE_V1"}) // the Avro envelopes
    void tenThousandEventsForTwoDepartmentsCostTwoGenerateDataKeysThroughTheKmsKeyring(EnvelopeFormatId format) {
        // The slower ESDK format runs a tenth of the events to keep the module's tests fast.
        int events = format == EnvelopeFormatId.AES_GCM_V1 ? 10_000 : 1_000;
        KmsFixture fx = new KmsFixture();
        Sealer sealer = Sealer.create(fx.governance, fx.encryptor, SealerConfig.defaults().withFormat(format));
        List<Envelope> sealed = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            sealed.add(EnvelopeSerde.fromBytes(EnvelopeSerde.toBytes(sealer.seal(ctx(dept(i), i), plaintext(i)))));
        }

        assertThat(sealer.kmsCalls()).isEqualTo(new KmsCallCounts(2, 0, 0));

        Opener finance = Opener.create(fx.financeReader(), OpenerConfig.defaults());
        Opener sales = Opener.create(fx.reader("deptcrypt-sales-consumer", TestGovernance.SALES.toString()),
                OpenerConfig.defaults());
        int opened = 0;
        for (int i = 0; i < sealed.size(); i++) {
            Opener reader = dept(i).equals("finance") ? finance : sales;
            opened += Arrays.equals(reader.open(sealed.get(i), TOPIC), plaintext(i)) ? 1 : 0;
        }
        assertThat(opened).isEqualTo(events);
        // Exactly one data key per department, so exactly one Decrypt per reader.
        assertThat(finance.kmsCalls()).isEqualTo(new KmsCallCounts(0, 0, 1));
        assertThat(sales.kmsCalls()).isEqualTo(new KmsCallCounts(0, 0, 1));
        assertThat(sealer.kmsCalls()).isEqualTo(new KmsCallCounts(2, 0, 0));
    }

    @Test
    void tenThousandEventsWithTheRawAesProvider() {
        Governance g = TestGovernance.governance();
        RawAesKeyringProvider keys = RawAesKeyringProvider.generate(g);
        Sealer sealer = Sealer.create(g, keys, SealerConfig.defaults());
        Opener reader = Opener.create(keys.restrictedTo(List.of(TestGovernance.FINANCE, TestGovernance.SALES)),
                OpenerConfig.defaults());
        int opened = 0;
        for (int i = 0; i < 10_000; i++) {
            opened += Arrays.equals(reader.open(sealer.seal(ctx(dept(i), i), plaintext(i)), TOPIC), plaintext(i)) ? 1 : 0;
        }
        assertThat(opened).isEqualTo(10_000);
        assertThat(sealer.kmsCalls()).isEqualTo(new KmsCallCounts(2, 0, 0));
        assertThat(reader.kmsCalls()).isEqualTo(new KmsCallCounts(0, 0, 2));
    }

    @Test
    void dataKeyIsRetiredAfterTheConfiguredRecordCount() {
        KmsFixture fx = new KmsFixture();
        Sealer sealer = Sealer.create(fx.governance, fx.encryptor,
                new SealerConfig(EnvelopeFormatId.AES_GCM_V1, 500, Duration.ofHours(1)));
        Opener reader = Opener.create(fx.financeReader(), OpenerConfig.defaults());
        Set<String> dataKeys = new HashSet<>();
        int opened = 0;
        for (int i = 0; i < 5_000; i++) {
            Envelope e = sealer.seal(ctx("finance", i), plaintext(i));
            dataKeys.add(Bytes.hex(WrappedKeys.canonical(e.getWrappedKeys())));
            opened += Arrays.equals(reader.open(e, TOPIC), plaintext(i)) ? 1 : 0;
        }
        assertThat(opened).isEqualTo(5_000);
        assertThat(dataKeys).hasSize(10);
        assertThat(sealer.kmsCalls().generateDataKey()).isEqualTo(10);
        assertThat(reader.kmsCalls().decrypt()).isEqualTo(10);
    }

    @Test
    void dataKeyIsRetiredAfterTheConfiguredAge() {
        KmsFixture fx = new KmsFixture();
        AtomicLong now = new AtomicLong();
        Sealer sealer = Sealer.create(fx.governance, fx.encryptor,
                new SealerConfig(EnvelopeFormatId.AES_GCM_V1, 1_000_000, Duration.ofMinutes(15)), now::get);

        Envelope first = sealer.seal(ctx("finance", 1), plaintext(1));
        now.addAndGet(Duration.ofMinutes(15).toNanos() - 1);
        Envelope sameKey = sealer.seal(ctx("finance", 2), plaintext(2));
        now.addAndGet(1);
        Envelope newKey = sealer.seal(ctx("finance", 3), plaintext(3));

        assertThat(sameKey.getWrappedKeys()).isEqualTo(first.getWrappedKeys());
        assertThat(newKey.getWrappedKeys()).isNotEqualTo(first.getWrappedKeys());
        assertThat(sealer.kmsCalls().generateDataKey()).isEqualTo(2);
    }

    @Test
    void openerAsksKmsAgainAfterTheTtlAndHoldsAtMostTheConfiguredNumberOfKeys() {
        KmsFixture fx = new KmsFixture();
        AtomicLong now = new AtomicLong();
        Sealer sealer = Sealer.create(fx.governance, fx.encryptor,
                new SealerConfig(EnvelopeFormatId.AES_GCM_V1, 1, Duration.ofHours(1)));  // one key per record
        Opener reader = Opener.create(fx.financeReader(), new OpenerConfig(2, Duration.ofMinutes(5)), now::get);
        Envelope a = sealer.seal(ctx("finance", 1), plaintext(1));
        Envelope b = sealer.seal(ctx("finance", 2), plaintext(2));
        Envelope c = sealer.seal(ctx("finance", 3), plaintext(3));

        reader.open(a, TOPIC);
        reader.open(a, TOPIC);
        assertThat(reader.kmsCalls().decrypt()).isEqualTo(1);

        now.addAndGet(Duration.ofMinutes(5).toNanos());  // TTL over: a revoked reader would be refused now
        reader.open(a, TOPIC);
        assertThat(reader.kmsCalls().decrypt()).isEqualTo(2);

        reader.open(b, TOPIC);
        reader.open(c, TOPIC);  // evicts a, the least recently used
        assertThat(reader.cachedDataKeys()).isEqualTo(2);
        assertThat(reader.kmsCalls().decrypt()).isEqualTo(4);
        reader.open(c, TOPIC);
        reader.open(a, TOPIC);
        assertThat(reader.kmsCalls().decrypt()).isEqualTo(5);
    }

    @Test
    void revokedReaderOpensNothingNewAfterTheTtl() {
        KmsFixture fx = new KmsFixture();
        AtomicLong now = new AtomicLong();
        Sealer sealer = Sealer.create(fx.governance, fx.encryptor, SealerConfig.defaults());
        FakeKms.Client client = fx.kms.client("deptcrypt-finance-consumer", Set.of(TestGovernance.FINANCE.toString()));
        Opener reader = Opener.create(new KmsKeyringProvider(client, fx.governance),
                new OpenerConfig(100, Duration.ofMinutes(5)), now::get);
        reader.open(sealer.seal(ctx("finance", 1), plaintext(1)), TOPIC);

        client.failWith(() -> FakeKms.error("AccessDeniedException", "revoked", 400));  // grant revoked
        now.addAndGet(Duration.ofMinutes(5).toNanos() - 1);
        assertThat(reader.open(sealer.seal(ctx("finance", 2), plaintext(2)), TOPIC)).isEqualTo(plaintext(2));
        now.addAndGet(1);
        Envelope later = sealer.seal(ctx("finance", 3), plaintext(3));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> reader.open(later, TOPIC))
                .isInstanceOf(KmsAccessDeniedException.class);
    }

    @Test
    void concurrentSealersAndOpenersStillMakeOneKmsCallPerDataKey() throws Exception {
        KmsFixture fx = new KmsFixture();
        Sealer sealer = Sealer.create(fx.governance, fx.encryptor, SealerConfig.defaults());
        Opener reader = Opener.create(fx.reader("auditor", TestGovernance.FINANCE.toString(),
                TestGovernance.SALES.toString()), OpenerConfig.defaults());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 1_000; i++) {
                        int n = thread * 1_000 + i;
                        Envelope e = sealer.seal(ctx(dept(n), n), plaintext(n));
                        if (Arrays.equals(reader.open(e, TOPIC), plaintext(n))) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(1_000);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(sealer.kmsCalls().generateDataKey()).isEqualTo(2);
        assertThat(reader.kmsCalls().decrypt()).isEqualTo(2);
    }
}
