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
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.IntConsumer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Plays the seed's Lambda: random departmental events sent to the SQS ingest queue with SendMessageBatch (10 per
 * call). Every event gets an event id unique to this run and a random marker hidden in its data.
 *
 * <p>On a FIFO queue (its URL ends in {@code .fifo}) each message's group id is the event's partition key, or its
 * event id when it has none (no order to keep), and its deduplication id is the event id: SQS drops a resent event
 * within its deduplication interval.
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
    private final boolean fifo;
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
        this.fifo = queueUrl.endsWith(StackConfig.FIFO_SUFFIX);
    }

    /**
     * Creates {@code count} events. The first events cover each department once (so every department has something to
     * read even for small counts); the rest pick a department at random.
     */
    public synchronized List<GeneratedEvent> generate(int count) {
        return generate(count, 0);
    }

    /**
     * As {@link #generate(int)}, each event with one of {@code partitionKeys} partition keys ({@code key-0},
     * {@code key-1}, ...) at random; 0: no partition keys.
     */
    public synchronized List<GeneratedEvent> generate(int count, int partitionKeys) {
        if (partitionKeys < 0) {
            throw new IllegalArgumentException("partition keys must be 0 (none) or more, was " + partitionKeys);
        }
        List<GeneratedEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String department = i < departments.size() ? departments.get(i) : departments.get(random.nextInt(departments.size()));
            Optional<String> key = partitionKeys == 0 ? Optional.empty() : Optional.of("key-" + random.nextInt(partitionKeys));
            events.add(event(department, key));
        }
        return events;
    }

    /** One event for the given department. */
    public synchronized GeneratedEvent event(String department) {
        return event(department, Optional.empty());
    }

    /** One event for the given department with this partition key (see {@link GeneratedEvent#partitionKey()}). */
    public synchronized GeneratedEvent event(String department, Optional<String> partitionKey) {
        String eventId = String.format(Locale.ROOT, "evt-%s-%05d", runId, ++sequence);
        String marker = "DCMK" + HexFormat.of().formatHex(randomBytes(10));
        ObjectNode root = JSON.createObjectNode();
        root.put("department", department);
        root.put("eventId", eventId);
        // On a FIFO queue the key travels as the message group id; the encryptor reads it from the connector's header.
        partitionKey.filter(k -> !fifo).ifPresent(k -> root.put("partitionKey", k));
        root.set("data", data(department, marker));
        try {
            return new GeneratedEvent(eventId, department, marker, JSON.writeValueAsString(root), Optional.empty(),
                    new TreeSet<>(Set.of(department)), partitionKey);
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
        sendMessages(events.stream().map(e -> new Message(e.body(), e.partitionKey().orElse(e.eventId()), e.eventId())).toList(),
                sent);
    }

    /**
     * Sends arbitrary message bodies (e.g. malformed input for the dead-letter path); on a FIFO queue each one is its
     * own message group with a fresh deduplication id.
     */
    public void sendBodies(List<String> bodies, IntConsumer sent) {
        sendMessages(bodies.stream().map(b -> {
            String id = UUID.randomUUID().toString();
            return new Message(b, id, id);
        }).toList(), sent);
    }

    /** A message to send; the group and deduplication ids are only used on a FIFO queue. */
    private record Message(String body, String groupId, String deduplicationId) {}

    private void sendMessages(List<Message> messages, IntConsumer sent) {
        int done = 0;
        for (int from = 0; from < messages.size(); from += BATCH) {
            List<Message> batch = messages.subList(from, Math.min(messages.size(), from + BATCH));
            List<SendMessageBatchRequestEntry> pending = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .messageBody(batch.get(i).body());
                if (fifo) {
                    entry.messageGroupId(batch.get(i).groupId()).messageDeduplicationId(batch.get(i).deduplicationId());
                }
                pending.add(entry.build());
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
