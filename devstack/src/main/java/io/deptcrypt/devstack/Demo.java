package io.deptcrypt.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deptcrypt.crypto.KmsCallCounts;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.EventType;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.runtime.KafkaDataKeyDirectory;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * {@code ./deptcrypt demo}: start the stack, send events through SQS, print what each department's consumer opened,
 * show KMS denying a cross-department read, print a summary, and say whether every event reached exactly its
 * department exactly once. With AES_GCM_V2 it also sends a few events of each governance event type: one record read
 * by several departments, each getting its own fields and the shared ones, and each refused by KMS on the others'.
 */
final class Demo {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    /** Events sent per governance event type (AES_GCM_V2 only), besides the one-department events. */
    static final int TYPED_EVENTS_PER_TYPE = 2;

    private final StackConfig cfg;
    private final Console console;
    private final int eventCount;
    private final Duration timeout;
    private final boolean printEvents;

    Demo(StackConfig cfg, Console console, int eventCount, Duration timeout, boolean printEvents) {
        this.cfg = cfg;
        this.console = console;
        this.eventCount = eventCount;
        this.timeout = timeout;
        this.printEvents = printEvents;
    }

    DemoResult run() {
        long t0 = System.nanoTime();
        Stack stack;
        try {
            stack = Stack.start(cfg, console);
        } catch (RuntimeException e) {
            console.line("");
            console.line("DEMO FAILED: the stack did not start: %s", e.getMessage());
            console.line("(component logs: %s)", cfg.logsDir().resolve("devstack.log"));
            return new DemoResult(0, 0, 0, Map.of(), Map.of(), 0, 0, new DemoResult.KmsCalls(0, 0, 0, 0), Duration.ZERO, elapsed(t0),
                    List.of("the stack did not start: " + e.getMessage()));
        }
        Thread hook = new Thread(stack::close, "deptcrypt-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            DemoResult r = run(stack, t0);
            printSummary(stack, r);
            return r;
        } catch (RuntimeException e) {
            // e.g. Ctrl-C stopped the stack under our feet, or the broker became unreachable
            console.line("");
            console.line("DEMO FAILED: %s", e.getMessage() == null ? e.toString() : e.getMessage());
            return new DemoResult(0, 0, 0, Map.of(), Map.of(), 0, 0, new DemoResult.KmsCalls(0, 0, 0, 0), stack.readyAfter(), elapsed(t0),
                    List.of(String.valueOf(e.getMessage())));
        } finally {
            console.line("");
            console.line("stopping the stack...");
            stack.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // Ctrl-C: the hook is closing the stack
            }
        }
    }

    private DemoResult run(Stack stack, long t0) {
        Governance g = stack.governance();
        Duration ready = stack.readyAfter();
        console.line("");
        console.line("stack ready in %s; endpoints in %s", Console.seconds(ready), cfg.endpointsFile());
        console.line("");

        long auditMark = stack.kmsAudit().mark();
        KmsCallCounts kmsBefore = stack.kmsCalls();
        long runStartMillis = System.currentTimeMillis();
        List<GeneratedEvent> events = new ArrayList<>(stack.generator().generate(eventCount));
        events.addAll(typedEvents(stack));
        Map<String, GeneratedEvent> byId = new LinkedHashMap<>();
        events.forEach(e -> byId.put(e.eventId(), e));

        long sendStart = System.nanoTime();
        stack.generator().send(events, n -> console.progress(String.format("  generator: sent %d/%d events to SQS", n, events.size())));
        console.line("  generator: sent %d events to SQS (SendMessageBatch) in %s", events.size(), Console.seconds(elapsed(sendStart)));

        boolean all = false;
        Optional<String> broken = Optional.empty();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!all && broken.isEmpty() && System.nanoTime() < deadline) {
                all = stack.deliveries().awaitDelivered(byId.keySet(), Duration.ofSeconds(1), n -> console.progress(
                        "  consumers: delivered " + n + "/" + events.size() + " " + perDepartment(stack, byId.keySet())));
                broken = all ? Optional.empty() : stack.failure();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        console.line("  consumers: delivered %d/%d %s after %s", stack.deliveries().deliveredOf(byId.keySet()), events.size(),
                perDepartment(stack, byId.keySet()), Console.seconds(elapsed(sendStart)));

        List<String> problems = new ArrayList<>();
        broken.ifPresent(problems::add);
        if (!all && broken.isEmpty()) {
            problems.add("not every event was delivered within " + timeout.toSeconds() + " s (--timeout)");
        }
        Map<String, List<DeliveryLog.Delivery>> delivered = stack.deliveries().byConsumer(g.departmentNames(), byId.keySet());
        if (printEvents) {
            printDeliveries(stack, delivered);
        }

        // What the topics hold for this run (committed records only).
        // Event id and format come from the value, whatever the format (AES_GCM_V2 has no event id header).
        List<SealedRecord> ofThisRun = SealedRecord.readAll(stack.kafka().adminClientProperties(), g.topics().shared(), READ_TIMEOUT)
                .stream().filter(r -> byId.containsKey(r.eventId())).toList();
        int landed = countIngest(stack, byId.keySet());
        int encrypted = ofThisRun.size();
        Map<String, Integer> encryptedAs = new TreeMap<>();
        ofThisRun.forEach(r -> encryptedAs.merge(r.format().name(), 1, Integer::sum));
        int deadLettered = (int) TopicReader.readAll(stack.kafka().adminClientProperties(), g.topics().deadLetter(), READ_TIMEOUT).stream()
                .filter(r -> r.timestamp() >= runStartMillis).count();

        List<CrossRead> crossReads = crossReads(stack, ofThisRun, byId);
        for (CrossRead c : crossReads) {
            if (!c.denied()) {
                problems.add(c.application() + " tried to open " + c.department() + " event " + c.eventId()
                        + " and it was NOT denied (" + c.outcome() + ": " + c.message() + ")");
            }
        }
        if (crossReads.isEmpty()) {
            problems.add("no record to attempt a cross-department read on");
        }

        problems.addAll(checkExactlyOnce(byId, delivered));
        KmsCallCounts apps = stack.kmsCalls().minus(kmsBefore);
        KmsAudit.Counts audit = stack.kmsAudit().since(auditMark);
        Map<String, Integer> perDept = new LinkedHashMap<>();
        delivered.forEach((d, list) -> perDept.put(d, list.size()));
        return new DemoResult(events.size(), landed, encrypted, encryptedAs, perDept, (int) crossReads.stream().filter(CrossRead::denied).count(),
                deadLettered, new DemoResult.KmsCalls(apps.generateDataKey(), apps.encrypt(), apps.decrypt(), audit.decision("deny")),
                ready, elapsed(t0), problems);
    }

    /**
     * A few events of each governance event type, read by several departments in one record (docs/event-types.md).
     * Only AES_GCM_V2 seals them: the version 1 formats have one department per record and dead-letter typed events
     * (EVENT_TYPES_NEED_AES_GCM_V2), so with those none is sent.
     */
    private List<GeneratedEvent> typedEvents(Stack stack) {
        Governance g = stack.governance();
        if (g.eventTypes().isEmpty()) {
            return List.of();
        }
        EnvelopeFormatId format = stack.envelopeFormat();
        if (format != EnvelopeFormatId.AES_GCM_V2) {
            console.line("  generator: no %s events: the encryptor writes %s, one department per record (event types"
                    + " need AES_GCM_V2)", String.join(", ", g.eventTypeNames()), format);
            return List.of();
        }
        List<GeneratedEvent> typed = new ArrayList<>();
        for (EventType t : g.eventTypes()) {
            for (int i = 0; i < TYPED_EVENTS_PER_TYPE; i++) {
                typed.add(stack.generator().typed(t, g.typeField()));
            }
            console.line("  generator: %d %s events, one record each, read by %s", TYPED_EVENTS_PER_TYPE, t.name(),
                    String.join(" and ", t.audiences()));
        }
        return typed;
    }

    private static String perDepartment(Stack stack, Set<String> ids) {
        Map<String, List<DeliveryLog.Delivery>> m = stack.deliveries().byConsumer(stack.governance().departmentNames(), ids);
        return m.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().size()).collect(Collectors.joining(", ", "(", ")"));
    }

    private void printDeliveries(Stack stack, Map<String, List<DeliveryLog.Delivery>> delivered) {
        for (Map.Entry<String, List<DeliveryLog.Delivery>> e : delivered.entrySet()) {
            String app = stack.consumers().containsKey(e.getKey()) ? stack.consumers().get(e.getKey()).application() : "?";
            console.line("");
            console.line("################ %s consumer (credentials of %s): %d events ################", e.getKey(), app, e.getValue().size());
            console.line("");
            StringBuilder b = new StringBuilder();
            e.getValue().forEach(d -> b.append(d.rendered()));
            console.out().print(b);
            console.out().flush();
        }
    }

    private static int countIngest(Stack stack, Set<String> ids) {
        int n = 0;
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(stack.kafka().adminClientProperties(), stack.governance().topics().ingest(), READ_TIMEOUT)) {
            if (r.value() == null) {
                continue;
            }
            try {
                JsonNode node = JSON.readTree(r.value());
                if (node != null && ids.contains(node.path("eventId").asText())) {
                    n++;
                }
            } catch (IOException notJson) {
                // foreign input on the ingest topic; not one of ours
            }
        }
        return n;
    }

    /** For each department, one of its records of this run, opened with each non-reader consumer's credentials. */
    private List<CrossRead> crossReads(Stack stack, List<SealedRecord> ofThisRun, Map<String, GeneratedEvent> sent) {
        Governance g = stack.governance();
        List<CrossRead> out = new ArrayList<>();
        console.line("");
        console.line("################ cross-department reads (each consumer's own KMS credentials) ################");
        try (KafkaDataKeyDirectory keys = TopicReader.keysDirectory(stack.kafka().adminClientProperties(), g.topics().keys(),
                "deptcrypt-demo-cross-read")) {
            for (Governance.Department d : g.departments()) {
                Optional<SealedRecord> sample = ofThisRun.stream().filter(r -> r.department().equals(d.name())).findFirst();
                if (sample.isEmpty()) {
                    continue;
                }
                for (Stack.Consumer other : stack.consumers().values()) {
                    if (d.readers().contains(other.application())) {
                        continue;
                    }
                    CrossRead c = CrossRead.attempt(stack, other.application(), keys, sample.get());
                    out.add(c);
                    console.line("");
                    console.line("  %s (credentials of the %s consumer) opens %s %s event %s from %s:", other.application(),
                            other.department(), d.name(), sample.get().format(), c.eventId(), g.topics().shared());
                    printCrossRead(c);
                }
            }
            out.addAll(typedCrossReads(stack, keys, ofThisRun, sent));
        }
        return out;
    }

    /**
     * For each event type, one of its records of this run, opened as each audience with the credentials of each other
     * audience's consumer: every audience reads its own parts only, so each is refused by KMS.
     */
    private List<CrossRead> typedCrossReads(Stack stack, KafkaDataKeyDirectory keys, List<SealedRecord> ofThisRun,
                                            Map<String, GeneratedEvent> sent) {
        Governance g = stack.governance();
        List<CrossRead> out = new ArrayList<>();
        for (EventType t : g.eventTypes()) {
            Optional<SealedRecord> sample = ofThisRun.stream()
                    .filter(r -> sent.get(r.eventId()).eventType().filter(t.name()::equals).isPresent()).findFirst();
            if (sample.isEmpty()) {
                continue;
            }
            for (String readAs : t.audiences()) {
                Set<String> readers = Set.copyOf(g.findDepartment(readAs).orElseThrow().readers());
                for (Stack.Consumer other : stack.consumers().values()) {
                    if (other.department().equals(readAs) || !t.audiences().contains(other.department())
                            || readers.contains(other.application())) {
                        continue;
                    }
                    CrossRead c = CrossRead.attempt(stack, other.application(), keys, sample.get(), readAs);
                    out.add(c);
                    console.line("");
                    console.line("  %s (credentials of the %s consumer, an audience too) opens %s %s event %s as %s:",
                            other.application(), other.department(), t.name(), sample.get().format(), c.eventId(), readAs);
                    printCrossRead(c);
                }
            }
        }
        return out;
    }

    private void printCrossRead(CrossRead c) {
        console.line(c.denied() ? "    DENIED by KMS: AccessDeniedException: %s" : "    NOT DENIED (%s): %s",
                c.denied() ? c.message() : c.outcome(), c.denied() ? "" : c.message());
    }

    /**
     * Every event reached exactly its audiences, each exactly once (compared by event id): its department, or for a
     * typed event every audience of its type.
     */
    static List<String> checkExactlyOnce(Map<String, GeneratedEvent> sent, Map<String, List<DeliveryLog.Delivery>> delivered) {
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, Integer>> counts = new HashMap<>(); // eventId -> consumer -> times
        delivered.forEach((consumer, list) -> list.forEach(d ->
                counts.computeIfAbsent(d.eventId(), k -> new HashMap<>()).merge(consumer, 1, Integer::sum)));
        List<String> missing = new ArrayList<>();
        for (GeneratedEvent e : sent.values()) {
            Map<String, Integer> got = counts.getOrDefault(e.eventId(), Map.of());
            for (String audience : e.audiences()) {
                int own = got.getOrDefault(audience, 0);
                if (own == 0) {
                    missing.add(e.eventId() + " (" + e.describe() + (e.eventType().isPresent() ? ", not to " + audience : "") + ")");
                } else if (own > 1) {
                    problems.add(e.eventId() + " (" + e.describe() + ") was delivered " + own + " times to " + audience);
                }
            }
            got.forEach((consumer, n) -> {
                if (!e.audiences().contains(consumer)) {
                    problems.add(e.eventId() + " (" + e.describe() + ") was delivered to the " + consumer + " consumer");
                }
            });
        }
        if (!missing.isEmpty()) {
            problems.add(0, missing.size() + " event(s) never delivered: "
                    + String.join(", ", missing.subList(0, Math.min(10, missing.size()))) + (missing.size() > 10 ? ", ..." : ""));
        }
        Set<String> unknown = new HashSet<>(counts.keySet());
        unknown.removeAll(sent.keySet());
        if (!unknown.isEmpty()) {
            problems.add(unknown.size() + " delivered event id(s) were never sent in this run");
        }
        return problems;
    }

    private void printSummary(Stack stack, DemoResult r) {
        console.line("");
        console.line("################ summary ################");
        console.line("  sent to SQS:                %d", r.sent());
        console.line("  landed in Kafka (%s): %d", stack.governance().topics().ingest(), r.landedInKafka());
        console.line("  encrypted (%s):  %d %s", stack.governance().topics().shared(), r.encrypted(), r.encryptedAs().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ", "(", ")")));
        r.delivered().forEach((d, n) -> console.line("  delivered to %-14s %d", d + ":", n));
        console.line("  cross-reads denied by KMS:  %d", r.crossReadsDenied());
        console.line("  dead-lettered:              %d", r.deadLettered());
        console.line("  KMS calls by the apps:      %d GenerateDataKey, %d Encrypt, %d Decrypt (localkms denied %d call(s))",
                r.kmsCalls().generateDataKey(), r.kmsCalls().encrypt(), r.kmsCalls().decrypt(), r.kmsCalls().denied());
        console.line("  stack ready after:          %s", Console.seconds(r.stackReady()));
        console.line("  elapsed:                    %s", Console.seconds(r.elapsed()));
        console.line("");
        if (r.ok()) {
            console.line("OK: every event reached exactly its department (a typed event: each of its audiences), exactly once;"
                    + " cross-department reads were denied by KMS.");
        } else {
            console.line("DEMO FAILED:");
            r.problems().forEach(p -> console.line("  - %s", p));
        }
    }

    private static Duration elapsed(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
