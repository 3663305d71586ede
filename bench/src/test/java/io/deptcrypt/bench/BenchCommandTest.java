package io.deptcrypt.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** Smoke tests: the harness wires up (CLI, JMH benchmark list, results page). No benchmark runs here. */
class BenchCommandTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @Test
    void launcherArgumentsSelectTheSuites() {
        ParseResult viaLauncher = BenchCommand.commandLine().parseArgs("bench", "--quick", "--repo", REPO.toString());
        assertThat(viaLauncher.subcommand().commandSpec().name()).isEqualTo("all");
        BenchOptions opts = ((BenchCommand.All) viaLauncher.subcommand().commandSpec().userObject()).options;
        BenchSettings s = opts.settings();
        assertThat(s.quick()).isTrue();
        assertThat(s.events()).isEqualTo(30_000);
        assertThat(s.resultsFile()).isEqualTo(REPO.resolve("bench/results/latest.json"));
        assertThat(s.command()).isEqualTo("./deptcrypt bench --quick");

        ParseResult micro = BenchCommand.commandLine().parseArgs("micro", "--rounds", "7");
        assertThat(micro.subcommand().commandSpec().name()).isEqualTo("micro");

        ParseResult bare = BenchCommand.commandLine().parseArgs("--quick");
        assertThat(bare.hasSubcommand()).isFalse();
    }

    @Test
    void badOptionsAreRefusedWithTheirName() {
        CommandLine cl = BenchCommand.commandLine();
        ParseResult r = cl.parseArgs("pipeline", "--events", "0", "--repo", REPO.toString());
        BenchOptions opts = ((BenchCommand.Pipeline) r.subcommand().commandSpec().userObject()).options;
        assertThatThrownBy(opts::settings).hasMessageContaining("--events must be > 0");
        assertThatThrownBy(() -> cl.parseArgs("nonsense")).isInstanceOf(CommandLine.ParameterException.class);
    }

    @Test
    void jmhFindsEveryBenchmark() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/BenchmarkList")) {
            assertThat(in).as("JMH annotation processor output").isNotNull();
            String list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(list).contains("EnvelopeBenchmark", "AesGcmFloorBenchmark", "SeedWayBenchmark");
        }
    }

    @Test
    void resultsTableIsRenderedBetweenTheMarkers() throws Exception {
        String sample = """
                {"generated_at":"2026-01-01T00:00:00Z","command":"./deptcrypt bench --quick",
                 "machine":{"cores":2,"memory_bytes":25769803776,"cpu":"Test CPU","jvm":"OpenJDK 17","os":"Linux","load_average":0.1},
                 "encryptor_vs_plaintext_ratio":0.93,"consumer_vs_plaintext_ratio":0.95,"speedup_vs_seed":412.0,
                 "kms_generate_data_key_per_100k":6.67,"kms_generate_data_key_per_department_per_lifetime":1.0,
                 "kms_decrypt_per_100k":6.67,"p50_latency_ms":120.0,"p99_latency_ms":250.0,
                 "targets_met":{"encryptor_vs_plaintext_ratio":true,"consumer_vs_plaintext_ratio":true,"speedup_vs_seed":true,
                   "kms_generate_data_key_per_department_per_lifetime":true},
                 "micro":[{"variant":"AES_GCM_V1","operation":"seal","size_bytes":1024,"ops_per_s":250000.0,"us_per_op":4.0}]}
                """;
        JsonNode json = ResultsFile.JSON.readTree(sample);
        String md = PerformanceDoc.render(json);
        assertThat(md).contains("| encryptor vs plaintext passthrough (1 KB, events/s) | 0.930x | >= 0.90x | yes |")
                .contains("| AES_GCM_V1 | seal | 4.00 (250,000) |");

        String page = Files.readString(REPO.resolve("docs/performance.md"));
        String updated = PerformanceDoc.replaceSection(page, md, "performance.md");
        assertThat(updated).contains(md).startsWith(page.substring(0, page.indexOf(PerformanceDoc.BEGIN)));
        assertThat(PerformanceDoc.replaceSection(updated, "x\n", "again")).doesNotContain(md);
        assertThatThrownBy(() -> PerformanceDoc.replaceSection("no markers", md, "page.md"))
                .hasMessageContaining("page.md has no results section");
    }

    @Test
    void formatsRecordSizesAuthenticationAndLatencyAreRendered() throws Exception {
        String sample = """
                {"generated_at":"2026-01-01T00:00:00Z","command":"./deptcrypt bench",
                 "machine":{"cores":2,"memory_bytes":25769803776,"cpu":"Test CPU","jvm":"OpenJDK 17","os":"Linux","load_average":0.1},
                 "encryptor_vs_plaintext_ratio":0.91,"consumer_vs_plaintext_ratio":0.85,"envelope_format":"AES_GCM_V2",
                 "formats":{
                   "AES_GCM_V2":{"encryptor_vs_plaintext_ratio":0.91,"consumer_vs_plaintext_ratio":0.85,
                     "encrypted_record_bytes":1120.0,"envelope_overhead_bytes":96.0,"wrapped_key_bytes":184,
                     "wrapped_key_bytes_per_record":0,"data_key_record_bytes":480},
                   "AES_GCM_V1":{"encryptor_vs_plaintext_ratio":0.72,"consumer_vs_plaintext_ratio":0.77,
                     "encrypted_record_bytes":1375.0,"envelope_overhead_bytes":351.0,"wrapped_key_bytes":184,
                     "wrapped_key_bytes_per_record":184,"data_key_record_bytes":0}},
                 "kafka_scram_vs_plaintext_encryptor_ratio":0.97,"kafka_scram_vs_plaintext_consumer_ratio":0.99,
                 "p50_latency_ms":70.0,"p99_latency_ms":150.0,"p99_latency_vs_plaintext_ratio":1.2,
                 "targets_met":{"encryptor_vs_plaintext_ratio":true,"consumer_vs_plaintext_ratio":false,
                   "p99_latency_vs_plaintext_ratio":false}}
                """;
        String md = PerformanceDoc.render(ResultsFile.JSON.readTree(sample));
        assertThat(md).contains("The encryptor writes AES_GCM_V2 (its default)")
                .contains("| for comparison, AES_GCM_V1: encryptor / department consumer vs plaintext | 0.720x / 0.770x |")
                .doesNotContain("| for comparison, AES_GCM_V2")
                .contains("vs on a PLAINTEXT one | 0.970x / 0.990x |")
                .contains("| end-to-end p99 latency, encrypted over plaintext path | 1.200x | <= 1.10x | **no** |")
                .contains("| AES_GCM_V2 | 1120 | 96 | 184 | 0 | 480 |")
                .contains("| AES_GCM_V1 | 1375 | 351 | 184 | 184 | 0 |");
    }

    @Test
    void payloadsAreDeterministicPrintableAscii() {
        byte[] a = Payloads.event(1024);
        assertThat(a).hasSize(1024).isEqualTo(Payloads.event(1024));
        for (byte b : a) {
            assertThat(b).isBetween((byte) 0x20, (byte) 0x7e);
        }
        assertThat(List.of(Payloads.text(5, 1), Payloads.text(5, 2))).doesNotHaveDuplicates();
    }
}
