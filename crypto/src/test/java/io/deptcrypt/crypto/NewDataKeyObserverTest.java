package io.deptcrypt.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.EncryptionContext;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestGovernance;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The sealer names the department of every data key it generates: the first, and each that replaces a spent one. */
class NewDataKeyObserverTest {

    private static SealContext ctx(String department, int i) {
        return new SealContext(department, "event-" + i, TestGovernance.SHARED, 1_700_000_000_000L + i,
                "application/json");
    }

    @Test
    void everyGeneratedDataKeyIsObservedWithItsDepartment() throws Exception {
        RawAesKeyringProvider keys = RawAesKeyringProvider.generate(TestGovernance.governance());
        List<String> generated = new CopyOnWriteArrayList<>();
        byte[] plaintext = "{}".getBytes(StandardCharsets.UTF_8);
        try (Sealer sealer = Sealer.create(TestGovernance.governance(), keys,
                new SealerConfig(EnvelopeFormatId.AES_GCM_V1, 2, Duration.ofHours(1)))) {
            AutoCloseable handle = sealer.observeNewDataKeys(generated::add);
            for (int i = 0; i < 5; i++) {
                sealer.seal(ctx("finance", i), plaintext); // keys for records 1-2, 3-4, 5
            }
            sealer.seal(ctx("sales", 5), plaintext);
            sealer.sealQuarantine(ctx("unknown", 6), plaintext);
            handle.close();
            sealer.seal(ctx("sales", 7), plaintext);
            sealer.seal(ctx("sales", 8), plaintext); // a new sales key, not observed any more

            assertThat(generated).containsExactly("finance", "finance", "finance", "sales",
                    EncryptionContext.QUARANTINE_DEPARTMENT);
            assertThat(keys.kmsCalls().generateDataKey()).isEqualTo(6);
        }
    }
}
