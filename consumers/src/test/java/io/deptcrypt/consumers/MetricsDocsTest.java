package io.deptcrypt.consumers;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.runtime.KmsCallSensors;
import io.deptcrypt.runtime.MetricDefinition;
import io.deptcrypt.topology.EncryptorMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/metrics.md lists every metric of both apps, as their metric lists generate the tables. */
class MetricsDocsTest {

    static final Path PAGE = Path.of("..", "docs", "metrics.md");

    @Test
    void theCheckedInTablesAreWhatTheMetricListsGenerate() throws Exception {
        assertThat(Files.exists(PAGE)).as(PAGE + " is missing").isTrue();
        String page = Files.readString(PAGE);
        String generated = MetricsPage.regenerate(page);
        if (Boolean.getBoolean(MetricsPage.WRITE_PROPERTY)) {
            Files.writeString(PAGE, generated);
            page = generated;
        }
        assertThat(MetricsPage.markedTables(page)).as(PAGE + " marks each table once")
                .containsExactlyElementsOf(MetricsPage.tables().keySet());
        assertThat(page).as(PAGE + " differs from what the metric lists generate; regenerate it with: "
                + MetricsPage.REGENERATE).isEqualTo(generated);
    }

    @Test
    void theTablesTogetherListEveryMetricOfEachApp() {
        List<MetricDefinition> encryptor = new ArrayList<>(MetricsPage.tables().get("encryptor"));
        encryptor.addAll(MetricsPage.tables().get("kms"));
        List<MetricDefinition> consumer = new ArrayList<>(MetricsPage.tables().get("consumer"));
        consumer.addAll(MetricsPage.tables().get("kms"));
        assertThat(encryptor).containsExactlyInAnyOrderElementsOf(EncryptorMetrics.ALL);
        assertThat(consumer).containsExactlyInAnyOrderElementsOf(ConsumerMetrics.ALL);
        assertThat(MetricsPage.table(KmsCallSensors.ALL)).contains("| `kms-request-latency-max` |");
    }
}
