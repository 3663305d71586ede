package io.deptcrypt.devstack;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.governance.EventType;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.function.IntConsumer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Plays the seed's Lambda: random departmental events sent to the SQS ingest queue with SendMessageBatch (10 per
 * call). Every event gets an event id unique to this run and a random marker hidden in its data.
 */
public final class EventGenerator {

    private static final int BATCH = 10;
    private static final int MAX_ATTEMPTS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] CURRENCIES = {"EUR", "USD", "GBP", "CHF"};
    private static final String[] CUSTOMERS = {"Acme Corp", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries"};
    private static final String[] REGIONS = {"EMEA", "AMER", "APAC"};

    private final SqsClient sqs;
    private final String queueUrl;
    private final List<String> departments;
    private final Random random;
    private final String runId;
    private int sequence;

    /**
     * @param departments the departments to draw from (governance order)
     * @param random      source of randomness for event contents; markers always come from a {@link SecureRandom}
     */
    public EventGenerator(SqsClient sqs, String queueUrl, List<String> departments, Random random) {
        if (departments.isEmpty()) {
            throw new IllegalArgumentException("the governance file declares no departments to generate events for");
        }
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.departments = List.copyOf(departments);
        this.random = random;
        this.runId = HexFormat.of().formatHex(randomBytes(4));
    }

    /**
     * Creates {@code count} events. The first events cover each department once (so every department has something to
     * read even for small counts); the rest pick a department at random.
     */
    public synchronized List<GeneratedEvent> generate(int count) {
        List<GeneratedEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String department = i < departments.size() ? departments.get(i) : departments.get(random.nextInt(departments.size()));
            events.add(event(department));
        }
        return events;
    }

    /** One event for the given department. */
    public synchronized GeneratedEvent event(String department) {
        String eventId = String.format(Locale.ROOT, "evt-%s-%05d", runId, ++sequence);
        String marker = "DCMK" + HexFormat.of().formatHex(randomBytes(10));
        ObjectNode root = JSON.createObjectNode();
        root.put("department", department);
        root.put("eventId", eventId);
        root.set("data", data(department, marker));
        try {
            return new GeneratedEvent(eventId, department, marker, JSON.writeValueAsString(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a generated event", e);
        }
    }

    /**
     * One event of an event type read by several departments (docs/event-types.md): {@code {"<typeField>": <type>,
     * "eventId": ..., "data": {...}}} with an amount and currency for every audience, and a value at each field rule's
     * pointer (an IBAN at {@code .../iban}, a customer at {@code .../customer}, else a made-up reference).
     *
     * @param typeField the governance's {@code typeField}
     */
    public synchronized GeneratedEvent typed(EventType type, String typeField) {
        String eventId = String.format(Locale.ROOT, "evt-%s-%05d", runId, ++sequence);
        String marker = "DCMK" + HexFormat.of().formatHex(randomBytes(10));
        ObjectNode d = JSON.createObjectNode();
        d.put("dealId", "DEAL-" + (10000 + random.nextInt(90000)));
        d.put("amount", Math.round(random.nextDouble() * 50_000_00) / 100.0);
        d.put("currency", CURRENCIES[random.nextInt(CURRENCIES.length)]);
        for (EventType.FieldRule rule : type.fields()) {
            put(d, rule.pointer(), fieldValue(rule.pointer()));
        }
        d.put("note", type.name() + " for " + String.join(" and ", type.audiences()) + " " + marker);
        ObjectNode root = JSON.createObjectNode();
        root.put(typeField, type.name());
        root.put("eventId", eventId);
        root.set("data", d);
        try {
            return new GeneratedEvent(eventId, type.name(), marker, JSON.writeValueAsString(root), Optional.of(type.name()),
                    type.audiences());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a generated event", e);
        }
    }

    private String fieldValue(String pointer) {
        String leaf = JsonPointer.compile(pointer).last().getMatchingProperty();
        return switch (leaf) {
            case "iban" -> "DE89370400440532" + (100000 + random.nextInt(900000));
            case "customer" -> CUSTOMERS[random.nextInt(CUSTOMERS.length)];
            default -> leaf + "-" + (10000 + random.nextInt(90000));
        };
    }

    /** Puts {@code value} at {@code pointer} (a path of member names), creating the objects on the way. */
    private static void put(ObjectNode data, String pointer, String value) {
        JsonPointer p = JsonPointer.compile(pointer);
        ObjectNode parent = p.head().matches() ? data : data.withObject(p.head());
        parent.put(p.last().getMatchingProperty(), value);
    }

    private ObjectNode data(String department, String marker) {
        ObjectNode d = JSON.createObjectNode();
        switch (department) {
            case "finance" -> {
                String[] kinds = {"invoice.paid", "expense.approved", "payroll.run", "wire.sent"};
                d.put("type", kinds[random.nextInt(kinds.length)]);
                d.put("reference", "INV-" + (10000 + random.nextInt(90000)));
                d.put("amount", Math.round(random.nextDouble() * 50_000_00) / 100.0);
                d.put("currency", CURRENCIES[random.nextInt(CURRENCIES.length)]);
                d.put("iban", "DE89370400440532" + (100000 + random.nextInt(900000)));
            }
            case "sales" -> {
                String[] kinds = {"order.placed", "lead.qualified", "deal.won", "refund.issued"};
                d.put("type", kinds[random.nextInt(kinds.length)]);
                d.put("orderId", "SO-" + (10000 + random.nextInt(90000)));
                d.put("customer", CUSTOMERS[random.nextInt(CUSTOMERS.length)]);
                d.put("region", REGIONS[random.nextInt(REGIONS.length)]);
                d.put("amount", Math.round(random.nextDouble() * 20_000_00) / 100.0);
            }
            default -> {
                d.put("type", department + ".record");
                d.put("value", random.nextInt(1_000_000));
            }
        }
        d.put("note", "confidential to " + department + " " + marker);
        return d;
    }

    /**
     * Sends events with SendMessageBatch, retrying entries SQS reports as failed.
     *
     * @param sent called with the running total after each batch
     * @throws StackException if an entry still fails after {@value #MAX_ATTEMPTS} attempts
     */
    public void send(List<GeneratedEvent> events, IntConsumer sent) {
        sendBodies(events.stream().map(GeneratedEvent::body).toList(), sent);
    }

    /** Sends arbitrary message bodies (e.g. malformed input for the dead-letter path). */
    public void sendBodies(List<String> bodies, IntConsumer sent) {
        int done = 0;
        for (int from = 0; from < bodies.size(); from += BATCH) {
            List<String> batch = bodies.subList(from, Math.min(bodies.size(), from + BATCH));
            List<SendMessageBatchRequestEntry> pending = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                pending.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(batch.get(i)).build());
            }
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                List<SendMessageBatchRequestEntry> entries = pending;
                SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
                if (response.failed().isEmpty()) {
                    break;
                }
                if (attempt == MAX_ATTEMPTS) {
                    BatchResultErrorEntry first = response.failed().get(0);
                    throw new StackException("SQS refused " + response.failed().size() + " message(s) after " + attempt
                            + " attempts: " + first.code() + " " + first.message());
                }
                List<String> failedIds = response.failed().stream().map(BatchResultErrorEntry::id).toList();
                pending = entries.stream().filter(e -> failedIds.contains(e.id())).toList();
            }
            done += batch.size();
            sent.accept(done);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        MarkerRandom.INSTANCE.nextBytes(b);
        return b;
    }

    /** Markers and run ids must not repeat across runs, whatever the content seed. */
    private static final class MarkerRandom {
        static final SecureRandom INSTANCE = new SecureRandom();
    }
}
