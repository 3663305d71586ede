package io.deptcrypt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.devstack.EventGenerator;
import io.deptcrypt.devstack.GeneratedEvent;
import io.deptcrypt.devstack.SealedRecord;
import io.deptcrypt.devstack.TopicReader;
import io.deptcrypt.embedded.EmbeddedSqs;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code deptcrypt up --brokers 3} in a child JVM is SIGKILLed while events flow (no shutdown hook, no clean close: the broker,
 * Connect and the apps die mid-transaction), started again on the same state, and must be ready within
 * {@link #RESTART_LIMIT}, deliver new events exactly once, and stop cleanly on SIGINT.
 */
@Tag("e2e")
class CrashRestartE2ETest {

    /**
     * Measured: median 11.9 s through the launcher (8 trials), 11 s here; 22-25 s before the crash settings, and
     * never after a crash during a commit (docs/devstack.md). Room for a loaded machine.
     */
    static final Duration RESTART_LIMIT = Duration.ofSeconds(30);
    /** Partition keys (FIFO message groups) of the events: each key's order must survive the crash. */
    private static final int KEYS = 16;
    private static final Duration FIRST_START_LIMIT = Duration.ofSeconds(120);
    private static final Pattern ENV_LINE = Pattern.compile("export ([A-Z][A-Z0-9_]*)='((?:[^']|'\\\\'')*)'");
    /** A component's log line (slf4j-simple's format): those belong in devstack.log, never on the console. */
    private static final Pattern LOG_LINE = Pattern.compile("(?m)^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\[");

    @TempDir
    Path work;
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        children.forEach(Process::destroyForcibly);
    }

    @Test
    void aStackKilledWhileEventsFlowRestartsOnItsStateAndDeliversAgain() throws Exception {
        Path state = work.resolve("state");
        Path firstOut = work.resolve("up-1.log");
        Process first = up(state, firstOut);
        awaitOutput(first, firstOut, "stack running", FIRST_START_LIMIT);
        Map<String, String> env = readEnv(state.resolve("endpoints.env"));

        // every event SQS acknowledged before the kill: SQS keeps its messages on disk, so none may be lost
        List<GeneratedEvent> acknowledged = new CopyOnWriteArrayList<>();
        try (SqsClient sqs = sqs(env)) {
            EventGenerator generator = new EventGenerator(sqs, env.get("SQS_QUEUE_URL"), List.of("finance", "sales"), new Random());
            // events flow until the kill: the JVM dies with transactions open or being committed
            AtomicBoolean flowing = new AtomicBoolean(true);
            Thread sender = new Thread(() -> {
                while (flowing.get()) {
                    List<GeneratedEvent> batch = generator.generate(5, KEYS);
                    try {
                        generator.send(batch, n -> { });
                    } catch (RuntimeException sqsGone) { // the kill took SQS down mid-call: not acknowledged
                        return;
                    }
                    acknowledged.addAll(batch);
                }
            }, "crash-test-sender");
            sender.start();
            try {
                awaitOutput(first, firstOut, Pattern.compile("(?s)(=== DECRYPTED MESSAGE ===.*){20}"), Duration.ofSeconds(60));
            } finally {
                first.destroyForcibly(); // SIGKILL
                assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
                flowing.set(false);
                sender.join(30_000);
            }
        }

        Path secondOut = work.resolve("up-2.log");
        long t0 = System.nanoTime();
        Process second = up(state, secondOut);
        awaitOutput(second, secondOut, "stack running", RESTART_LIMIT);
        Duration restart = Duration.ofNanos(System.nanoTime() - t0);
        System.out.printf("restart after SIGKILL: stack running %.1f s after the second JVM was started%n", restart.toNanos() / 1e9);

        env = readEnv(state.resolve("endpoints.env"));
        List<GeneratedEvent> after;
        try (SqsClient sqs = sqs(env)) {
            EventGenerator generator = new EventGenerator(sqs, env.get("SQS_QUEUE_URL"), List.of("finance", "sales"), new Random());
            after = generator.generate(20, KEYS);
            generator.send(after, n -> { });
        }
        for (GeneratedEvent e : after) {
            awaitOutput(second, secondOut, "eventId:      " + e.eventId() + "\n", Duration.ofSeconds(60));
        }
        // No loss across the crash: each event acknowledged before the kill is delivered, before it or after the
        // restart (at least once: the printing sink may repeat what the killed run had printed but not committed).
        assertThat(acknowledged).as("events acknowledged by SQS before the kill").hasSizeGreaterThanOrEqualTo(20);
        E2e.await("every event SQS acknowledged before the kill delivered", Duration.ofSeconds(90), () -> {
            String both = read(firstOut) + read(secondOut);
            return acknowledged.stream().allMatch(e -> both.contains("eventId:      " + e.eventId() + "\n"));
        });
        System.out.printf("acknowledged before the kill: %d events, all delivered%n", acknowledged.size());

        String output = Files.readString(secondOut);
        for (GeneratedEvent e : after) {
            assertThat(output.split(Pattern.quote("eventId:      " + e.eventId() + "\n"), -1)).as("deliveries of %s", e.eventId()).hasSize(2);
        }

        // Exactly once where it counts: the shared topic and each department's sink topic (read_committed), read
        // with the applications' own logins from endpoints.env. The connector is at least once across the kill (SQS
        // gives back what its task had received but not deleted); the encryptor drops the repeats by event id.
        Map<String, String> endpoints = env;
        List<GeneratedEvent> all = new ArrayList<>(acknowledged);
        all.addAll(after);
        Set<String> ids = E2e.ids(all);
        List<String> sharedIds = SealedRecord.readAll(E2e.kafkaLogin(endpoints, "finance-consumer"), "deptcrypt.shared",
                Duration.ofSeconds(60)).stream().map(SealedRecord::eventId).filter(ids::contains).toList();
        Map<String, Long> shared = sharedIds.stream().collect(Collectors.groupingBy(id -> id, Collectors.counting()));
        // Per-key order across the kill, in partition and offset order: each key's events sent before the kill and
        // after the restart, in send order. A message in flight at the kill holds its FIFO group until its visibility
        // timeout ends, also in the restarted ElasticMQ (EmbeddedSqs restores FIFO queues in send order).
        Map<String, String> keyOf = all.stream().collect(Collectors.toMap(GeneratedEvent::eventId,
                e -> e.partitionKey().orElseThrow()));
        Map<String, List<String>> sentByKey = all.stream().collect(Collectors.groupingBy(
                e -> e.partitionKey().orElseThrow(), Collectors.mapping(GeneratedEvent::eventId, Collectors.toList())));
        Map<String, List<String>> sharedByKey = sharedIds.stream().distinct()
                .collect(Collectors.groupingBy(keyOf::get, Collectors.toList()));
        assertThat(sharedByKey).as("event ids per partition key on the shared topic, in offset order").isEqualTo(sentByKey);
        assertThat(shared).as("shared-topic records per event id").hasSize(ids.size())
                .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
        for (String dept : List.of("finance", "sales")) {
            Set<String> expected = all.stream().filter(e -> e.department().equals(dept)).map(GeneratedEvent::eventId)
                    .collect(Collectors.toSet());
            Map<String, Long> sink = new HashMap<>();
            E2e.await(expected.size() + " events on " + dept + ".events", Duration.ofSeconds(60), () -> {
                sink.clear();
                TopicReader.readAll(E2e.kafkaLogin(endpoints, dept + "-consumer"), dept + ".events", Duration.ofSeconds(30))
                        .forEach(r -> {
                            String id = new String(r.key(), StandardCharsets.UTF_8);
                            if (ids.contains(id)) {
                                sink.merge(id, 1L, Long::sum);
                            }
                        });
                return sink.keySet().containsAll(expected);
            });
            assertThat(sink).as("records per event id on %s.events", dept)
                    .isEqualTo(expected.stream().collect(Collectors.toMap(id -> id, id -> 1L)));
        }
        System.out.printf("after the restart: %d events exactly once on the shared topic and on their sink topic%n",
                ids.size());

        // SIGINT (Ctrl-C) stops it cleanly: the shutdown hook stops every component, exit code 130.
        new ProcessBuilder("kill", "-INT", Long.toString(second.pid())).start().waitFor(10, TimeUnit.SECONDS);
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("stopped after SIGINT").isTrue();
        output = Files.readString(secondOut);
        assertThat(second.exitValue()).as(output).isEqualTo(130);
        assertThat(output).contains("stopping...").contains("stopped  kafka broker");
        assertThat(LOG_LINE.matcher(output).find()).as("component log lines on the console:%n%s", output).isFalse();
    }

    /** {@code deptcrypt up} as the launcher runs it (C1, serial GC), from the repository root. */
    private Process up(Path state, Path out) throws IOException {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx768m",
                "-cp", System.getProperty("java.class.path"), "io.deptcrypt.devstack.DeptcryptCommand",
                "up", "--brokers", "3", "--queue", "deptcrypt-crash.fifo", "--state-dir", state.toString());
        Process p = new ProcessBuilder(cmd).directory(E2e.repoRoot().toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        children.add(p);
        return p;
    }

    private static void awaitOutput(Process p, Path out, String text, Duration timeout) throws Exception {
        awaitOutput(p, out, Pattern.compile(Pattern.quote(text)), timeout);
    }

    private static void awaitOutput(Process p, Path out, Pattern pattern, Duration timeout) throws Exception {
        E2e.await(pattern + " in the output of " + out.getFileName(), timeout, () -> {
            String s = read(out);
            if (!p.isAlive() && !pattern.matcher(s).find()) {
                throw new AssertionError("the stack exited (" + p.exitValue() + ") before " + pattern + ":\n" + s);
            }
            return pattern.matcher(s).find();
        });
    }

    private static String read(Path out) {
        try {
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** endpoints.env read line by line, as a tool without a shell would. */
    private static Map<String, String> readEnv(Path file) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            Matcher m = ENV_LINE.matcher(line);
            if (m.matches()) {
                env.put(m.group(1), m.group(2).replace("'\\''", "'"));
            }
        }
        return env;
    }

    private static SqsClient sqs(Map<String, String> env) {
        return SqsClient.builder().endpointOverride(URI.create(env.get("SQS_ENDPOINT"))).region(EmbeddedSqs.REGION)
                .credentialsProvider(EmbeddedSqs.credentials()).build();
    }
}
