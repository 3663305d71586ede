package io.deptcrypt.bench.pipeline;

import io.deptcrypt.bench.BenchSettings;
import io.deptcrypt.bench.pipeline.PipelineResult.Kms;
import io.deptcrypt.bench.pipeline.PipelineResult.Latency;
import io.deptcrypt.bench.pipeline.PipelineResult.Pair;
import io.deptcrypt.bench.pipeline.PipelineResult.Seed;
import io.deptcrypt.bench.pipeline.PipelineResult.Side;
import io.deptcrypt.crypto.SealerConfig;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The pipeline benchmark: on one embedded broker and localkms, (a) plaintext passthrough vs the encryptor, (b) plain
 * consumer vs the decrypting department consumer, alternating over several rounds; (c) the seed's way; then latency
 * at a fixed offered load. See docs/performance.md for the method.
 */
public final class PipelineSuite {

    /** One ingest partition, as the spike measured fastest with one stream thread; the shared topic has the governance count. */
    static final int INGEST_PARTITIONS = 1;
    static final int WARMUP_EVENTS = 20_000;
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
    static final Duration LATENCY_WARMUP = Duration.ofSeconds(2);
    /** The JIT counts as settled when a warm-up pass adds less than this share of its total compilation time. */
    static final double JIT_SETTLED = 0.05;

    private final BenchSettings settings;
    private final Governance base;
    private final BenchStack stack;
    private final BenchApps apps;
    private final IngestEvents events;
    private final String department;
    private final String reader;

    private PipelineSuite(BenchSettings settings, Governance base, BenchStack stack) {
        this.settings = settings;
        this.base = base;
        this.stack = stack;
        this.apps = new BenchApps(stack);
        this.events = new IngestEvents(base.departmentNames());
        this.department = base.departments().get(0).name();
        this.reader = base.departments().get(0).readers().get(0);
    }

    public static PipelineResult run(BenchSettings settings) throws Exception {
        Governance base = GovernanceLoader.load(settings.governance());
        if (base.departments().isEmpty() || base.departments().get(0).readers().isEmpty()) {
            throw new IllegalArgumentException(settings.governance() + ": the pipeline benchmark needs a department with a reader");
        }
        log("starting the embedded broker and localkms in " + settings.workDir());
        try (BenchStack stack = BenchStack.start(settings.workDir(), settings.governance(), base)) {
            return new PipelineSuite(settings, base, stack).execute();
        }
    }

    private PipelineResult execute() throws Exception {
        int n = settings.events();
        String ingest = "bench.ingest";
        stack.createTopics(INGEST_PARTITIONS, ingest);
        log("pre-loading " + n + " events of " + IngestEvents.EVENT_BYTES + " B");
        events.preload(stack.bootstrap(), ingest, n);

        int w = Math.min(n, WARMUP_EVENTS);
        String warmIngest = "bench.warmup.ingest";
        stack.createTopics(INGEST_PARTITIONS, warmIngest);
        events.preload(stack.bootstrap(), warmIngest, w);
        warmUp(warmIngest, w);
        stack.deleteTopics(warmIngest);

        Recording jfr = startRecording();
        try {
            // (a) plaintext passthrough vs encryptor, alternating
            long gdkBefore = stack.kmsCalls().get(base.owner(), "GenerateDataKey");
            PairRounds encRounds = new PairRounds();
            long keyringGdk = 0;
            String lastEncTopic = null;
            String lastPlainTopic = null;
            for (int r = 1; r <= settings.rounds(); r++) {
                boolean plainFirst = r % 2 == 1;
                TopologyRun first = runTopology(plainFirst ? Variant.PLAINTEXT : Variant.ENCRYPTOR, ingest, "r" + r, n);
                TopologyRun second = runTopology(plainFirst ? Variant.ENCRYPTOR : Variant.PLAINTEXT, ingest, "r" + r, n);
                TopologyRun plain = plainFirst ? first : second;
                TopologyRun enc = plainFirst ? second : first;
                encRounds.add(plain.rates(), enc.rates());
                keyringGdk += enc.keyringGenerateDataKey();
                log(String.format(Locale.ROOT, "round %d/%d: plaintext %.0f ev/s, encryptor %.0f ev/s, ratio %.3f"
                                + " (whole run: %.0f, %.0f ev/s; CPU %.1f, %.1f us/event)", r, settings.rounds(), plain.rates().steady(),
                        enc.rates().steady(), enc.rates().steady() / plain.rates().steady(),
                        plain.rates().wholeRun(), enc.rates().wholeRun(), plain.rates().cpuMicrosPerRecord(),
                        enc.rates().cpuMicrosPerRecord()));
                if (lastEncTopic != null) {
                    stack.deleteTopics(lastEncTopic, lastPlainTopic);
                }
                lastEncTopic = enc.sharedTopic();
                lastPlainTopic = plain.sharedTopic();
            }
            long gdk = stack.kmsCalls().get(base.owner(), "GenerateDataKey") - gdkBefore;
            Pair encryptor = encRounds.pair("encryptor topology vs plaintext passthrough, same pre-loaded ingest events",
                    "plaintext passthrough", "encryptor (AES_GCM_V1)");

            // (b) plain consumer vs decrypting consumer over the same shared-topic data
            long decryptBefore = stack.kmsCalls().get(reader, "Decrypt");
            PairRounds decRounds = new PairRounds();
            PairRounds decTopicRounds = new PairRounds();
            ConsumerVariant[] order = ConsumerVariant.values();
            for (int r = 1; r <= settings.rounds(); r++) {
                Map<ConsumerVariant, Rates> rates = new LinkedHashMap<>();
                for (int i = 0; i < order.length; i++) {
                    ConsumerVariant v = order[(i + r - 1) % order.length]; // rotate who goes first
                    String topic = v == ConsumerVariant.PLAIN_PLAINTEXT_TOPIC ? lastPlainTopic : lastEncTopic;
                    rates.put(v, runConsumer(v, topic, "r" + r, n));
                }
                Rates plainEnv = rates.get(ConsumerVariant.PLAIN_ENVELOPES);
                Rates dec = rates.get(ConsumerVariant.DECRYPTING);
                Rates plainTopic = rates.get(ConsumerVariant.PLAIN_PLAINTEXT_TOPIC);
                decRounds.add(plainEnv, dec);
                decTopicRounds.add(plainTopic, dec);
                log(String.format(Locale.ROOT, "round %d/%d: plain consumer %.0f ev/s, decrypting consumer %.0f ev/s, ratio %.3f"
                                + " (CPU %.1f, %.1f us/record; plain consumer of the plaintext topic %.0f ev/s)", r, settings.rounds(),
                        plainEnv.steady(), dec.steady(), dec.steady() / plainEnv.steady(), plainEnv.cpuMicrosPerRecord(),
                        dec.cpuMicrosPerRecord(), plainTopic.steady()));
            }
            long decrypts = stack.kmsCalls().get(reader, "Decrypt") - decryptBefore;
            Pair consumer = decRounds.pair("decrypting department consumer vs plain consumer, same shared-topic data"
                            + " (input records/s, the department's and others')",
                    "plain consumer (" + department + ", envelopes not opened)", "department consumer (" + department + ", opens)");
            Pair consumerVsPlaintextTopic = decTopicRounds.pair(
                    "decrypting consumer of the encrypted topic vs plain consumer of the plaintext passthrough's topic",
                    "plain consumer of the plaintext topic", "department consumer (" + department + ", opens)");
            stack.deleteTopics(lastEncTopic, lastPlainTopic);

            // (c) the seed's way, same topology shape, fewer events
            Seed seed = runSeed();
            double speedup = encryptor.candidate().medianEventsPerSecond() / seed.eventsPerSecond();
            log(String.format(Locale.ROOT, "seed's way: %.0f ev/s; encryptor is %.0fx faster", seed.eventsPerSecond(), speedup));

            long lifetimes = 0;
            long perDeptRecords = SealerConfig.defaults().maxRecordsPerDataKey();
            for (String d : base.departmentNames()) {
                lifetimes += (long) settings.rounds() * ceilDiv(events.countFor(d, n), perDeptRecords);
            }
            long sealed = (long) settings.rounds() * n;
            long opened = (long) settings.rounds() * events.countFor(department, n);
            Kms kms = new Kms(sealed, settings.rounds(), gdk, gdk * 100_000.0 / sealed, lifetimes, gdk / (double) lifetimes,
                    opened, decrypts, decrypts * 100_000.0 / opened,
                    "requests counted at the apps' KMS clients (SDK interceptor; keyrings reported " + keyringGdk
                            + " GenerateDataKey)");

            // latency at a fixed offered load
            List<Latency> latency = List.of(latency(true), latency(false));

            Map<String, String> shown = new TreeMap<>(stack.streamsCommon());
            shown.remove("state.dir");
            shown.put("ingest.partitions", Integer.toString(INGEST_PARTITIONS));
            shown.put("shared.partitions", Integer.toString(base.topics().partitions()));
            return new PipelineResult(n, IngestEvents.EVENT_BYTES, settings.rounds(), encryptor, consumer,
                    consumerVsPlaintextTopic, seed, speedup, kms, latency, shown);
        } finally {
            stopRecording(jfr);
        }
    }

    /**
     * Runs every variant over the warm-up events, pass after pass, until the JIT has settled: a pass that adds less
     * than {@link #JIT_SETTLED} of the compilation time spent so far, or {@link #maxWarmupPasses()} passes. Until then
     * the crypto code (GCM's GHASH intrinsic only applies once C2 compiled its callers) runs several times slower than
     * in a long-running app, which would overstate its cost.
     */
    private void warmUp(String warmIngest, int w) throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long before = jit.getTotalCompilationTime();
        for (int pass = 1; pass <= maxWarmupPasses(); pass++) {
            String label = "warmup" + pass;
            TopologyRun plain = runTopology(Variant.PLAINTEXT, warmIngest, label, w);
            TopologyRun enc = runTopology(Variant.ENCRYPTOR, warmIngest, label, w);
            runConsumer(ConsumerVariant.PLAIN_ENVELOPES, enc.sharedTopic(), label, w);
            runConsumer(ConsumerVariant.DECRYPTING, enc.sharedTopic(), label, w);
            runConsumer(ConsumerVariant.PLAIN_PLAINTEXT_TOPIC, plain.sharedTopic(), label, w);
            stack.deleteTopics(plain.sharedTopic(), enc.sharedTopic());
            long total = jit.getTotalCompilationTime();
            double added = (total - before) / (double) Math.max(1, total);
            log(String.format(Locale.ROOT, "warm-up pass %d: plaintext %.0f ev/s, encryptor %.0f ev/s; JIT compiled for %d ms"
                    + " (%.0f%% of its total so far)", pass, plain.rates().steady(), enc.rates().steady(), total - before, added * 100));
            before = total;
            if (pass >= 2 && added < JIT_SETTLED) {
                break;
            }
        }
    }

    private int maxWarmupPasses() {
        return settings.quick() ? 3 : 6;
    }

    // ---- (a) and (c): topologies over pre-loaded ingest events

    enum Variant { PLAINTEXT, ENCRYPTOR, SEED }

    /** Rates as in {@link Window}. */
    record TopologyRun(String sharedTopic, double seconds, Rates rates, long keyringGenerateDataKey) {}

    private TopologyRun runTopology(Variant v, String ingest, String label, int count) throws Exception {
        String name = v.name().toLowerCase(Locale.ROOT);
        String shared = "bench." + label + "." + name + ".shared";
        String dlq = "bench." + label + "." + name + ".dead-letter";
        stack.createTopics(base.topics().partitions(), shared);
        stack.createTopics(1, dlq);
        Governance g = withTopics(base, ingest, shared, dlq);
        String appId = "bench-" + label + "-" + name;
        Map<TopicPartition, Long> ends = GroupProgress.endOffsets(stack.admin(), ingest);
        System.gc();
        long t0 = System.nanoTime();
        RunningApp app;
        BenchApps.Measured measured = null;
        switch (v) {
            case PLAINTEXT -> app = apps.plaintext(g, appId);
            case SEED -> app = apps.seed(g, appId);
            default -> {
                measured = apps.encryptor(g, appId);
                app = measured.app();
            }
        }
        Window window;
        try {
            window = measure(app, t0, count, () -> committed(appId, ends));
        } finally {
            app.close();
        }
        stack.deleteTopics(dlq);
        log("  " + label + " " + name + ": " + window.breakdown());
        return new TopologyRun(shared, window.wholeRunSeconds(), new Rates(window.steadyRate(count), window.wholeRunRate(count), window.cpuMicrosPerRecord(count)),
                measured == null ? 0 : measured.kmsCalls().get().generateDataKey());
    }

    private boolean committed(String group, Map<TopicPartition, Long> ends) {
        try {
            var offsets = stack.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            for (var e : ends.entrySet()) {
                var c = offsets.get(e.getKey());
                if (e.getValue() > 0 && (c == null || c.offset() < e.getValue())) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            return false;
        }
    }

    /**
     * Polls until {@code app} has processed {@code count} records and {@code done} holds, noting when it passed each
     * milestone of {@link Window}.
     */
    private static Window measure(RunningApp app, long t0, long count, BooleanSupplier done) throws InterruptedException {
        long deadline = t0 + RUN_TIMEOUT.toNanos();
        long low = Math.round(count * 0.1);
        long high = Math.round(count * 0.9);
        long first = 0;
        long at10 = 0;
        long at90 = 0;
        long all = 0;
        long cpu10 = 0;
        long cpu90 = 0;
        while (true) {
            long now = System.nanoTime();
            long p = app.progress();
            if (first == 0 && p > 0) {
                first = now;
            }
            if (at10 == 0 && p >= low) {
                at10 = now;
                cpu10 = processCpuNanos();
            }
            if (at90 == 0 && p >= high) {
                at90 = now;
                cpu90 = processCpuNanos();
            }
            if (all == 0 && p >= count) {
                all = now;
            }
            if (p >= count && done.getAsBoolean()) {
                return new Window(t0, first, at10, at90, all, System.nanoTime(), cpu10, cpu90);
            }
            if (app.failure().isPresent()) {
                throw new IllegalStateException("the app under measurement failed", app.failure().get());
            }
            if (now > deadline) {
                throw new IllegalStateException("timed out after " + RUN_TIMEOUT + " with " + p + " of " + count + " records processed");
            }
            Thread.sleep(p >= count ? 5 : 1); // polling interval
        }
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    private Seed runSeed() throws Exception {
        int m = settings.seedEvents();
        String ingest = "bench.seed.ingest";
        stack.createTopics(INGEST_PARTITIONS, ingest);
        events.preload(stack.bootstrap(), ingest, m);
        log("the seed's way over " + m + " events (an ESDK client, an ECDSA P-384 signature and a GenerateDataKey per event)");
        long before = stack.kmsCalls().get(base.owner(), "GenerateDataKey");
        TopologyRun run = runTopology(Variant.SEED, ingest, "seed", m);
        long gdk = stack.kmsCalls().get(base.owner(), "GenerateDataKey") - before;
        stack.deleteTopics(run.sharedTopic(), ingest);
        return new Seed(m, run.seconds(), run.rates().steady(), run.rates().wholeRun(), gdk);
    }

    // ---- (b): consumers over the same shared-topic data

    enum ConsumerVariant { PLAIN_ENVELOPES, DECRYPTING, PLAIN_PLAINTEXT_TOPIC }

    /** Input records per second (the department's and others'), as in {@link Window}; done when the last is handled. */
    private Rates runConsumer(ConsumerVariant v, String topic, String label, int count) throws Exception {
        String appId = "bench-" + label + "-consumer-" + v.name().toLowerCase(Locale.ROOT).replace('_', '-');
        AtomicLong delivered = new AtomicLong();
        Delivery d = (ts, bytes) -> delivered.incrementAndGet();
        System.gc();
        long t0 = System.nanoTime();
        RunningApp app = v == ConsumerVariant.DECRYPTING
                ? apps.departmentConsumer(withTopics(base, base.topics().ingest(), topic, base.topics().deadLetter()),
                        reader, department, appId, d).app()
                : apps.plainConsumer(topic, department, appId, d);
        Window window;
        try {
            window = measure(app, t0, count, () -> true);
        } finally {
            app.close();
        }
        log("  " + label + " consumer " + v.name().toLowerCase(Locale.ROOT) + ": " + window.breakdown());
        int expected = events.countFor(department, count);
        if (delivered.get() != expected) {
            throw new IllegalStateException(v + " delivered " + delivered.get() + " " + department + " events, expected " + expected);
        }
        return new Rates(window.steadyRate(count), window.wholeRunRate(count), window.cpuMicrosPerRecord(count));
    }

    /** Steady and whole-run rates of one run, and the process CPU it took per record (steady window). */
    record Rates(double steady, double wholeRun, double cpuMicrosPerRecord) {}

    // ---- latency at a fixed offered load

    private Latency latency(boolean encrypted) throws Exception {
        String path = encrypted ? "encrypted" : "plaintext";
        int rate = settings.latencyRate();
        int total = rate * settings.latencySeconds();
        String ingest = "bench.latency." + path + ".ingest";
        String shared = "bench.latency." + path + ".shared";
        String dlq = "bench.latency." + path + ".dead-letter";
        stack.createTopics(INGEST_PARTITIONS, ingest);
        stack.createTopics(base.topics().partitions(), shared);
        stack.createTopics(1, dlq);
        Governance g = withTopics(base, ingest, shared, dlq);
        LatencyRecorder recorder = new LatencyRecorder(total);
        List<RunningApp> running = new ArrayList<>();
        log("latency, " + path + " path: " + rate + " events/s for " + settings.latencySeconds() + " s");
        try {
            running.add(encrypted ? apps.encryptor(g, "bench-latency-encryptor").app() : apps.plaintext(g, "bench-latency-passthrough"));
            for (Governance.Department dep : g.departments()) {
                String appId = "bench-latency-" + path + "-" + dep.name();
                running.add(encrypted
                        ? apps.departmentConsumer(g, dep.readers().get(0), dep.name(), appId, recorder).app()
                        : apps.plainConsumer(shared, dep.name(), appId, recorder));
            }
            for (RunningApp app : running) {
                if (!app.awaitRunning(Duration.ofSeconds(60))) {
                    throw new IllegalStateException("latency run: an app did not reach RUNNING within 60 s");
                }
            }
            long start = offerLoad(ingest, rate, total);
            GroupProgress.await(() -> recorder.count() >= total, Duration.ofSeconds(120),
                    "all " + total + " latency events to be delivered",
                    () -> running.stream().anyMatch(a -> a.failure().isPresent()));
            return recorder.summary(path, rate, settings.latencySeconds(), start + LATENCY_WARMUP.toMillis());
        } finally {
            running.forEach(RunningApp::close);
            stack.deleteTopics(ingest, shared, dlq);
        }
    }

    /** Sends {@code total} events at {@code rate}/s, each stamped with its send time; returns the first send time (ms). */
    private long offerLoad(String topic, int rate, int total) {
        try (KafkaProducer<byte[], byte[]> p = IngestEvents.producer(stack.bootstrap(), Map.of(ProducerConfig.LINGER_MS_CONFIG, 0))) {
            long startNanos = System.nanoTime();
            long startMillis = System.currentTimeMillis();
            long interval = TimeUnit.SECONDS.toNanos(1) / rate;
            for (int i = 0; i < total; i++) {
                long due = startNanos + i * interval;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait); // pacing the offered load
                }
                p.send(new ProducerRecord<>(topic, null, System.currentTimeMillis(), null, events.event(i)));
            }
            p.flush();
            return startMillis;
        }
    }

    // ---- helpers

    /** Collects both sides' rates, round by round. */
    private static final class PairRounds {
        private final List<Double> baseSteady = new ArrayList<>();
        private final List<Double> candSteady = new ArrayList<>();
        private final List<Double> baseWhole = new ArrayList<>();
        private final List<Double> candWhole = new ArrayList<>();
        private final List<Double> ratios = new ArrayList<>();
        private final List<Double> wholeRatios = new ArrayList<>();
        private final List<Double> baseCpu = new ArrayList<>();
        private final List<Double> candCpu = new ArrayList<>();
        private final List<Double> cpuRatios = new ArrayList<>();

        void add(Rates baseline, Rates candidate) {
            baseSteady.add(baseline.steady());
            candSteady.add(candidate.steady());
            baseWhole.add(baseline.wholeRun());
            candWhole.add(candidate.wholeRun());
            ratios.add(candidate.steady() / baseline.steady());
            wholeRatios.add(candidate.wholeRun() / baseline.wholeRun());
            baseCpu.add(baseline.cpuMicrosPerRecord());
            candCpu.add(candidate.cpuMicrosPerRecord());
            cpuRatios.add(baseline.cpuMicrosPerRecord() / candidate.cpuMicrosPerRecord());
        }

        Pair pair(String description, String baselineName, String candidateName) {
            return new Pair(description, side(baselineName, baseSteady, baseWhole, baseCpu),
                    side(candidateName, candSteady, candWhole, candCpu), round(ratios), Stats.median(ratios),
                    Stats.median(wholeRatios), round(cpuRatios), Stats.median(cpuRatios));
        }

        private static Side side(String name, List<Double> steady, List<Double> whole, List<Double> cpu) {
            double m = Stats.median(steady);
            return new Side(name, round(steady), m, m * IngestEvents.EVENT_BYTES / 1e6, round(whole), Stats.median(whole),
                    round(cpu), Stats.median(cpu));
        }
    }

    private static List<Double> round(List<Double> v) {
        return v.stream().map(x -> Math.round(x * 1000) / 1000.0).toList();
    }

    static Governance withTopics(Governance g, String ingest, String shared, String deadLetter) {
        return new Governance(g.source(), g.account(), g.region(),
                new Governance.Topics(ingest, shared, deadLetter, g.topics().partitions()),
                g.applications(), g.owner(), g.keyAdmins(), g.quarantine(), g.departments());
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private Recording startRecording() throws Exception {
        if (settings.jfr() == null) {
            return null;
        }
        Recording r = new Recording(Configuration.getConfiguration("profile"));
        r.setName("deptcrypt-bench");
        r.start();
        log("recording JFR into " + settings.jfr());
        return r;
    }

    private void stopRecording(Recording r) throws Exception {
        if (r == null) {
            return;
        }
        r.stop();
        Path out = settings.jfr().toAbsolutePath();
        Files.createDirectories(out.getParent());
        r.dump(out);
        r.close();
        log("wrote " + out + " (jfr print --events jdk.ExecutionSample " + out + ")");
    }

    static void log(String message) {
        System.out.println("[pipeline] " + message);
        System.out.flush();
    }
}
