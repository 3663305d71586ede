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

    /** config/governance.yaml's deal-won events the demo sends besides the 50. */
    private static final int DEAL_WON = Demo.TYPED_EVENTS_PER_TYPE;
    private static final Path REPO = Path.of("").toAbsolutePath().getParent();

    @Test
    void fiftyEventsInTheShippedFormatReachExactlyTheirDepartmentOnceAndCrossReadsAreDeniedByKms(@TempDir Path state) {
        StackConfig cfg = StackConfig.defaults(state, REPO.resolve("config/governance.yaml"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DemoResult r = new Demo(cfg, new Console(new PrintStream(out, true, StandardCharsets.UTF_8), false), 50,
                Duration.ofSeconds(120), true).run();
        String console = out.toString(StandardCharsets.UTF_8);

        assertThat(r.problems()).as(console).isEmpty();
        assertThat(r.encryptedAs()).as("this run's records on the shared topic by envelope format")
                .isEqualTo(Map.of(EnvelopeFormatId.AES_GCM_V2.name(), 50 + DEAL_WON));
        assertThat(r.delivered().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(50 + 2 * DEAL_WON);
        assertThat(r.crossReadsDenied()).as("one per department and other consumer, and deal-won read as each audience"
                + " with the other's credentials").isEqualTo(4);
        assertThat(r.kmsCalls().denied()).as("localkms's audit log: the cross-reads' Decrypt calls").isEqualTo(4);
        assertThat(console).contains("AES_GCM_V2 envelopes")
                .contains("opens finance AES_GCM_V2 event").contains("DENIED by KMS: AccessDeniedException")
                .contains("2 deal-won events, one record each, read by finance and sales")
                .contains("opens deal-won AES_GCM_V2 event").contains(" as finance:").contains(" as sales:")
                .as("the printed deliveries: each audience gets its own field group and is told of the other's")
                .contains("withheld:     /iban").contains("withheld:     /customer");
    }
}
