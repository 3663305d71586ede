package io.deptcrypt.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A demo-sized run (50 events) with the shipped configuration, whose encryptor writes AES_GCM_V2: the demo reads the
 * compact records' event ids and formats from their values (no event id header, no record key), and its
 * cross-department reads, which find the data keys on the keys topic, are refused by KMS.
 */
@Tag("integration")
class DefaultFormatDemoTest {

    private static final Path REPO = Path.of("").toAbsolutePath().getParent();

    @Test
    void fiftyEventsInTheShippedFormatReachExactlyTheirDepartmentOnceAndCrossReadsAreDeniedByKms(@TempDir Path state) {
        StackConfig cfg = StackConfig.defaults(state, REPO.resolve("config/governance.yaml"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DemoResult r = new Demo(cfg, new Console(new PrintStream(out, true, StandardCharsets.UTF_8), false), 50,
                Duration.ofSeconds(120), false).run();
        String console = out.toString(StandardCharsets.UTF_8);

        assertThat(r.problems()).as(console).isEmpty();
        assertThat(r.encryptedAs()).as("this run's records on the shared topic by envelope format")
                .isEqualTo(Map.of(EnvelopeFormatId.AES_GCM_V2.name(), 50));
        assertThat(r.delivered().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(50);
        assertThat(r.crossReadsDenied()).as("one per department and other consumer").isEqualTo(2);
        assertThat(r.kmsCalls().denied()).as("localkms's audit log: the cross-reads' Decrypt calls").isEqualTo(2);
        assertThat(console).contains("AES_GCM_V2 envelopes")
                .contains("opens finance AES_GCM_V2 event").contains("DENIED by KMS: AccessDeniedException");
    }
}
