package io.deptcrypt.bench.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.deptcrypt.bench.BenchSettings;
import io.deptcrypt.bench.pipeline.PipelineResult.Kms;
import io.deptcrypt.bench.pipeline.PipelineResult.Latency;
import io.deptcrypt.bench.pipeline.PipelineResult.Pair;
import io.deptcrypt.bench.pipeline.PipelineResult.Seed;
import io.deptcrypt.bench.pipeline.PipelineResult.Side;
import io.deptcrypt.crypto.SealerConfig;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.localkms.AccessKey;
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
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The pipeline benchmark: on one embedded broker and localkms (this JVM), (a) plaintext passthrough vs the encryptor,
 * (b) plain consumer vs the decrypting department consumer, alternating over several rounds; (c) the seed's way;
 * then latency at a fixed offered load. Each measured variant runs in its own worker JVM ({@link PipelineWorker}),
 * warmed up before the rounds. See docs/performance.md for the method.
 */
public final class PipelineSuite {

    /** One ingest partition, as the spike measured fastest with one stream thread; the shared topic has the governance count. */
    static final int INGEST_PARTITIONS = 1;
    static final int WARMUP_EVENTS = 30_000;
    static final int WARMUP_EVENTS_FULL = 100_000;
    /** Warm-up ends once compiling takes at most this share of every variant's run. */
    static final double JIT_QUIET = 0.25;
    static final Duration LATENCY_WARMUP = Duration.ofSeconds(2);
    static final List<String> WORKER_JVM_ARGS = List.of("-Xms512m", "-Xmx1g");

    private final BenchSettings settings;
    private final Governance base;
    private final BenchStack stack;
    private final IngestEvents events;
    private final String department;
    private final String reader;
    private final Map<String, WorkerProcess> workers = new LinkedHashMap<>();
    /** This JVM's CPU over time: the broker's (and localkms's) share of each worker's steady window. */
    private final CpuTimeline brokerCpu = new CpuTimeline();
    /** Bytes the size-matched baseline adds to each value: encrypted minus plaintext record size, measured once. */
    private int padBytes = -1;
    /** What the records on the shared topic are made of, measured once on the warm-up topics. */
    private RecordBytes recordBytes;

    private PipelineSuite(BenchSettings settings, Governance base, BenchStack stack) {
        this.settings = settings;
        this.base = base;
        this.stack = stack;
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
            PipelineSuite suite = new PipelineSuite(settings, base, stack);
            try {
                return suite.execute();
            } finally {
                suite.workers.values().forEach(WorkerProcess::close);
                suite.brokerCpu.close();
            }
        }
    }

    private PipelineResult execute() throws Exception {
        int n = settings.events();
        String ingest = "bench.ingest";
        stack.createTopics(INGEST_PARTITIONS, ingest);
        log("pre-loading " + n + " events of " + IngestEvents.EVENT_BYTES + " B");
        events.preload(stack.bootstrap(), ingest, n);
        startWorkers();

        int w = Math.min(n, settings.quick() ? WARMUP_EVENTS : WARMUP_EVENTS_FULL);
        String warmIngest = "bench.warmup.ingest";
        stack.createTopics(INGEST_PARTITIONS, warmIngest);
        events.preload(stack.bootstrap(), warmIngest, w);
        // Warm up every worker: C2 needs many seconds of hot code on 2 busy cores (a single compilation of a Streams
        // method takes 0.1-1 s here), and a run during which the JIT still compiles pays for it in CPU and throughput.
        // Each new Streams instance compiles some more, so the JIT never goes fully silent; passes go on until compiling
        // takes at most JIT_QUIET of every run (a full run measured rounds at 0.67..1.22x while C2 still compiled for
        // 1-4 s per run, 0.97..1.07x once it was down to 0.2 s), at most --warmup-passes of them.
        int passes = 0;
        double lastJitShare = 1;
        for (int pass = 1; pass <= warmupPasses(); pass++) {
            String label = "warmup" + pass;
            TopologyRun plain = runTopology(Variant.PLAINTEXT, warmIngest, label, w);
            TopologyRun enc = runTopology(Variant.ENCRYPTOR, warmIngest, label, w);
            if (padBytes < 0) {
                RecordBytes.Sample encSample = RecordBytes.sample(stack.bootstrap(), enc.sharedTopic());
                RecordBytes.Sample plainSample = RecordBytes.sample(stack.bootstrap(), plain.sharedTopic());
                recordBytes = RecordBytes.of(encSample, plainSample, RecordBytes.wrappedKeyBytes(encSample));
                padBytes = (int) Math.round(recordBytes.extraBytesPerRecord());
                log(String.format(Locale.ROOT, "record size on the shared topic (key + value + headers): encrypted %.0f B,"
                        + " plaintext %.0f B (value %.0f B); envelope overhead %.0f B per record, wrapped data key %d B;"
                        + " the size-matched baseline pads each value by %d B", encSample.recordBytes(),
                        plainSample.recordBytes(), plainSample.valueBytes(), recordBytes.envelopeOverheadBytes(),
                        recordBytes.wrappedKeyBytes(), padBytes));
            }
            TopologyRun padded = runTopology(Variant.PADDED, warmIngest, label, w);
            stack.deleteTopics(padded.sharedTopic());
            Rates pc = runConsumer(ConsumerVariant.PLAIN_ENVELOPES, enc.sharedTopic(), label, w);
            Rates dc = runConsumer(ConsumerVariant.DECRYPTING, enc.sharedTopic(), label, w);
            Rates pt = runConsumer(ConsumerVariant.PLAIN_PLAINTEXT_TOPIC, plain.sharedTopic(), label, w);
            stack.deleteTopics(plain.sharedTopic(), enc.sharedTopic());
            double jitShare = List.of(plain.rates(), enc.rates(), padded.rates(), pc, dc, pt).stream()
                    .mapToDouble(Rates::jitShare).max().orElse(1);
            log(String.format(Locale.ROOT, "warm-up pass %d/%d (not counted): plaintext %.0f, encryptor %.0f, plain consumer %.0f,"
                    + " decrypting consumer %.0f ev/s; JIT compile time up to %.0f%% of a run's length", pass, warmupPasses(),
                    plain.rates().steady(), enc.rates().steady(), pc.steady(), dc.steady(), jitShare * 100));
            passes = pass;
            lastJitShare = jitShare;
            if (pass >= 2 && jitShare <= JIT_QUIET) {
                break;
            }
        }
        String warmup = String.format(Locale.ROOT, "%d passes of %d events per variant, in its worker JVM; JIT compile time"
                + " in the last pass at most %.0f%% of a run (stops at %.0f%%, or after %d passes)", passes, w,
                lastJitShare * 100, JIT_QUIET * 100, warmupPasses());
        stack.deleteTopics(warmIngest);

        // (a) plaintext passthrough vs encryptor, alternating; and the size-matched passthrough, to split the cost
        PairRounds encRounds = new PairRounds();
        PairRounds sizeRounds = new PairRounds();
        long gdk = 0;
        long keyringGdk = 0;
        String lastEncTopic = null;
        String lastPlainTopic = null;
        for (int r = 1; r <= settings.rounds(); r++) {
            Map<Variant, TopologyRun> runs = new LinkedHashMap<>();
            Variant[] order = {Variant.PLAINTEXT, Variant.ENCRYPTOR, Variant.PADDED};
            for (int i = 0; i < order.length; i++) {
                Variant v = order[(i + r - 1) % order.length]; // rotate who goes first
                runs.put(v, runTopology(v, ingest, "r" + r, n));
            }
            TopologyRun plain = runs.get(Variant.PLAINTEXT);
            TopologyRun enc = runs.get(Variant.ENCRYPTOR);
            TopologyRun padded = runs.get(Variant.PADDED);
            stack.deleteTopics(padded.sharedTopic());
            encRounds.add(plain.rates(), enc.rates());
            sizeRounds.add(padded.rates(), enc.rates());
            gdk += enc.generateDataKey();
            keyringGdk += enc.keyringGenerateDataKey();
            log(String.format(Locale.ROOT, "round %d/%d: plaintext %.0f ev/s, encryptor %.0f ev/s, ratio %.3f"
                            + " (whole run: %.0f, %.0f ev/s; app threads CPU %.1f, %.1f us/event); size-matched plaintext %.0f ev/s,"
                            + " encryptor/size-matched %.3f", r, settings.rounds(), plain.rates().steady(),
                    enc.rates().steady(), enc.rates().steady() / plain.rates().steady(),
                    plain.rates().wholeRun(), enc.rates().wholeRun(), plain.rates().appThreadsCpuMicrosPerRecord(),
                    enc.rates().appThreadsCpuMicrosPerRecord(), padded.rates().steady(),
                    enc.rates().steady() / padded.rates().steady()));
            if (lastEncTopic != null) {
                stack.deleteTopics(lastEncTopic, lastPlainTopic);
            }
            lastEncTopic = enc.sharedTopic();
            lastPlainTopic = plain.sharedTopic();
        }
        Pair encryptor = encRounds.pair("encryptor topology vs plaintext passthrough, same pre-loaded ingest events",
                "plaintext passthrough", "encryptor (AES_GCM_V1)");
        Pair encryptorVsSizeMatched = sizeRounds.pair("encryptor vs the passthrough with each value padded by " + padBytes
                        + " B to the encrypted record's size: the crypto work alone, without the envelope's extra bytes",
                "size-matched plaintext passthrough (+" + padBytes + " B)", "encryptor (AES_GCM_V1)");

        // (b) plain consumer vs decrypting consumer over the same shared-topic data
        PairRounds decRounds = new PairRounds();
        PairRounds decTopicRounds = new PairRounds();
        long decrypts = 0;
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
            decrypts += dec.decrypt();
            log(String.format(Locale.ROOT, "round %d/%d: plain consumer %.0f ev/s, decrypting consumer %.0f ev/s, ratio %.3f"
                            + " (app threads CPU %.1f, %.1f us/record; plain consumer of the plaintext topic %.0f ev/s)", r, settings.rounds(),
                    plainEnv.steady(), dec.steady(), dec.steady() / plainEnv.steady(), plainEnv.appThreadsCpuMicrosPerRecord(),
                    dec.appThreadsCpuMicrosPerRecord(), plainTopic.steady()));
        }
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
        long perKey = SealerConfig.defaults().maxRecordsPerDataKey();
        for (String d : base.departmentNames()) {
            lifetimes += (long) settings.rounds() * ceilDiv(events.countFor(d, n), perKey);
        }
        long sealed = (long) settings.rounds() * n;
        long opened = (long) settings.rounds() * events.countFor(department, n);
        Kms kms = new Kms(sealed, settings.rounds(), gdk, gdk * 100_000.0 / sealed, lifetimes, gdk / (double) lifetimes,
                opened, decrypts, decrypts * 100_000.0 / opened,
                "requests counted at the apps' KMS clients (SDK interceptor; the encryptor's keyrings reported " + keyringGdk
                        + " GenerateDataKey)");

        // latency at a fixed offered load, in the warm workers
        List<Latency> latency = List.of(latency(true), latency(false));

        Map<String, String> shown = new TreeMap<>(stack.streamsCommon());
        shown.remove("state.dir");
        shown.put("ingest.partitions", Integer.toString(INGEST_PARTITIONS));
        shown.put("shared.partitions", Integer.toString(base.topics().partitions()));
        shown.put("worker.jvm", String.join(" ", WORKER_JVM_ARGS));
        shown.put("warmup", warmup);
        return new PipelineResult(n, IngestEvents.EVENT_BYTES, settings.rounds(), encryptor, encryptorVsSizeMatched, padBytes,
                recordBytes, consumer, consumerVsPlaintextTopic, seed, speedup, kms, latency, shown);
    }

    private int warmupPasses() {
        return settings.warmupPasses();
    }

    // ---- workers

    private void startWorkers() throws java.io.IOException {
        Map<String, String> env = Map.of(
                PipelineWorker.CREDENTIALS_ENV, base.applications().stream()
                        .map(a -> {
                            AccessKey k = stack.credentials(a.name());
                            return a.name() + "=" + k.accessKeyId() + ":" + k.secretAccessKey();
                        }).collect(Collectors.joining(";")),
                PipelineWorker.KEY_ARNS_ENV, base.departments().stream()
                        .map(d -> d.name() + "=" + stack.keyArn(d.name())).collect(Collectors.joining(";")));
        List<String> names = List.of("plaintext", "encryptor", "padded", "seed", "plain-consumer", "department-consumer");
        log("starting one worker JVM per variant: " + names);
        if (settings.jfr() != null) {
            Files.createDirectories(settings.jfr());
        }
        for (String name : names) {
            List<String> jvm = new ArrayList<>(WORKER_JVM_ARGS);
            if (settings.jfr() != null) {
                jvm.add("-XX:StartFlightRecording=filename=" + settings.jfr().resolve(name + ".jfr").toAbsolutePath()
                        + ",settings=" + settings.jfrSettings() + ",dumponexit=true");
            }
            Path dir = settings.workDir().resolve("workers").resolve(name);
            workers.put(name, WorkerProcess.start(name, jvm, List.of(settings.governance().toString(), stack.bootstrap(),
                    stack.kmsEndpoint().toString(), dir.resolve("streams").toString()), env, dir.resolve("worker.log")));
        }
        if (settings.jfr() != null) {
            log("recording JFR into " + settings.jfr() + "/<worker>.jfr (jfr print --events jdk.ExecutionSample --stack-depth 64 ...)");
        }
    }

    // ---- (a) and (c): topologies over pre-loaded ingest events

    enum Variant { PLAINTEXT, ENCRYPTOR, PADDED, SEED }

    /** One topology run: its shared topic, rates as in {@link Window}, and the KMS calls it made. */
    record TopologyRun(String sharedTopic, double seconds, Rates rates, long generateDataKey, long keyringGenerateDataKey) {}

    private TopologyRun runTopology(Variant v, String ingest, String label, int count) {
        String name = v.name().toLowerCase(Locale.ROOT);
        String shared = "bench." + label + "." + name + ".shared";
        String dlq = "bench." + label + "." + name + ".dead-letter";
        stack.createTopics(base.topics().partitions(), shared);
        stack.createTopics(1, dlq);
        WorkerProcess worker = workers.get(switch (v) {
            case PLAINTEXT -> "plaintext";
            case ENCRYPTOR -> "encryptor";
            case PADDED -> "padded";
            case SEED -> "seed";
        });
        Map<String, Object> cmd = new LinkedHashMap<>();
        cmd.put("op", "topology");
        cmd.put("variant", v.name());
        cmd.put("label", label);
        cmd.put("ingest", ingest);
        cmd.put("shared", shared);
        cmd.put("deadLetter", dlq);
        cmd.put("count", count);
        if (v == Variant.PADDED) {
            cmd.put("padBytes", padBytes);
        }
        JsonNode r = worker.call(cmd);
        stack.deleteTopics(dlq);
        Rates rates = rates(r);
        log(String.format(Locale.ROOT, "  %s %s: %s; broker %.1f us (steady window %d..%d)", label, name,
                r.path("breakdown").asText(), rates.brokerCpuMicrosPerRecord(), r.path("steadyFromMillis").asLong(),
                r.path("steadyToMillis").asLong()));
        return new TopologyRun(shared, r.path("seconds").asDouble(), rates, r.path("generateDataKey").asLong(),
                r.path("keyringGenerateDataKey").asLong());
    }

    private Seed runSeed() {
        int m = settings.seedEvents();
        String ingest = "bench.seed.ingest";
        stack.createTopics(INGEST_PARTITIONS, ingest);
        events.preload(stack.bootstrap(), ingest, m);
        int warm = Math.min(m, 50);
        log("the seed's way over " + m + " events (an ESDK client, an ECDSA P-384 signature and a GenerateDataKey per event),"
                + " after " + warm + " warm-up events");
        String warmIngest = "bench.seed.warmup.ingest";
        stack.createTopics(INGEST_PARTITIONS, warmIngest);
        events.preload(stack.bootstrap(), warmIngest, warm);
        stack.deleteTopics(runTopology(Variant.SEED, warmIngest, "seedwarmup", warm).sharedTopic(), warmIngest);
        TopologyRun run = runTopology(Variant.SEED, ingest, "seed", m);
        stack.deleteTopics(run.sharedTopic(), ingest);
        return new Seed(m, run.seconds(), run.rates().steady(), run.rates().wholeRun(), run.generateDataKey());
    }

    // ---- (b): consumers over the same shared-topic data

    enum ConsumerVariant { PLAIN_ENVELOPES, DECRYPTING, PLAIN_PLAINTEXT_TOPIC }

    /** Input records per second (the department's and others'), as in {@link Window}; done when the last is handled. */
    private Rates runConsumer(ConsumerVariant v, String topic, String label, int count) {
        Map<String, Object> cmd = new LinkedHashMap<>();
        cmd.put("op", "consumer");
        cmd.put("variant", v.name());
        cmd.put("label", label);
        cmd.put("topic", topic);
        cmd.put("count", count);
        cmd.put("department", department);
        cmd.put("reader", reader);
        JsonNode r = workers.get(v == ConsumerVariant.DECRYPTING ? "department-consumer" : "plain-consumer").call(cmd);
        log(String.format(Locale.ROOT, "  %s consumer %s: %s; broker %.1f us", label, v.name().toLowerCase(Locale.ROOT),
                r.path("breakdown").asText(), rates(r).brokerCpuMicrosPerRecord()));
        int expected = events.countFor(department, count);
        if (r.path("delivered").asLong() != expected) {
            throw new IllegalStateException(v + " delivered " + r.path("delivered").asLong() + " " + department
                    + " events, expected " + expected);
        }
        return rates(r);
    }


    private Rates rates(JsonNode r) {
        long broker = brokerCpu.cpuNanosBetween(r.path("steadyFromMillis").asLong(), r.path("steadyToMillis").asLong());
        return new Rates(r.path("steady").asDouble(), r.path("wholeRun").asDouble(), r.path("cpuMicrosPerRecord").asDouble(),
                r.path("appThreadsCpuMicrosPerRecord").asDouble(),
                broker < 0 ? Double.NaN : broker / 1e3 / Math.max(1, r.path("steadyRecords").asLong()),
                r.path("decrypt").asLong(),
                r.path("jitMillis").asLong() / 1000.0 / Math.max(1e-3, r.path("seconds").asDouble()));
    }

    /**
     * One run: steady and whole-run rates; over the steady window, the worker JVM's CPU per record (the app alone:
     * the broker runs elsewhere), that of the app's own threads and that of the broker's JVM (this one); the KMS
     * Decrypt calls it made; and the JIT's compile time relative to the run's length.
     */
    record Rates(double steady, double wholeRun, double cpuMicrosPerRecord, double appThreadsCpuMicrosPerRecord,
                 double brokerCpuMicrosPerRecord, long decrypt, double jitShare) {}

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
        log("latency, " + path + " path: " + rate + " events/s for " + settings.latencySeconds() + " s");
        WorkerProcess topology = workers.get(encrypted ? "encryptor" : "plaintext");
        WorkerProcess consumers = workers.get(encrypted ? "department-consumer" : "plain-consumer");
        Map<String, Object> start = new LinkedHashMap<>();
        start.put("op", "start");
        start.put("label", "latency-" + path);
        start.put("ingest", ingest);
        start.put("shared", shared);
        start.put("deadLetter", dlq);
        start.put("capacity", total);
        start.put("variant", encrypted ? "DECRYPTING" : "PLAIN");
        consumers.call(start);
        try {
            start.put("variant", encrypted ? "ENCRYPTOR" : "PLAINTEXT");
            topology.call(start);
            long from = offerLoad(ingest, rate, total) + LATENCY_WARMUP.toMillis();
            Map<String, Object> stop = new LinkedHashMap<>();
            stop.put("op", "stop");
            stop.put("expected", total);
            stop.put("path", path);
            stop.put("rate", rate);
            stop.put("seconds", settings.latencySeconds());
            stop.put("fromMillis", from);
            JsonNode l = consumers.call(stop).path("latency");
            return new Latency(path, rate, settings.latencySeconds(), l.path("delivered").asLong(), l.path("measured").asLong(),
                    l.path("p50Millis").asDouble(), l.path("p99Millis").asDouble(), l.path("maxMillis").asDouble());
        } finally {
            topology.call(Map.of("op", "stop"));
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
        private final List<Double> baseBroker = new ArrayList<>();
        private final List<Double> candBroker = new ArrayList<>();

        void add(Rates baseline, Rates candidate) {
            baseSteady.add(baseline.steady());
            candSteady.add(candidate.steady());
            baseWhole.add(baseline.wholeRun());
            candWhole.add(candidate.wholeRun());
            ratios.add(candidate.steady() / baseline.steady());
            wholeRatios.add(candidate.wholeRun() / baseline.wholeRun());
            baseCpu.add(baseline.appThreadsCpuMicrosPerRecord());
            candCpu.add(candidate.appThreadsCpuMicrosPerRecord());
            cpuRatios.add(baseline.appThreadsCpuMicrosPerRecord() / candidate.appThreadsCpuMicrosPerRecord());
            baseBroker.add(baseline.brokerCpuMicrosPerRecord());
            candBroker.add(candidate.brokerCpuMicrosPerRecord());
        }

        Pair pair(String description, String baselineName, String candidateName) {
            return new Pair(description, side(baselineName, baseSteady, baseWhole, baseCpu, baseBroker),
                    side(candidateName, candSteady, candWhole, candCpu, candBroker), round(ratios), Stats.median(ratios),
                    Stats.median(wholeRatios), round(cpuRatios), Stats.median(cpuRatios));
        }

        private static Side side(String name, List<Double> steady, List<Double> whole, List<Double> cpu, List<Double> broker) {
            double m = Stats.median(steady);
            return new Side(name, round(steady), m, m * IngestEvents.EVENT_BYTES / 1e6, round(whole), Stats.median(whole),
                    round(cpu), Stats.median(cpu), round(broker), Stats.median(broker));
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

    static void log(String message) {
        System.out.println("[pipeline] " + message);
        System.out.flush();
    }
}
