package io.deptcrypt.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.testkit.InMemoryKeysTopic;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestGovernance;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A reader revoked by governance may have kept the data key it unwrapped: the sealer must not seal anything after the
 * revocation under that key. Granting a reader changes nothing.
 */
class RevocationRotationTest {

    private static final String TOPIC = TestGovernance.SHARED;
    private static final String FINANCE_READERS = "readers: [finance-consumer]";

    private final Governance governance = TestGovernance.governance();
    private RawAesKeyringProvider keyrings;
    private InMemoryKeysTopic keys;
    private Sealer sealer;

    @BeforeEach
    void setUp() {
        keyrings = RawAesKeyringProvider.generate(governance);
        keys = new InMemoryKeysTopic();
        sealer = Sealer.create(governance, keyrings, SealerConfig.defaults().withFormat(EnvelopeFormatId.AES_GCM_V2),
                keys);
    }

    @AfterEach
    void tearDown() {
        sealer.close();
    }

    private static Governance withFinanceReaders(String readers) {
        String yaml = TestGovernance.yaml();
        assertThat(yaml).contains(FINANCE_READERS);
        return GovernanceLoader.parse(yaml.replace(FINANCE_READERS, "readers: [" + readers + "]"), "next.yaml");
    }

    private DataKeyId dataKeyOf(String department, String eventId) {
        byte[] value = sealer.sealRecord(new SealContext(department, eventId, TOPIC, 1L, "text/plain"),
                new byte[] {1, 2, 3}, new RecordHeaders());
        return CleartextFields.read(value).dataKeys().get(0);
    }

    @Test
    void aDepartmentThatLosesAReaderGetsANewDataKeyOthersKeepTheirs() {
        DataKeyId finance = dataKeyOf("finance", "f-1");
        DataKeyId sales = dataKeyOf("sales", "s-1");
        sealer.update(withFinanceReaders("finance-consumer, security-auditor"));
        assertThat(dataKeyOf("finance", "f-2")).as("a reader granted: same data key").isEqualTo(finance);

        sealer.update(withFinanceReaders("security-auditor"));
        DataKeyId afterRevocation = dataKeyOf("finance", "f-3");
        assertThat(afterRevocation).as("finance-consumer revoked: a fresh data key").isNotEqualTo(finance);
        assertThat(dataKeyOf("sales", "s-2")).as("sales lost no reader").isEqualTo(sales);
        assertThat(keyrings.kmsCalls().generateDataKey()).isEqualTo(3);
    }

    @Test
    void lostReadersNamesExactlyTheDepartmentsWithFewerReaders() {
        assertThat(Sealer.lostReaders(governance, withFinanceReaders("finance-consumer, security-auditor"))).isEmpty();
        assertThat(Sealer.lostReaders(governance, withFinanceReaders("security-auditor"))).containsExactly("finance");
        assertThat(Sealer.lostReaders(governance, governance)).isEmpty();
    }
}
