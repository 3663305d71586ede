package io.deptcrypt.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.bench.micro.MicroResult;
import io.deptcrypt.bench.pipeline.PipelineResult;
import io.deptcrypt.bench.pipeline.PipelineResult.Latency;
import io.deptcrypt.bench.pipeline.PipelineResult.Pair;
import io.deptcrypt.bench.pipeline.RecordBytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench/results/latest.json}: the headline numbers at the top level (snake_case, numeric), the machine, and
 * each suite's details. Running one suite alone replaces only that suite's section and headline fields.
 */
public final class ResultsFile {

    /** Targets from the issue: encryptor and consumer within 10% of plaintext, 200x the seed, <= 1 GenerateDataKey per department per lifetime. */
    static final double TARGET_RATIO = 0.90;
    static final double TARGET_SPEEDUP = 200;
    static final double TARGET_GDK_PER_LIFETIME = 1.0;
    /** End-to-end p99 latency at the fixed load within 10% of plaintext's. */
    static final double TARGET_P99_RATIO = 1.10;

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final ObjectNode root;

    private ResultsFile(Path file, ObjectNode root) {
        this.file = file;
        this.root = root;
    }

    /** Reads {@code file} if it exists (to keep the section a partial run does not replace), else starts empty. */
    public static ResultsFile open(Path file) {
        ObjectNode root = JSON.createObjectNode();
        if (Files.isRegularFile(file)) {
            try {
                JsonNode existing = JSON.readTree(file.toFile());
                if (existing instanceof ObjectNode o) {
                    root = o;
                }
            } catch (IOException e) {
                System.err.println("warning: ignoring unreadable " + file + ": " + e.getMessage());
            }
        }
        return new ResultsFile(file, root);
    }

    public JsonNode json() {
        return root;
    }

    void machine(MachineDescription m) {
        root.set("machine", JSON.valueToTree(m));
    }

    void run(BenchSettings s, boolean micro, boolean pipeline) {
        root.put("generated_at", Instant.now().toString());
        root.put("mode", s.quick() ? "quick" : "full");
        String command = micro && pipeline ? s.command() : s.command(micro ? "micro" : "pipeline");
        root.put("command", command);
        // a partial run keeps the other section: say which command measured which
        if (micro) {
            root.put("micro_command", command);
        }
        if (pipeline) {
            root.put("pipeline_command", command);
        }
        ObjectNode targets = root.putObject("targets");
        targets.put("encryptor_vs_plaintext_ratio_min", TARGET_RATIO);
        targets.put("consumer_vs_plaintext_ratio_min", TARGET_RATIO);
        targets.put("speedup_vs_seed_min", TARGET_SPEEDUP);
        targets.put("kms_generate_data_key_per_department_per_lifetime_max", TARGET_GDK_PER_LIFETIME);
        targets.put("p99_latency_vs_plaintext_ratio_max", TARGET_P99_RATIO);
    }

    void micro(List<MicroResult> results) {
        ArrayNode arr = root.putArray("micro");
        for (MicroResult r : results) {
            ObjectNode o = arr.addObject();
            o.put("variant", r.variant());
            o.put("operation", r.operation());
            o.put("size_bytes", r.sizeBytes());
            o.put("ops_per_s", round(r.opsPerSecond(), 1));
            if (Double.isNaN(r.error())) {
                o.putNull("error_ops_per_s");
            } else {
                o.put("error_ops_per_s", round(r.error(), 1));
            }
            o.put("us_per_op", round(r.microsPerOp(), 3));
            o.put("mb_per_s", round(r.megabytesPerSecond(), 2));
        }
        root.put("micro_measured_at", Instant.now().toString());
    }

    void pipeline(PipelineResult p) {
        root.set("pipeline", JSON.valueToTree(p));
        root.put("pipeline_measured_at", Instant.now().toString());
        root.put("encryptor_vs_plaintext_ratio", round(p.encryptor().ratio(), 3));
        root.put("consumer_vs_plaintext_ratio", round(p.consumer().ratio(), 3));
        root.put("consumer_vs_plaintext_topic_ratio", round(p.consumerVsPlaintextTopic().ratio(), 3));
        // the encryptor against a passthrough whose records are as large as the envelopes: crypto work alone
        root.put("encryptor_vs_size_matched_plaintext_ratio", round(p.encryptorVsSizeMatched().ratio(), 3));
        root.put("envelope_extra_bytes_per_record", p.sizeMatchPadBytes());
        root.put("envelope_format", p.format());
        ObjectNode formats = root.putObject("formats");
        for (RecordBytes b : p.recordBytes()) {
            ObjectNode f = formats.putObject(b.format().name());
            boolean isDefault = b.format().name().equals(p.format());
            Pair enc = isDefault ? p.encryptor() : p.encryptorV1();
            Pair con = isDefault ? p.consumer() : p.consumerV1();
            f.put("encryptor_vs_plaintext_ratio", round(enc.ratio(), 3));
            f.put("consumer_vs_plaintext_ratio", round(con.ratio(), 3));
            sizes(f, b);
            if (isDefault) {
                sizes(root, b);
            }
        }
        // the same apps on a SASL/SCRAM-SHA-512 + StandardAuthorizer broker, over the same apps on a PLAINTEXT one
        root.put("kafka_scram_vs_plaintext_encryptor_ratio", round(p.encryptorScram().ratio(), 3));
        root.put("encryptor_dedupe_on_vs_off_ratio", round(p.encryptorDedupe().ratio(), 3));
        root.put("kafka_scram_vs_plaintext_consumer_ratio", round(p.consumerScram().ratio(), 3));
        // events per CPU-second of the app's own threads, candidate over baseline
        root.put("encryptor_vs_plaintext_cpu_ratio", round(p.encryptor().cpuRatio(), 3));
        root.put("consumer_vs_plaintext_cpu_ratio", round(p.consumer().cpuRatio(), 3));
        root.put("speedup_vs_seed", round(p.speedupVsSeed(), 1));
        root.put("kms_generate_data_key_per_100k", round(p.kms().generateDataKeyPer100k(), 2));
        root.put("kms_generate_data_key_per_department_per_lifetime", round(p.kms().generateDataKeyPerDepartmentPerLifetime(), 3));
        root.put("kms_decrypt_per_100k", round(p.kms().decryptPer100k(), 2));
        Latency enc = p.latency().stream().filter(l -> l.path().equals("encrypted")).findFirst().orElseThrow();
        root.put("p50_latency_ms", round(enc.p50Millis(), 1));
        root.put("p99_latency_ms", round(enc.p99Millis(), 1));
        Latency plain = p.latency().stream().filter(l -> l.path().equals("plaintext")).findFirst().orElseThrow();
        root.put("plaintext_p99_latency_ms", round(plain.p99Millis(), 1));
        double p99Ratio = enc.p99Millis() / plain.p99Millis();
        root.put("p99_latency_vs_plaintext_ratio", round(p99Ratio, 3));
        root.put("encryptor_events_per_s", Math.round(p.encryptor().candidate().medianEventsPerSecond()));
        root.put("plaintext_events_per_s", Math.round(p.encryptor().baseline().medianEventsPerSecond()));
        ObjectNode met = root.putObject("targets_met");
        met.put("encryptor_vs_plaintext_ratio", p.encryptor().ratio() >= TARGET_RATIO);
        met.put("consumer_vs_plaintext_ratio", p.consumer().ratio() >= TARGET_RATIO);
        met.put("speedup_vs_seed", p.speedupVsSeed() >= TARGET_SPEEDUP);
        met.put("kms_generate_data_key_per_department_per_lifetime",
                p.kms().generateDataKeyPerDepartmentPerLifetime() <= TARGET_GDK_PER_LIFETIME);
        met.put("p99_latency_vs_plaintext_ratio", p99Ratio <= TARGET_P99_RATIO);
    }

    /** What a record of one format is made of: everything it carries beyond its plaintext, and its data key. */
    private static void sizes(ObjectNode o, RecordBytes b) {
        o.put("envelope_overhead_bytes", round(b.envelopeOverheadBytes(), 1));
        o.put("encrypted_record_bytes", round(b.encrypted().recordBytes(), 1));
        o.put("wrapped_key_bytes", b.wrappedKeyBytes());
        o.put("wrapped_key_bytes_per_record", b.wrappedKeyBytesPerRecord());
        o.put("data_key_record_bytes", b.dataKeyRecordBytes());
    }

    void write() {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), root);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The headline numbers, for the terminal. */
    String summary() {
        StringBuilder b = new StringBuilder("deptcrypt bench (" + root.path("mode").asText() + ")\n");
        for (String f : List.of("encryptor_vs_plaintext_ratio", "encryptor_vs_size_matched_plaintext_ratio",
                "envelope_extra_bytes_per_record", "envelope_format", "envelope_overhead_bytes", "wrapped_key_bytes",
                "wrapped_key_bytes_per_record", "consumer_vs_plaintext_ratio", "consumer_vs_plaintext_topic_ratio",
                "kafka_scram_vs_plaintext_encryptor_ratio", "kafka_scram_vs_plaintext_consumer_ratio",
                "encryptor_vs_plaintext_cpu_ratio", "consumer_vs_plaintext_cpu_ratio", "speedup_vs_seed",
                "kms_generate_data_key_per_100k", "kms_generate_data_key_per_department_per_lifetime",
                "p50_latency_ms", "p99_latency_ms", "p99_latency_vs_plaintext_ratio", "encryptor_events_per_s",
                "plaintext_events_per_s")) {
            if (root.has(f)) {
                b.append(String.format(Locale.ROOT, "  %-52s %s%n", f, root.get(f).asText()));
            }
        }
        return b.toString();
    }

    static double round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
