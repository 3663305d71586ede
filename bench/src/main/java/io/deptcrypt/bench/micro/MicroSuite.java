package io.deptcrypt.bench.micro;

import io.deptcrypt.bench.BenchSettings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs the JMH benchmarks of this package in forked JVMs and turns their scores into {@link MicroResult}s. */
public final class MicroSuite {

    private MicroSuite() {}

    public static List<MicroResult> run(BenchSettings settings) throws RunnerException {
        String pkg = MicroSuite.class.getPackageName();
        String filter = settings.microInclude() == null ? "" : "(?=.*" + settings.microInclude() + ")";
        List<RunResult> runs = new ArrayList<>();
        // the seed's way is measured at 1 KB only; the others at every size (quick: 1 KB and 100 KB)
        runs.addAll(runMatching(options(settings, "^" + filter + pkg + "\\.(EnvelopeBenchmark|AesGcmFloorBenchmark)\\..*", true)));
        runs.addAll(runMatching(options(settings, "^" + filter + pkg + "\\.SeedWayBenchmark\\..*", false)));
        runs.addAll(runMatching(options(settings, "^" + filter + pkg + "\\.CipherPerKeyBenchmark\\..*", false)));
        runs.addAll(runMatching(options(settings, "^" + filter + pkg + "\\.AudienceBenchmark\\..*", false)));
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no JMH benchmark matches --include " + settings.microInclude());
        }
        return results(runs);
    }

    /** Runs what matches; nothing when an --include filter left no benchmark in this group. */
    private static Collection<RunResult> runMatching(Options options) throws RunnerException {
        try {
            return new Runner(options).run();
        } catch (NoBenchmarksException e) {
            return List.of();
        }
    }

    /** The options of a full or quick run, restricted to benchmarks matching {@code include}. */
    public static Options options(BenchSettings settings, String include, boolean sized) {
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include(include)
                .forks(1)
                .threads(1)
                .shouldFailOnError(true)
                .param("governancePath", settings.governance().toString())
                .jvmArgsAppend("-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        if (settings.quick()) {
            // 1 KB only (the pipeline's size), to stay within the quick budget; GCM needs a few seconds to reach C2
            if (sized) {
                b.param("size", "1024");
            }
            b.warmupIterations(2).warmupTime(TimeValue.seconds(2))
                    .measurementIterations(3).measurementTime(TimeValue.seconds(1));
        } else {
            b.warmupIterations(3).warmupTime(TimeValue.seconds(2))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(2));
        }
        return b.timeUnit(TimeUnit.SECONDS).build();
    }

    static List<MicroResult> results(Collection<RunResult> runs) {
        List<MicroResult> out = new ArrayList<>();
        for (RunResult r : runs) {
            BenchmarkParams p = r.getParams();
            String method = p.getBenchmark().substring(p.getBenchmark().lastIndexOf('.') + 1);
            String cls = p.getBenchmark().substring(0, p.getBenchmark().lastIndexOf('.'));
            String variant = switch (cls.substring(cls.lastIndexOf('.') + 1)) {
                case "EnvelopeBenchmark" -> p.getParam("format");
                case "SeedWayBenchmark" -> "SEED_ESDK_PER_EVENT";
                case "AesGcmFloorBenchmark" -> "AES_256_GCM_FLOOR";
                case "CipherPerKeyBenchmark" -> "AES_256_GCM_TWO_KEYS";
                case "AudienceBenchmark" -> "AES_GCM_V2_" + p.getParam("audiences");
                default -> cls;
            };
            out.add(new MicroResult(variant, method, Integer.parseInt(p.getParam("size")),
                    r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()));
        }
        out.sort(Comparator.comparing(MicroResult::variant).thenComparing(MicroResult::operation)
                .thenComparingInt(MicroResult::sizeBytes));
        return out;
    }
}
