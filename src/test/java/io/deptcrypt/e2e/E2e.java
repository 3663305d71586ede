package io.deptcrypt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.devstack.Console;
import io.deptcrypt.devstack.DeliveryLog;
import io.deptcrypt.devstack.GeneratedEvent;
import io.deptcrypt.devstack.SealedRecord;
import io.deptcrypt.devstack.Stack;
import io.deptcrypt.devstack.StackConfig;
import io.deptcrypt.governance.Governance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

/** Shared helpers of the end-to-end tests: one whole stack per test class, on free ports and a temporary state dir. */
final class E2e {

    static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern ENV_LINE = Pattern.compile("export ([A-Z][A-Z0-9_]*)='((?:[^']|'\\\\'')*)'");

    private E2e() {}

    /** The repository root: Maven passes it; from an IDE the working directory is used. */
    static Path repoRoot() {
        String root = System.getProperty("deptcrypt.repo.root");
        Path p = Path.of(root != null ? root : System.getProperty("user.dir")).toAbsolutePath();
        assertThat(p.resolve("config/governance.yaml")).as("repository root with config/governance.yaml").exists();
        return p;
    }

    static StackConfig config(Path stateDir) {
        return StackConfig.defaults(stateDir, repoRoot().resolve("config/governance.yaml"));
    }

    /** Starts a stack; its readiness lines go to the test's output. */
    static Stack start(StackConfig cfg) {
        return Stack.start(cfg, new Console(System.out, false));
    }

    /** Sends the events through SQS. */
    static void send(Stack stack, List<GeneratedEvent> events) {
        stack.generator().send(events, n -> { });
    }

    static Set<String> ids(Collection<GeneratedEvent> events) {
        return events.stream().map(GeneratedEvent::eventId).collect(Collectors.toSet());
    }

    /** Waits until every event was delivered to some consumer; fails with the count if not. */
    static void awaitDelivered(Stack stack, Collection<GeneratedEvent> events) throws InterruptedException {
        Set<String> ids = ids(events);
        long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
        boolean all = false;
        while (!all && System.nanoTime() < deadline) {
            all = stack.deliveries().awaitDelivered(ids, Duration.ofSeconds(1), n -> { });
            // An app that stopped on its own will not deliver anything: say why at once.
            assertThat(all ? java.util.Optional.<String>empty() : stack.failure()).as("stack failure").isEmpty();
        }
        assertThat(all).as("all %d events delivered within %s (got %d)", ids.size(), DELIVERY_TIMEOUT,
                stack.deliveries().deliveredOf(ids)).isTrue();
    }

    /** Polls {@code condition} until true or the deadline; fails with {@code what}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            Thread.sleep(100); // polling interval, not synchronisation: the condition decides
        }
    }

    /** Each event reached its own department's consumer exactly once and no other consumer. */
    static void assertExactlyOnceToItsDepartment(Stack stack, Collection<GeneratedEvent> events) {
        Map<String, List<DeliveryLog.Delivery>> byConsumer = stack.deliveries().byConsumer(stack.governance().departmentNames(), ids(events));
        Map<String, Map<String, Integer>> counts = new HashMap<>();
        byConsumer.forEach((consumer, list) -> list.forEach(d -> counts.computeIfAbsent(d.eventId(), k -> new HashMap<>()).merge(consumer, 1, Integer::sum)));
        for (GeneratedEvent e : events) {
            assertThat(counts.get(e.eventId())).as("deliveries of %s (%s)", e.eventId(), e.department()).isEqualTo(Map.of(e.department(), 1));
        }
        for (DeliveryLog.Delivery d : byConsumer.values().stream().flatMap(List::stream).toList()) {
            assertThat(d.department()).as("department of %s opened by the %s consumer", d.eventId(), d.consumer()).isEqualTo(d.consumer());
        }
    }

    /** The shared topic's committed records of the given events, counted by event id (read_committed). */
    static Map<String, Long> sharedCountsById(Stack stack, Set<String> ids) {
        // The event id from the value: AES_GCM_V2 records have no event id header.
        return SealedRecord.readAll(stack.kafka().adminClientProperties(), stack.governance().topics().shared(),
                        Duration.ofSeconds(60)).stream()
                .map(SealedRecord::eventId)
                .filter(ids::contains)
                .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
    }

    /** endpoints.env read line by line, as a tool without a shell would (docs/devstack.md describes the form). */
    static Map<String, String> readEnv(Path file) throws java.io.IOException {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            Matcher m = ENV_LINE.matcher(line);
            if (m.matches()) {
                env.put(m.group(1), m.group(2).replace("'\\''", "'"));
            }
        }
        return env;
    }

    /** A plain Kafka client's settings for an application's login, from endpoints.env's variables only. */
    static Map<String, Object> kafkaLogin(Map<String, String> env, String application) {
        String app = Governance.envName(application);
        Map<String, Object> p = new HashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, env.get("KAFKA_BOOTSTRAP_SERVERS"));
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, env.get("KAFKA_SECURITY_PROTOCOL"));
        p.put(SaslConfigs.SASL_MECHANISM, env.get("KAFKA_SASL_MECHANISM"));
        p.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + env.get(app + "_KAFKA_USERNAME") + "\" password=\"" + env.get(app + "_KAFKA_PASSWORD") + "\";");
        return p;
    }

    /** The partition directories of a topic in the broker's data directory ({@code <topic>-<n>}). */
    static List<Path> partitionDirs(Path dataDir, String topic) throws java.io.IOException {
        try (var s = Files.list(dataDir)) {
            return s.filter(Files::isDirectory)
                    .filter(p -> p.getFileName().toString().matches(java.util.regex.Pattern.quote(topic) + "-\\d+"))
                    .sorted().toList();
        }
    }
}
