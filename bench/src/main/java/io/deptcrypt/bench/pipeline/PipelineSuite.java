package io.deptcrypt.bench.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.deptcrypt.bench.BenchSettings;
import io.deptcrypt.bench.pipeline.PipelineResult.Kms;
import io.deptcrypt.bench.pipeline.PipelineResult.Latency;
import io.deptcrypt.bench.pipeline.PipelineResult.Pair;
import io.deptcrypt.bench.pipeline.PipelineResult.Seed;
import io.deptcrypt.bench.pipeline.PipelineResult.Side;
import io.deptcrypt.crypto.SealerConfig;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.localkms.AccessKey;
import io.deptcrypt.topology.EncryptorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
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
 * The pipeline benchmark: on the embedded brokers and localkms (this JVM), (a) plaintext passthrough vs the encryptor
 * (in its default format and in AES_GCM_V1; and on the SCRAM broker vs the PLAINTEXT one), (b) plain consumer vs the
 * decrypting department consumer (the same three ways), alternating over several rounds; (c) the seed's way; then
 * latency at a fixed offered load. Each measured variant runs in its own worker JVM ({@link PipelineWorker}),
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
    /** The format the encryptor writes unless configured otherwise: what the headline numbers measure. */
    static final EnvelopeFormatId DEFAULT_FORMAT = EnvelopeFormatId.valueOf(EncryptorConfig.ENVELOPE_FORMAT_DEFAULT);

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
    /** What the records on the shared topic are made of, per format (the default first), measured on the warm-up topics. */
    private final List<RecordBytes> recordBytes = new ArrayList<>();

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
        log("starting the embedded brokers (PLAINTEXT and SCRAM) and localkms in " + settings.workDir());
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
        int w = Math.min(n, settings.quick() ? WARMUP_EVENTS : WARMUP_EVENTS_FULL);
        String warmIngest = "bench.warmup.ingest";
        // the same events on both brokers: the SCRAM runs read their own copy
        for (BrokerSecurity b : BrokerSecurity.values()) {
            stack.createTopics(b, INGEST_PARTITIONS, ingest, warmIngest);
            log("pre-loading " + n + " events of " + IngestEvents.EVENT_BYTES + " B on the " + b + " broker");
            events.preload(stack.endpoint(b), ingest, n);
            events.preload(stack.endpoint(b), warmIngest, w);
        }
        startWorkers();

        // Warm up every worker: C2 needs many seconds of hot code on 2 busy cores (a single compilation of a Streams
        // method takes 0.1-1 s here), and a run during which the JIT still compiles pays for it in CPU and throughput.
        // Each new Streams instance compiles some more, so the JIT never goes fully silent; passes go on until compiling
        // takes at most JIT_QUIET of every run (a full run measured rounds at 0.67..1.22x while C2 still compiled for
        // 1-4 s per run, 0.97..1.07x once it was down to 0.2 s), at most --warmup-passes of them.
        int passes = 0;
        double lastJitShare = 1;
        for (int pass = 1; pass <= warmupPasses(); pass++) {
            String label = "warmup" + pass;
            Map<Variant, TopologyRun> runs = new EnumMap<>(Variant.class);
            for (Variant v : ROUND_VARIANTS) {
                if (v == Variant.PADDED && padBytes < 0) {
                    measureRecordBytes(runs);
                }
                runs.put(v, runTopology(v, warmIngest, label, w));
            }
            delete(runs.remove(Variant.PADDED));
            List<Rates> all = new ArrayList<>(runs.values().stream().map(TopologyRun::rates).toList());
            Map<ConsumerVariant, Rates> consumers = new EnumMap<>(ConsumerVariant.class);
            for (ConsumerVariant v : ConsumerVariant.values()) {
                consumers.put(v, runConsumer(v, runs.get(v.source), label, w));
            }
            all.addAll(consumers.values());
            runs.values().forEach(this::delete);
            double jitShare = all.stream().mapToDouble(Rates::jitShare).max().orElse(1);
            log(String.format(Locale.ROOT, "warm-up pass %d/%d (not counted): plaintext %.0f, encryptor %.0f, plain consumer %.0f,"
                    + " decrypting consumer %.0f ev/s; JIT compile time up to %.0f%% of a run's length", pass, warmupPasses(),
                    runs.get(Variant.PLAINTEXT).rates().steady(), runs.get(Variant.ENCRYPTOR).rates().steady(),
                    consumers.get(ConsumerVariant.PLAIN_ENVELOPES).steady(), consumers.get(ConsumerVariant.DECRYPTING).steady(),
                    jitShare * 100));
            passes = pass;
            lastJitShare = jitShare;
            if (pass >= 2 && jitShare <= JIT_QUIET) {
                break;
            }
        }
        String warmup = String.format(Locale.ROOT, "%d passes of %d events per variant, in its worker JVM; JIT compile time"
                + " in the last pass at most %.0f%% of a run (stops at %.0f%%, or after %d passes)", passes, w,
                lastJitShare * 100, JIT_QUIET * 100, warmupPasses());
        for (BrokerSecurity b : BrokerSecurity.values()) {
            stack.deleteTopics(b, warmIngest);
        }

        // (a) plaintext passthrough vs the encryptor (default format, and AES_GCM_V1), alternating; the size-matched
        // passthrough, to split the cost; the encryptor on the SCRAM broker, for what authentication costs
        PairRounds encRounds = new PairRounds();
        PairRounds encV1Rounds = new PairRounds();
        PairRounds sizeRounds = new PairRounds();
        PairRounds encScramRounds = new PairRounds();
        PairRounds dedupeRounds = new PairRounds();
        long gdk = 0;
        long keyringGdk = 0;
        Map<Variant, TopologyRun> last = Map.of();
        for (int r = 1; r <= settings.rounds(); r++) {
            Map<Variant, TopologyRun> runs = new EnumMap<>(Variant.class);
            for (int i = 0; i < ROUND_VARIANTS.size(); i++) {
                Variant v = ROUND_VARIANTS.get((i + r - 1) % ROUND_VARIANTS.size()); // rotate who goes first
                runs.put(v, runTopology(v, ingest, "r" + r, n));
            }
            TopologyRun plain = runs.get(Variant.PLAINTEXT);
            TopologyRun enc = runs.get(Variant.ENCRYPTOR);
            TopologyRun encV1 = runs.get(Variant.ENCRYPTOR_V1);
            TopologyRun encScram = runs.get(Variant.ENCRYPTOR_SCRAM);
            TopologyRun padded = runs.get(Variant.PADDED);
            delete(runs.remove(Variant.PADDED));
            encRounds.add(plain.rates(), enc.rates());
            encV1Rounds.add(plain.rates(), encV1.rates());
            sizeRounds.add(padded.rates(), enc.rates());
            encScramRounds.add(enc.rates(), encScram.rates());
            TopologyRun noDedupe = runs.get(Variant.ENCRYPTOR_NO_DEDUPE);
            dedupeRounds.add(noDedupe.rates(), enc.rates());
            log(String.format(Locale.ROOT, "round %d/%d: encryptor without dedupe %.0f ev/s, with %.0f ev/s, with/without %.3f",
                    r, settings.rounds(), noDedupe.rates().steady(), enc.rates().steady(),
                    enc.rates().steady() / noDedupe.rates().steady()));
            gdk += enc.generateDataKey();
            keyringGdk += enc.keyringGenerateDataKey();
            log(String.format(Locale.ROOT, "round %d/%d: plaintext %.0f ev/s, encryptor (%s) %.0f ev/s, ratio %.3f"
                            + " (whole run: %.0f, %.0f ev/s; app threads CPU %.1f, %.1f us/event); size-matched plaintext %.0f ev/s,"
                            + " encryptor/size-matched %.3f; AES_GCM_V1 encryptor %.0f ev/s, ratio %.3f; encryptor on SCRAM"
                            + " %.0f ev/s, SCRAM/PLAINTEXT %.3f", r, settings.rounds(), plain.rates().steady(), DEFAULT_FORMAT,
                    enc.rates().steady(), enc.rates().steady() / plain.rates().steady(),
                    plain.rates().wholeRun(), enc.rates().wholeRun(), plain.rates().appThreadsCpuMicrosPerRecord(),
                    enc.rates().appThreadsCpuMicrosPerRecord(), padded.rates().steady(),
                    enc.rates().steady() / padded.rates().steady(), encV1.rates().steady(),
                    encV1.rates().steady() / plain.rates().steady(), encScram.rates().steady(),
                    encScram.rates().steady() / enc.rates().steady()));
            last.values().forEach(this::delete);
            last = runs;
        }
        String encName = "encryptor (" + DEFAULT_FORMAT + ")";
        Pair encryptor = encRounds.pair("encryptor topology (" + DEFAULT_FORMAT + ") vs plaintext passthrough, same"
                + " pre-loaded ingest events", "plaintext passthrough", encName);
        Pair encryptorV1 = encV1Rounds.pair("encryptor topology (AES_GCM_V1, self-contained records) vs plaintext"
                + " passthrough, same pre-loaded ingest events", "plaintext passthrough", "encryptor (AES_GCM_V1)");
        Pair encryptorVsSizeMatched = sizeRounds.pair("encryptor vs the passthrough with each value padded by " + padBytes
                        + " B to the encrypted record's size: the crypto work alone, without the envelope's extra bytes",
                "size-matched plaintext passthrough (+" + padBytes + " B)", encName);
        Pair encryptorScram = encScramRounds.pair("encryptor (" + DEFAULT_FORMAT + ") on the SASL/SCRAM-SHA-512 +"
                        + " StandardAuthorizer broker vs on the PLAINTEXT broker: what authentication costs",
                encName + " on PLAINTEXT", encName + " on SCRAM");

        Pair encryptorDedupe = dedupeRounds.pair("encryptor (" + DEFAULT_FORMAT + ") with the ingest dedupe store"
                + " (default) vs without it (dedupe.window.ms=0): what dropping second copies costs",
                encName + ", dedupe off", encName);

        // (b) plain consumer vs decrypting consumer over the same shared-topic data
        PairRounds decRounds = new PairRounds();
        PairRounds decTopicRounds = new PairRounds();
        PairRounds decV1Rounds = new PairRounds();
        PairRounds decScramRounds = new PairRounds();
        long decrypts = 0;
        ConsumerVariant[] order = ConsumerVariant.values();
        for (int r = 1; r <= settings.rounds(); r++) {
            Map<ConsumerVariant, Rates> rates = new EnumMap<>(ConsumerVariant.class);
            for (int i = 0; i < order.length; i++) {
                ConsumerVariant v = order[(i + r - 1) % order.length]; // rotate who goes first
                rates.put(v, runConsumer(v, last.get(v.source), "r" + r, n));
            }
            Rates plainEnv = rates.get(ConsumerVariant.PLAIN_ENVELOPES);
            Rates dec = rates.get(ConsumerVariant.DECRYPTING);
            Rates plainTopic = rates.get(ConsumerVariant.PLAIN_PLAINTEXT_TOPIC);
            Rates decV1 = rates.get(ConsumerVariant.DECRYPTING_V1);
            Rates decScram = rates.get(ConsumerVariant.DECRYPTING_SCRAM);
            decRounds.add(plainEnv, dec);
            decTopicRounds.add(plainTopic, dec);
            decV1Rounds.add(rates.get(ConsumerVariant.PLAIN_ENVELOPES_V1), decV1);
            decScramRounds.add(dec, decScram);
            decrypts += dec.decrypt();
            log(String.format(Locale.ROOT, "round %d/%d: plain consumer %.0f ev/s, decrypting consumer %.0f ev/s, ratio %.3f"
                            + " (app threads CPU %.1f, %.1f us/record; plain consumer of the plaintext topic %.0f ev/s);"
                            + " AES_GCM_V1: plain %.0f, decrypting %.0f ev/s; decrypting on SCRAM %.0f ev/s, SCRAM/PLAINTEXT %.3f",
                    r, settings.rounds(), plainEnv.steady(), dec.steady(), dec.steady() / plainEnv.steady(),
                    plainEnv.appThreadsCpuMicrosPerRecord(), dec.appThreadsCpuMicrosPerRecord(), plainTopic.steady(),
                    rates.get(ConsumerVariant.PLAIN_ENVELOPES_V1).steady(), decV1.steady(), decScram.steady(),
                    decScram.steady() / dec.steady()));
        }
        String decName = "department consumer (" + department + ", opens)";
        Pair consumer = decRounds.pair("decrypting department consumer vs plain consumer, same shared-topic data ("
                        + DEFAULT_FORMAT + "; input records/s, the department's and others')",
                "plain consumer (" + department + ", envelopes not opened)", decName);
        Pair consumerVsPlaintextTopic = decTopicRounds.pair(
                "decrypting consumer of the encrypted topic vs plain consumer of the plaintext passthrough's topic",
                "plain consumer of the plaintext topic", decName);
        Pair consumerV1 = decV1Rounds.pair("decrypting department consumer vs plain consumer over AES_GCM_V1 records",
                "plain consumer (" + department + ", AES_GCM_V1 envelopes not opened)",
                "department consumer (" + department + ", opens AES_GCM_V1)");
        Pair consumerScram = decScramRounds.pair("decrypting department consumer on the SASL/SCRAM-SHA-512 +"
                        + " StandardAuthorizer broker vs on the PLAINTEXT broker: what authentication costs",
                decName + " on PLAINTEXT", decName + " on SCRAM");
        last.values().forEach(this::delete);
        for (BrokerSecurity b : BrokerSecurity.values()) {
            stack.deleteTopics(b, ingest);
        }

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
        shown.put("scram.broker", "SASL_PLAINTEXT SCRAM-SHA-512, StandardAuthorizer, allow.everyone.if.no.acl.found=false;"
                + " every bench client logs in as its super user " + BenchStack.SCRAM_USER + " (no ACLs evaluated)");
        return new PipelineResult(n, IngestEvents.EVENT_BYTES, settings.rounds(), DEFAULT_FORMAT.name(), encryptor,
                encryptorVsSizeMatched, padBytes, recordBytes, encryptorV1, encryptorScram, encryptorDedupe, consumer,
                consumerVsPlaintextTopic, consumerV1, consumerScram, seed, speedup, kms, latency, shown);
    }

    private int warmupPasses() {
        return settings.warmupPasses();
    }

    /** What a record is made of, per format, on the first warm-up pass's topics; sets the size-matched padding. */
    private void measureRecordBytes(Map<Variant, TopologyRun> runs) {
        KafkaEndpoint kafka = stack.endpoint(BrokerSecurity.PLAINTEXT);
        String plaintext = runs.get(Variant.PLAINTEXT).sharedTopic();
        for (Variant v : List.of(Variant.ENCRYPTOR, Variant.ENCRYPTOR_V1)) {
            TopologyRun run = runs.get(v);
            RecordBytes b = RecordBytes.measure(kafka, v.format, run.sharedTopic(), run.keysTopic(), plaintext);
            recordBytes.add(b);
            log(String.format(Locale.ROOT, "record size on the shared topic (key + value + headers), %s: encrypted %.0f B,"
                            + " plaintext %.0f B (value %.0f B); envelope overhead %.0f B per record, wrapped data key %d B"
                            + " (%d B of it in every record; data key record on the keys topic %d B)", v.format,
                    b.encrypted().recordBytes(), b.plaintext().recordBytes(), b.plaintext().valueBytes(),
                    b.envelopeOverheadBytes(), b.wrappedKeyBytes(), b.wrappedKeyBytesPerRecord(), b.dataKeyRecordBytes()));
        }
        padBytes = (int) Math.round(recordBytes.get(0).extraBytesPerRecord());
        log("the size-matched baseline pads each value by " + padBytes + " B (" + DEFAULT_FORMAT + ")");
    }

    // ---- workers

    private void startWorkers() throws IOException {
        Map<String, String> env = Map.of(
                PipelineWorker.CREDENTIALS_ENV, base.applications().stream()
                        .map(a -> {
                            AccessKey k = stack.credentials(a.name());
                            return a.name() + "=" + k.accessKeyId() + ":" + k.secretAccessKey();
                        }).collect(Collectors.joining(";")),
                PipelineWorker.KEY_ARNS_ENV, base.departments().stream()
                        .map(d -> d.name() + "=" + stack.keyArn(d.name())).collect(Collectors.joining(";")),
                PipelineWorker.SCRAM_LOGIN_ENV, stack.endpoint(BrokerSecurity.SCRAM).login().username().orElseThrow() + ":"
                        + stack.endpoint(BrokerSecurity.SCRAM).login().password().orElseThrow());
        List<String> names = List.of("plaintext", "encryptor", "encryptor-v1", "padded", "seed", "plain-consumer",
                "department-consumer", "department-consumer-v1");
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
            workers.put(name, WorkerProcess.start(name, jvm, List.of(settings.governance().toString(),
                    stack.endpoint(BrokerSecurity.PLAINTEXT).bootstrap(), stack.endpoint(BrokerSecurity.SCRAM).bootstrap(),
                    stack.kmsEndpoint().toString(), dir.resolve("streams").toString()), env, dir.resolve("worker.log")));
        }
        if (settings.jfr() != null) {
            log("recording JFR into " + settings.jfr() + "/<worker>.jfr (jfr print --events jdk.ExecutionSample --stack-depth 64 ...)");
        }
    }

    // ---- (a) and (c): topologies over pre-loaded ingest events

    /**
     * A topology run: which worker JVM runs it, the envelope format it writes (null: no encryptor) and the broker.
     * ENCRYPTOR_SCRAM runs in the encryptor's own JVM, so the pair differs in the broker only.
     */
    enum Variant {
        PLAINTEXT("plaintext", null, BrokerSecurity.PLAINTEXT),
        ENCRYPTOR("encryptor", DEFAULT_FORMAT, BrokerSecurity.PLAINTEXT),
        ENCRYPTOR_V1("encryptor-v1", EnvelopeFormatId.AES_GCM_V1, BrokerSecurity.PLAINTEXT),
        ENCRYPTOR_SCRAM("encryptor", DEFAULT_FORMAT, BrokerSecurity.SCRAM),
        /** The encryptor with dedupe.window.ms=0, in the encryptor's JVM: the pair differs in the dedupe store only. */
        ENCRYPTOR_NO_DEDUPE("encryptor", DEFAULT_FORMAT, BrokerSecurity.PLAINTEXT),
        PADDED("padded", null, BrokerSecurity.PLAINTEXT),
        SEED("seed", null, BrokerSecurity.PLAINTEXT);

        final String worker;
        final EnvelopeFormatId format;
        final BrokerSecurity broker;

        Variant(String worker, EnvelopeFormatId format, BrokerSecurity broker) {
            this.worker = worker;
            this.format = format;
            this.broker = broker;
        }
    }

    /** What each round (and warm-up pass) runs; PADDED after the others, since the first pass measures its padding. */
    static final List<Variant> ROUND_VARIANTS = List.of(Variant.PLAINTEXT, Variant.ENCRYPTOR, Variant.ENCRYPTOR_V1,
            Variant.ENCRYPTOR_SCRAM, Variant.ENCRYPTOR_NO_DEDUPE, Variant.PADDED);

    /** One topology run: its topics, rates as in {@link Window}, and the KMS calls it made. */
    record TopologyRun(Variant variant, String sharedTopic, String keysTopic, double seconds, Rates rates,
                       long generateDataKey, long keyringGenerateDataKey) {}

    private TopologyRun runTopology(Variant v, String ingest, String label, int count) {
        String name = v.name().toLowerCase(Locale.ROOT).replace('_', '-');
        String shared = "bench." + label + "." + name + ".shared";
        String dlq = "bench." + label + "." + name + ".dead-letter";
        String keys = "bench." + label + "." + name + ".keys";
        stack.createTopics(v.broker, base.topics().partitions(), shared);
        stack.createTopics(v.broker, 1, dlq);
        if (v.format != null) {
            stack.createKeysTopic(v.broker, keys);
        }
        Map<String, Object> cmd = new LinkedHashMap<>();
        cmd.put("op", "topology");
        cmd.put("variant", v.name());
        cmd.put("broker", v.broker.name());
        cmd.put("label", label);
        cmd.put("ingest", ingest);
        cmd.put("shared", shared);
        cmd.put("deadLetter", dlq);
        cmd.put("keys", keys);
        if (v.format != null) {
            cmd.put("format", v.format.name());
        }
        cmd.put("count", count);
        if (v == Variant.PADDED) {
            cmd.put("padBytes", padBytes);
        }
        JsonNode r = workers.get(v.worker).call(cmd);
        stack.deleteTopics(v.broker, dlq);
        Rates rates = rates(r);
        log(String.format(Locale.ROOT, "  %s %s: %s; broker %.1f us (steady window %d..%d)", label, name,
                r.path("breakdown").asText(), rates.brokerCpuMicrosPerRecord(), r.path("steadyFromMillis").asLong(),
                r.path("steadyToMillis").asLong()));
        return new TopologyRun(v, shared, v.format == null ? null : keys, r.path("seconds").asDouble(), rates,
                r.path("generateDataKey").asLong(), r.path("keyringGenerateDataKey").asLong());
    }

    /** Deletes a run's output topics on its broker. */
    private void delete(TopologyRun run) {
        if (run.keysTopic() == null) {
            stack.deleteTopics(run.variant().broker, run.sharedTopic());
        } else {
            stack.deleteTopics(run.variant().broker, run.sharedTopic(), run.keysTopic());
        }
    }

    private Seed runSeed() {
        int m = settings.seedEvents();
        String ingest = "bench.seed.ingest";
        KafkaEndpoint kafka = stack.endpoint(BrokerSecurity.PLAINTEXT);
        stack.createTopics(INGEST_PARTITIONS, ingest);
        events.preload(kafka, ingest, m);
        int warm = Math.min(m, 50);
        log("the seed's way over " + m + " events (an ESDK client, an ECDSA P-384 signature and a GenerateDataKey per event),"
                + " after " + warm + " warm-up events");
        String warmIngest = "bench.seed.warmup.ingest";
        stack.createTopics(INGEST_PARTITIONS, warmIngest);
        events.preload(kafka, warmIngest, warm);
        stack.deleteTopics(runTopology(Variant.SEED, warmIngest, "seedwarmup", warm).sharedTopic(), warmIngest);
        TopologyRun run = runTopology(Variant.SEED, ingest, "seed", m);
        stack.deleteTopics(run.sharedTopic(), ingest);
        return new Seed(m, run.seconds(), run.rates().steady(), run.rates().wholeRun(), run.generateDataKey());
    }

    // ---- (b): consumers over the same shared-topic data

    /** A consumer run: which worker JVM runs it and whose output ({@code source}, on its broker) it reads. */
    enum ConsumerVariant {
        PLAIN_ENVELOPES("plain-consumer", Variant.ENCRYPTOR),
        DECRYPTING("department-consumer", Variant.ENCRYPTOR),
        PLAIN_PLAINTEXT_TOPIC("plain-consumer", Variant.PLAINTEXT),
        PLAIN_ENVELOPES_V1("plain-consumer", Variant.ENCRYPTOR_V1),
        DECRYPTING_V1("department-consumer-v1", Variant.ENCRYPTOR_V1),
        DECRYPTING_SCRAM("department-consumer", Variant.ENCRYPTOR_SCRAM);

        final String worker;
        final Variant source;

        ConsumerVariant(String worker, Variant source) {
            this.worker = worker;
            this.source = source;
        }
    }

    /** Input records per second (the department's and others'), as in {@link Window}; done when the last is handled. */
    private Rates runConsumer(ConsumerVariant v, TopologyRun source, String label, int count) {
        Map<String, Object> cmd = new LinkedHashMap<>();
        cmd.put("op", "consumer");
        cmd.put("variant", v.name());
        cmd.put("broker", source.variant().broker.name());
        cmd.put("label", label);
        cmd.put("topic", source.sharedTopic());
        if (source.keysTopic() != null) {
            cmd.put("keys", source.keysTopic());
        }
        cmd.put("count", count);
        cmd.put("department", department);
        cmd.put("reader", reader);
        JsonNode r = workers.get(v.worker).call(cmd);
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
        String keys = "bench.latency." + path + ".keys";
        stack.createTopics(INGEST_PARTITIONS, ingest);
        stack.createTopics(base.topics().partitions(), shared);
        stack.createTopics(1, dlq);
        stack.createKeysTopic(BrokerSecurity.PLAINTEXT, keys);
        log("latency, " + path + " path: " + rate + " events/s for " + settings.latencySeconds() + " s");
        WorkerProcess topology = workers.get(encrypted ? "encryptor" : "plaintext");
        WorkerProcess consumers = workers.get(encrypted ? "department-consumer" : "plain-consumer");
        Map<String, Object> start = new LinkedHashMap<>();
        start.put("op", "start");
        start.put("label", "latency-" + path);
        start.put("ingest", ingest);
        start.put("shared", shared);
        start.put("deadLetter", dlq);
        start.put("keys", keys);
        start.put("format", DEFAULT_FORMAT.name());
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
            stack.deleteTopics(ingest, shared, dlq, keys);
        }
    }

    /** Sends {@code total} events at {@code rate}/s, each stamped with its send time; returns the first send time (ms). */
    private long offerLoad(String topic, int rate, int total) {
        try (KafkaProducer<byte[], byte[]> p = IngestEvents.producer(stack.endpoint(BrokerSecurity.PLAINTEXT), Map.of(ProducerConfig.LINGER_MS_CONFIG, 0))) {
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
        return withTopics(g, ingest, shared, deadLetter, g.topics().keys());
    }

    /** {@code g} with the run's own topics; {@code keys} is where an AES_GCM_V2 encryptor publishes its data keys. */
    static Governance withTopics(Governance g, String ingest, String shared, String deadLetter, String keys) {
        return new Governance(g.source(), g.account(), g.region(),
                new Governance.Topics(ingest, shared, deadLetter, g.topics().partitions(), g.topics().governance(), keys),
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
