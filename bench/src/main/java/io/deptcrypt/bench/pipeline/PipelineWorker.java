package io.deptcrypt.bench.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.bench.LocalKmsClients;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.runtime.KmsSettings;
import io.deptcrypt.topology.DedupeSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * One JVM per measured variant, so each app is compiled by the JIT for itself alone, as in production (a JVM that
 * alternates a dozen different Streams apps keeps deoptimising shared Kafka code and made single runs up to 3x
 * slower). The parent ({@link PipelineSuite}) owns the broker and localkms and sends one JSON command per line on
 * stdin; the worker answers one JSON result per line on stdout. Logs go to stderr.
 *
 * <p>Arguments: {@code <governance file> <bootstrap> <SCRAM broker's bootstrap> <kms endpoint> <state dir>}.
 * Environment: {@value #CREDENTIALS_ENV} = {@code app=accessKeyId:secret;...}, {@value #KEY_ARNS_ENV} =
 * {@code dept=arn;...} and {@value #SCRAM_LOGIN_ENV} = {@code user:password} for the SCRAM broker (kept out of the
 * command line, which other users can read). A command's {@code broker} ({@link BrokerSecurity}) says which broker
 * its apps use.
 */
public final class PipelineWorker implements AppEnvironment {

    static final String CREDENTIALS_ENV = "DEPTCRYPT_BENCH_CREDENTIALS";
    static final String KEY_ARNS_ENV = "DEPTCRYPT_BENCH_KEY_ARNS";
    static final String SCRAM_LOGIN_ENV = "DEPTCRYPT_BENCH_KAFKA_SCRAM";
    static final ObjectMapper JSON = new ObjectMapper();

    private final Governance governance;
    private final String bootstrap;
    private final Map<BrokerSecurity, KafkaEndpoint> brokers;
    private final URI kmsEndpoint;
    private final Map<String, String[]> credentials;
    private final Map<String, String> keyArns;
    private final Map<String, String> streamsCommon;
    private final KmsCallCounter kmsCalls = new KmsCallCounter();
    /** Apps left running between "start" and "stop" (the latency run), and what their sinks saw. */
    private final List<RunningApp> running = new ArrayList<>();
    private LatencyRecorder recorder;

    PipelineWorker(Governance governance, KafkaEndpoint plaintext, KafkaEndpoint scram, URI kmsEndpoint, Path stateDir,
                   Map<String, String[]> credentials, Map<String, String> keyArns) {
        this.governance = governance;
        this.bootstrap = plaintext.bootstrap();
        this.brokers = Map.of(BrokerSecurity.PLAINTEXT, plaintext, BrokerSecurity.SCRAM, scram);
        this.kmsEndpoint = kmsEndpoint;
        this.credentials = credentials;
        this.keyArns = keyArns;
        this.streamsCommon = StreamsSettings.common(stateDir);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: PipelineWorker <governance file> <bootstrap> <SCRAM broker's bootstrap> <kms endpoint>"
                    + " <state dir>");
            System.exit(2);
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka.streams.StreamsConfig", "error");
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err); // nothing but protocol lines on the real stdout
        Map<String, String[]> creds = new HashMap<>();
        parsePairs(System.getenv(CREDENTIALS_ENV)).forEach((app, v) -> creds.put(app, v.split(":", 2)));
        String[] scramLogin = String.valueOf(System.getenv(SCRAM_LOGIN_ENV)).split(":", 2);
        if (scramLogin.length != 2) {
            System.err.println("PipelineWorker: " + SCRAM_LOGIN_ENV + " must be user:password");
            System.exit(2);
        }
        KafkaEndpoint plaintext = KafkaEndpoint.plaintext(args[1]);
        KafkaEndpoint scram = KafkaEndpoint.scram(args[2], scramLogin[0], scramLogin[1]);
        PipelineWorker worker = new PipelineWorker(GovernanceLoader.load(Path.of(args[0])), plaintext, scram,
                URI.create(args[3]), Path.of(args[4]), creds, parsePairs(System.getenv(KEY_ARNS_ENV)));
        try (Admin plainAdmin = Admin.create(plaintext.clientProperties());
             Admin scramAdmin = Admin.create(scram.clientProperties());
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            Map<BrokerSecurity, Admin> admins = Map.of(BrokerSecurity.PLAINTEXT, plainAdmin, BrokerSecurity.SCRAM, scramAdmin);
            out.println(JSON.writeValueAsString(Map.of("ok", true, "ready", true)));
            for (String line; (line = in.readLine()) != null; ) {
                JsonNode cmd = JSON.readTree(line);
                if (cmd.path("op").asText().equals("quit")) {
                    break;
                }
                ObjectNode result;
                try {
                    BrokerSecurity broker = BrokerSecurity.valueOf(cmd.path("broker").asText(BrokerSecurity.PLAINTEXT.name()));
                    result = worker.execute(cmd, admins.get(broker));
                } catch (Exception e) {
                    result = JSON.createObjectNode().put("ok", false).put("error", String.valueOf(e));
                    e.printStackTrace();
                }
                out.println(JSON.writeValueAsString(result));
            }
        }
        System.exit(0); // do not wait for lingering client threads
    }

    ObjectNode execute(JsonNode cmd, Admin admin) throws Exception {
        BenchApps apps = new BenchApps(this,
                brokers.get(BrokerSecurity.valueOf(cmd.path("broker").asText(BrokerSecurity.PLAINTEXT.name()))));
        String op = cmd.path("op").asText();
        if (op.equals("start")) {
            return start(cmd, apps);
        }
        if (op.equals("stop")) {
            return stop(cmd);
        }
        String label = cmd.path("label").asText();
        int count = cmd.path("count").asInt();
        long gdkBefore = kmsCalls.get(governance.owner(), "GenerateDataKey");
        String reader = cmd.path("reader").asText(null);
        long decryptBefore = reader == null ? 0 : kmsCalls.get(reader, "Decrypt");
        System.gc();
        long jitBefore = CostSnapshot.take(null).jitMillis();
        Window window;
        long delivered = -1;
        long keyringGdk = 0;
        if (op.equals("topology")) {
            String ingest = cmd.path("ingest").asText();
            Governance g = PipelineSuite.withTopics(governance, ingest, cmd.path("shared").asText(), cmd.path("deadLetter").asText(),
                    cmd.path("keys").asText(governance.topics().keys()));
            String appId = "bench-" + label + "-" + cmd.path("variant").asText().toLowerCase(Locale.ROOT);
            Map<TopicPartition, Long> ends = GroupProgress.endOffsets(admin, ingest);
            long t0 = System.nanoTime();
            BenchApps.Measured m = switch (cmd.path("variant").asText()) {
                case "PLAINTEXT" -> new BenchApps.Measured(apps.plaintext(g, appId), null);
                case "PADDED" -> new BenchApps.Measured(apps.padded(g, appId, cmd.path("padBytes").asInt()), null);
                case "SEED" -> new BenchApps.Measured(apps.seed(g, appId), null);
                case "ENCRYPTOR", "ENCRYPTOR_V1", "ENCRYPTOR_SCRAM" -> apps.encryptor(g, appId, format(cmd));
                case "ENCRYPTOR_NO_DEDUPE" -> apps.encryptor(g, appId, format(cmd), DedupeSettings.OFF);
                default -> throw new IllegalArgumentException("unknown topology variant " + cmd.path("variant"));
            };
            try {
                window = RunMeasurer.measure(m.app(), appId, t0, count, () -> RunMeasurer.committed(admin, appId, ends));
            } finally {
                m.app().close();
            }
            keyringGdk = m.kmsCalls() == null ? 0 : m.kmsCalls().get().generateDataKey();
        } else if (op.equals("consumer")) {
            String topic = cmd.path("topic").asText();
            String department = cmd.path("department").asText();
            String appId = "bench-" + label + "-consumer-" + cmd.path("variant").asText().toLowerCase(Locale.ROOT);
            AtomicLong got = new AtomicLong();
            Delivery d = (ts, bytes) -> got.incrementAndGet();
            long t0 = System.nanoTime();
            RunningApp app = switch (cmd.path("variant").asText()) {
                case "DECRYPTING", "DECRYPTING_V1", "DECRYPTING_SCRAM" -> apps.departmentConsumer(
                        PipelineSuite.withTopics(governance, governance.topics().ingest(), topic, governance.topics().deadLetter(),
                                cmd.path("keys").asText(governance.topics().keys())),
                        reader, department, appId, d).app();
                case "PLAIN_ENVELOPES", "PLAIN_ENVELOPES_V1", "PLAIN_PLAINTEXT_TOPIC" ->
                        apps.plainConsumer(topic, department, appId, d);
                default -> throw new IllegalArgumentException("unknown consumer variant " + cmd.path("variant"));
            };
            try {
                window = RunMeasurer.measure(app, appId, t0, count, () -> true);
            } finally {
                app.close();
            }
            delivered = got.get();
        } else {
            throw new IllegalArgumentException("unknown op " + op);
        }
        ObjectNode r = JSON.createObjectNode();
        r.put("ok", true);
        r.put("jitMillis", CostSnapshot.take(null).jitMillis() - jitBefore);
        r.put("steady", window.steadyRate(count));
        r.put("wholeRun", window.wholeRunRate(count));
        r.put("cpuMicrosPerRecord", window.cpuMicrosPerRecord(count));
        r.put("seconds", window.wholeRunSeconds());
        r.put("appThreadsCpuMicrosPerRecord", window.appThreadsCpuMicrosPerRecord(count));
        r.put("steadyFromMillis", window.at10EpochMillis());
        r.put("steadyToMillis", window.at90EpochMillis());
        r.put("steadyRecords", Math.round(count * 0.9) - Math.round(count * 0.1));
        r.put("breakdown", window.breakdown() + String.format(Locale.ROOT, "; steady window CPU/record: process %.1f us,"
                + " app threads %.1f us; %s", window.cpuMicrosPerRecord(count), window.appThreadsCpuMicrosPerRecord(count), window.gcAndJit()));
        r.put("delivered", delivered);
        r.put("keyringGenerateDataKey", keyringGdk);
        r.put("generateDataKey", kmsCalls.get(governance.owner(), "GenerateDataKey") - gdkBefore);
        r.put("decrypt", reader == null ? 0 : kmsCalls.get(reader, "Decrypt") - decryptBefore);
        return r;
    }

    /**
     * Starts apps that keep running until "stop": one topology ({@code variant} PLAINTEXT or ENCRYPTOR), or one
     * consumer per department ({@code variant} DECRYPTING or PLAIN) recording delivery latency; answers once all run.
     */
    private ObjectNode start(JsonNode cmd, BenchApps apps) throws InterruptedException {
        if (!running.isEmpty()) {
            throw new IllegalStateException("apps are already running; send stop first");
        }
        String label = cmd.path("label").asText();
        String variant = cmd.path("variant").asText();
        Governance g = PipelineSuite.withTopics(governance, cmd.path("ingest").asText(governance.topics().ingest()),
                cmd.path("shared").asText(), cmd.path("deadLetter").asText(governance.topics().deadLetter()),
                cmd.path("keys").asText(governance.topics().keys()));
        switch (variant) {
            case "PLAINTEXT" -> running.add(apps.plaintext(g, "bench-" + label + "-plaintext"));
            case "ENCRYPTOR" -> running.add(apps.encryptor(g, "bench-" + label + "-encryptor", format(cmd)).app());
            case "DECRYPTING", "PLAIN" -> {
                recorder = new LatencyRecorder(cmd.path("capacity").asInt());
                for (Governance.Department d : g.departments()) {
                    String appId = "bench-" + label + "-" + variant.toLowerCase(Locale.ROOT) + "-" + d.name();
                    running.add(variant.equals("DECRYPTING")
                            ? apps.departmentConsumer(g, d.readers().get(0), d.name(), appId, recorder).app()
                            : apps.plainConsumer(g.topics().shared(), d.name(), appId, recorder));
                }
            }
            default -> throw new IllegalArgumentException("unknown variant " + variant);
        }
        for (RunningApp app : running) {
            if (!app.awaitRunning(Duration.ofSeconds(60))) {
                throw new IllegalStateException(variant + " did not reach RUNNING within 60 s");
            }
        }
        return JSON.createObjectNode().put("ok", true);
    }

    /**
     * Stops the running apps; for consumers first waits until {@code expected} events were delivered and answers the
     * latency of those sent at or after {@code fromMillis}.
     */
    private ObjectNode stop(JsonNode cmd) {
        ObjectNode r = JSON.createObjectNode().put("ok", true);
        try {
            if (recorder != null) {
                int expected = cmd.path("expected").asInt();
                GroupProgress.await(() -> recorder.count() >= expected, Duration.ofSeconds(120),
                        "all " + expected + " latency events to be delivered",
                        () -> running.stream().anyMatch(a -> a.failure().isPresent()));
                r.set("latency", JSON.valueToTree(recorder.summary(cmd.path("path").asText(), cmd.path("rate").asInt(),
                        cmd.path("seconds").asInt(), cmd.path("fromMillis").asLong())));
            }
        } finally {
            running.forEach(RunningApp::close);
            running.clear();
            recorder = null;
        }
        return r;
    }

    @Override
    public String bootstrap() {
        return bootstrap;
    }

    @Override
    public Map<String, String> streamsCommon() {
        return streamsCommon;
    }

    @Override
    public KmsClient kmsClient(String application) {
        String[] c = credentialsOf(application);
        return LocalKmsClients.client(kmsEndpoint, governance.region(), c[0], c[1], kmsCalls.interceptor(application));
    }

    @Override
    public KmsSettings kmsSettings(String application) {
        String[] c = credentialsOf(application);
        return new KmsSettings(Optional.of(kmsEndpoint), governance.region(),
                Optional.of(new KmsSettings.StaticCredentials(c[0], c[1], Optional.empty())), Duration.ofSeconds(10));
    }

    @Override
    public String keyArn(String department) {
        String arn = keyArns.get(department);
        if (arn == null) {
            throw new IllegalArgumentException("no key ARN given for department " + department + " in " + KEY_ARNS_ENV);
        }
        return arn;
    }

    @Override
    public KmsCallCounter kmsCalls() {
        return kmsCalls;
    }

    private String[] credentialsOf(String application) {
        String[] c = credentials.get(application);
        if (c == null || c.length != 2) {
            throw new IllegalArgumentException("no credentials given for application " + application + " in " + CREDENTIALS_ENV);
        }
        return c;
    }

    /** The envelope format an encryptor command asks for; the encryptor's default if none. */
    private static EnvelopeFormatId format(JsonNode cmd) {
        return EnvelopeFormatId.valueOf(cmd.path("format").asText(PipelineSuite.DEFAULT_FORMAT.name()));
    }

    /** {@code a=x;b=y} to a map; null or empty to an empty map. */
    static Map<String, String> parsePairs(String text) {
        Map<String, String> m = new HashMap<>();
        if (text == null || text.isEmpty()) {
            return m;
        }
        for (String pair : text.split(";")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected name=value, got a pair without '='");
            }
            m.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return m;
    }
}
