package io.deptcrypt.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.testkit.TestGovernance;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A KmsKeyringProvider tells its observers of each KMS call: operation, duration, outcome; until the handle closes. */
class KmsCallObserverTest {

    record Call(KmsOperation operation, long nanos, boolean failed) {}

    private static KmsCallObserver recordingInto(List<Call> calls) {
        return (operation, nanos, failed) -> calls.add(new Call(operation, nanos, failed));
    }

    private static SealContext ctx(String department, int i) {
        return new SealContext(department, "event-" + i, TestGovernance.SHARED, 1_700_000_000_000L + i,
                "application/json");
    }

    private static byte[] plaintext(int i) {
        return ("{\"n\": " + i + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void eachKmsCallIsObservedWithItsOperationAndOutcome() throws Exception {
        KmsFixture fx = new KmsFixture();
        List<Call> sealerCalls = new CopyOnWriteArrayList<>();
        List<Call> readerCalls = new CopyOnWriteArrayList<>();
        KmsKeyringProvider salesReader = fx.reader("deptcrypt-sales-consumer", TestGovernance.SALES.toString());
        try (Sealer sealer = Sealer.create(fx.governance, fx.encryptor, SealerConfig.defaults());
             AutoCloseable s = fx.encryptor.observeKmsCalls(recordingInto(sealerCalls));
             AutoCloseable r = salesReader.observeKmsCalls(recordingInto(readerCalls))) {
            Envelope finance = sealer.seal(ctx("finance", 1), plaintext(1));
            sealer.seal(ctx("finance", 2), plaintext(2));
            sealer.seal(ctx("sales", 3), plaintext(3));

            assertThat(sealerCalls).extracting(Call::operation, Call::failed).containsExactly(
                    tuple(KmsOperation.GENERATE_DATA_KEY, false),
                    tuple(KmsOperation.GENERATE_DATA_KEY, false));
            assertThat(sealerCalls).allSatisfy(c -> assertThat(c.nanos()).isPositive());

            Opener sales = Opener.create(salesReader, OpenerConfig.defaults());
            assertThatThrownBy(() -> sales.open(finance, TestGovernance.SHARED))
                    .isInstanceOf(KmsAccessDeniedException.class);
            assertThat(readerCalls).extracting(Call::operation, Call::failed)
                    .containsExactly(tuple(KmsOperation.DECRYPT, true));
        }
    }

    @Test
    void aClosedHandleObservesNoMoreCallsAndTheCountsGoOn() throws Exception {
        KmsFixture fx = new KmsFixture();
        List<Call> calls = new CopyOnWriteArrayList<>();
        try (Sealer sealer = Sealer.create(fx.governance, fx.encryptor, SealerConfig.defaults())) {
            AutoCloseable handle = fx.encryptor.observeKmsCalls(recordingInto(calls));
            sealer.seal(ctx("finance", 1), plaintext(1));
            handle.close();
            sealer.seal(ctx("sales", 2), plaintext(2));

            assertThat(calls).hasSize(1);
            assertThat(sealer.kmsCalls().generateDataKey()).isEqualTo(2);
        }
    }
}
