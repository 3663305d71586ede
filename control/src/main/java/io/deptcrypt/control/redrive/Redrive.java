package io.deptcrypt.control.redrive;

import io.deptcrypt.crypto.EnvelopeSerde;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.policy.KafkaNames;
import io.deptcrypt.runtime.DeadLetterHeaders;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Re-drives chosen dead letters into the ingest topic, exactly once. The producer is transactional with an id of the
 * application's own ({@code <prefix>-<app>-redrive}), so a second run fences a first one still running; the re-drive
 * log is read after that fencing, and each ingest record is written in one transaction with its log entry.
 */
public final class Redrive {

    /** Header on a re-driven ingest record: where in the dead-letter topic it came from ({@code <partition>@<offset>}). */
    public static final String REDRIVEN_FROM = "deptcrypt.redriven-from";

    /** What one run did (counts and positions; never what the events say). */
    public record Result(int examined, int selected, int alreadyRedriven, int redriven, List<String> positions) {}

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Redrive() {}

    /**
     * @param client      Kafka client properties of {@code application} (the quarantine reader)
     * @param opener      opens the dead letters with the application's own KMS credentials
     * @param dryRun      only say what would be re-driven
     */
    public static Result run(Governance g, Map<String, Object> client, Opener opener, String application,
                             Selection selection, boolean dryRun, Clock clock, PrintWriter out) {
        String dlq = g.topics().deadLetter();
        String log = KafkaNames.redriveLog(g);
        RedriveLog.ensureExists(client, log, (short) 1);

        Map<String, Object> pp = new HashMap<>(client);
        pp.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, KafkaNames.local().applicationId(application) + "-redrive");
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp,
                new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions(); // fences an earlier run before we read what it committed
            Set<String> done = RedriveLog.read(client, log);

            Map<String, Object> cp = new HashMap<>(client);
            cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            int examined = 0;
            int selected = 0;
            int already = 0;
            List<String> redriven = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> tps = RedriveLog.partitions(c.partitionsFor(dlq, TIMEOUT));
                c.assign(tps);
                c.seekToBeginning(tps);
                Map<TopicPartition, Long> end = c.endOffsets(tps, TIMEOUT);
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("could not read " + dlq + " to its end within " + TIMEOUT);
                    }
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                        if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                            continue;
                        }
                        examined++;
                        String position = r.partition() + "@" + r.offset();
                        String reason = DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON).orElse("");
                        Envelope envelope = EnvelopeSerde.fromBytes(r.value());
                        String eventId = String.valueOf(envelope.getEventId());
                        if (!selection.matches(reason, eventId, position)) {
                            continue;
                        }
                        selected++;
                        if (done.contains(position)) {
                            already++;
                            continue;
                        }
                        if (dryRun) {
                            out.println("  would re-drive " + dlq + " " + position + " (" + reason + ", event " + eventId + ")");
                            continue;
                        }
                        byte[] event = opener.open(envelope, dlq);
                        RecordHeaders headers = new RecordHeaders();
                        headers.add(REDRIVEN_FROM, (dlq + "-" + position).getBytes(StandardCharsets.UTF_8));
                        producer.beginTransaction();
                        try {
                            producer.send(new ProducerRecord<>(g.topics().ingest(), null, (String) null, event, headers));
                            producer.send(new ProducerRecord<>(log, position,
                                    RedriveLog.entry(application, clock.instant(), g.topics().ingest())));
                            producer.commitTransaction();
                        } catch (RuntimeException e) {
                            producer.abortTransaction();
                            throw e;
                        }
                        redriven.add(position);
                        out.println("  re-drove " + dlq + " " + position + " (" + reason + ", event " + eventId + ")");
                    }
                }
            }
            out.flush();
            return new Result(examined, selected, already, redriven.size(), List.copyOf(redriven));
        }
    }
}
