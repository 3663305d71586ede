package io.deptcrypt.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.EncryptionContext;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestGovernance;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RoundTripTest {

    private static final Governance G = TestGovernance.governance();
    private static final byte[] PLAINTEXT = "{\"amount\": 42}".getBytes(StandardCharsets.UTF_8);

    private static SealContext ctx(String dept, String eventId) {
        return new SealContext(dept, eventId, TestGovernance.SHARED, 1_700_000_000_000L, "application/json");
    }

    @ParameterizedTest
    @EnumSource(value = EnvelopeFormatId.class, names = {"AES_GCM_V1", "ESDK_MESSAGE_V1"}) // the Avro envelopes
    void rawAesRoundTripThroughTheSerde(EnvelopeFormatId format) {
        RawAesKeyringProvider all = RawAesKeyringProvider.generate(G);
        Sealer sealer = Sealer.create(G, all, SealerConfig.defaults().withFormat(format));
        Opener finance = Opener.create(all.readerFor(G, "finance-consumer"), OpenerConfig.defaults());

        Envelope env = sealer.seal(ctx("finance", "e-1"), PLAINTEXT);
        Envelope back = EnvelopeSerde.fromBytes(EnvelopeSerde.toBytes(env));

        assertThat(back).isEqualTo(env);
        assertThat(back.getFormat()).isEqualTo(format);
        assertThat(back.getDepartment()).isEqualTo("finance");
        assertThat(back.getWrappedKeys()).hasSize(1);
        assertThat(back.getWrappedKeys().get(0).getKeyProvider()).isEqualTo(RawAesKeyringProvider.KEY_NAMESPACE);
        assertThat(back.getNonce().remaining()).isEqualTo(format == EnvelopeFormatId.AES_GCM_V1 ? 12 : 0);
        assertThat(finance.open(back, TestGovernance.SHARED)).isEqualTo(PLAINTEXT);
    }

    @ParameterizedTest
    @EnumSource(value = EnvelopeFormatId.class, names = {"AES_GCM_V1", "ESDK_MESSAGE_V1"}) // the Avro envelopes
    void kmsRoundTripAndAnotherDepartmentIsDenied(EnvelopeFormatId format) {
        FakeKms kms = new FakeKms();
        String financeKey = kms.createKey(TestGovernance.FINANCE.toString(), "finance");
        kms.createKey(TestGovernance.SALES.toString(), "sales");
        kms.createKey(TestGovernance.QUARANTINE.toString(), EncryptionContext.QUARANTINE_DEPARTMENT);
        KmsKeyringProvider encryptor = new KmsKeyringProvider(kms.client("deptcrypt-encryptor",
                Set.of(TestGovernance.FINANCE.toString(), TestGovernance.SALES.toString(),
                        TestGovernance.QUARANTINE.toString())), G);
        Sealer sealer = Sealer.create(G, encryptor, SealerConfig.defaults().withFormat(format));
        Opener finance = Opener.create(new KmsKeyringProvider(kms.client("deptcrypt-finance-consumer",
                Set.of(TestGovernance.FINANCE.toString())), G), OpenerConfig.defaults());

        Envelope f = sealer.seal(ctx("finance", "e-1"), PLAINTEXT);
        Envelope s = sealer.seal(ctx("sales", "e-2"), PLAINTEXT);

        assertThat(f.getWrappedKeys().get(0).getKeyProvider()).isEqualTo("aws-kms");
        assertThat(f.getWrappedKeys().get(0).getKeyId()).isEqualTo(financeKey);
        assertThat(finance.open(f, TestGovernance.SHARED)).isEqualTo(PLAINTEXT);
        assertThatThrownBy(() -> finance.open(s, TestGovernance.SHARED))
                .isInstanceOf(KmsAccessDeniedException.class)
                .hasMessageContaining("deptcrypt-finance-consumer")
                .satisfies(e -> assertThat(((KmsAccessDeniedException) e).keyArn()).contains(":key/"));
    }

    @ParameterizedTest
    @EnumSource(value = EnvelopeFormatId.class, names = {"AES_GCM_V1", "ESDK_MESSAGE_V1"}) // the Avro envelopes
    void quarantineIsSealedUnderTheQuarantineKeyForItsReadersOnly(EnvelopeFormatId format) {
        RawAesKeyringProvider all = RawAesKeyringProvider.generate(G);
        Sealer sealer = Sealer.create(G, all, SealerConfig.defaults().withFormat(format));
        Opener auditor = Opener.create(all.readerFor(G, "security-auditor"), OpenerConfig.defaults());
        Opener finance = Opener.create(all.readerFor(G, "finance-consumer"), OpenerConfig.defaults());

        // The department may be missing or unknown: that is often why the record is quarantined.
        Envelope q = sealer.sealQuarantine(ctx("no-such-dept", "e-9"), PLAINTEXT);

        assertThat(q.getDepartment()).isEqualTo(EncryptionContext.QUARANTINE_DEPARTMENT);
        assertThat(q.getWrappedKeys().get(0).getKeyId()).startsWith(TestGovernance.QUARANTINE.toString());
        assertThat(auditor.open(q, TestGovernance.SHARED)).isEqualTo(PLAINTEXT);
        assertThatThrownBy(() -> finance.open(q, TestGovernance.SHARED)).isInstanceOf(KmsAccessDeniedException.class);
    }

    @org.junit.jupiter.api.Test
    void unknownDepartmentIsRefusedAndAClosedSealerSealsNothing() {
        Sealer sealer = Sealer.create(G, RawAesKeyringProvider.generate(G), SealerConfig.defaults());
        assertThatThrownBy(() -> sealer.seal(ctx("marketing", "e-1"), PLAINTEXT))
                .isInstanceOf(EnvelopeException.class).hasMessageContaining("marketing")
                .hasMessageContaining("[finance, sales]");
        sealer.close();
        assertThatThrownBy(() -> sealer.seal(ctx("finance", "e-1"), PLAINTEXT))
                .isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @EnumSource(value = EnvelopeFormatId.class, names = {"AES_GCM_V1", "ESDK_MESSAGE_V1"}) // the Avro envelopes
    void emptyAndLargePlaintextsRoundTrip(EnvelopeFormatId format) {
        RawAesKeyringProvider all = RawAesKeyringProvider.generate(G);
        Sealer sealer = Sealer.create(G, all, SealerConfig.defaults().withFormat(format));
        Opener reader = Opener.create(all, OpenerConfig.defaults());
        byte[] large = new byte[1 << 20];
        new java.util.Random(7).nextBytes(large);
        for (byte[] p : new byte[][] {new byte[0], large}) {
            Envelope e = EnvelopeSerde.fromBytes(EnvelopeSerde.toBytes(sealer.seal(ctx("sales", "e-1"), p)));
            assertThat(reader.open(e, TestGovernance.SHARED)).isEqualTo(p);
        }
    }
}
