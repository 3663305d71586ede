package io.deptcrypt.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.crypto.SealContext;
import io.deptcrypt.crypto.Sealer;
import io.deptcrypt.crypto.SealerConfig;
import io.deptcrypt.crypto.WireFormat;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.testkit.InMemoryKeysTopic;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestGovernance;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What the demo and the e2e tests read of a shared-topic record without a key, in every format. */
class SealedRecordTest {

    private static final byte[] WRAPPING_KEY = new byte[32];

    @ParameterizedTest
    @EnumSource(EnvelopeFormatId.class)
    void eventIdFormatAndDepartmentComeFromTheValueAndTheAudienceHeader(EnvelopeFormatId format) {
        Sealer sealer = Sealer.create(TestGovernance.governance(),
                new RawAesKeyringProvider(Map.of(TestGovernance.SALES, WRAPPING_KEY)),
                SealerConfig.defaults().withFormat(format), new InMemoryKeysTopic());
        RecordHeaders headers = new RecordHeaders();
        byte[] value = sealer.sealRecord(new SealContext("sales", "evt-42", TestGovernance.SHARED, 1_000L,
                "application/json"), "{\"a\":1}".getBytes(StandardCharsets.UTF_8), headers);

        SealedRecord r = SealedRecord.of(record(value, headers)).orElseThrow();

        assertThat(r.eventId()).isEqualTo("evt-42");
        assertThat(r.format()).isEqualTo(WireFormat.Format.of(format));
        assertThat(r.department()).isEqualTo("sales");
        assertThat(r.topic()).isEqualTo(TestGovernance.SHARED);
        assertThat(r.audienceHeader()).as("the deptcrypt.audience header, AES_GCM_V2 only")
                .isEqualTo(format == EnvelopeFormatId.AES_GCM_V2 ? "sales".getBytes(StandardCharsets.UTF_8) : null);
    }

    @Test
    void aValueThatIsNoSealedRecordIsLeftOut() {
        assertThat(SealedRecord.of(record("{\"plain\":true}".getBytes(StandardCharsets.UTF_8), new RecordHeaders())))
                .isEqualTo(Optional.empty());
        assertThat(SealedRecord.of(record(null, new RecordHeaders()))).as("a tombstone").isEmpty();
    }

    private static ConsumerRecord<byte[], byte[]> record(byte[] value, RecordHeaders headers) {
        return new ConsumerRecord<>(TestGovernance.SHARED, 0, 0L, 1_000L, TimestampType.CREATE_TIME, 0,
                value == null ? 0 : value.length, null, value, headers, Optional.empty());
    }
}
