package io.deptcrypt.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deptcrypt.crypto.EnvelopeSerde;
import io.deptcrypt.crypto.KmsKeyringProvider;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.OpenerConfig;
import io.deptcrypt.crypto.WireFormat;
import io.deptcrypt.devstack.CrossRead;
import io.deptcrypt.devstack.DeliveryLog;
import io.deptcrypt.devstack.GeneratedEvent;
import io.deptcrypt.devstack.SealedRecord;
import io.deptcrypt.devstack.Stack;
import io.deptcrypt.devstack.TopicReader;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.policy.KafkaAccess;
import io.deptcrypt.policy.KafkaNames;
import io.deptcrypt.policy.KafkaOperation;
import io.deptcrypt.policy.KafkaPermission;
import io.deptcrypt.runtime.DeadLetterHeaders;
import io.deptcrypt.runtime.KafkaDataKeyDirectory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The happy path and bad input on one whole stack: SQS → Connect → ingest → encryptor → shared topic → department
 * consumers, with KMS (localkms) deciding who opens what.
 */
@Tag("e2e")
class DeliveryE2ETest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path state;
    static Stack stack;

    @BeforeAll
    static void startStack() {
        stack = E2e.start(E2e.config(state));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void eventsSentToSqsAreOpenedByExactlyTheirDepartmentOnceAndACrossDepartmentReadIsDenied() throws Exception {
        List<GeneratedEvent> events = stack.generator().generate(60);
        E2e.send(stack, events);
        E2e.awaitDelivered(stack, events);

        E2e.assertExactlyOnceToItsDepartment(stack, events);
        Map<String, GeneratedEvent> byId = new LinkedHashMap<>();
        events.forEach(e -> byId.put(e.eventId(), e));
        for (DeliveryLog.Delivery d : stack.deliveries().byConsumer(stack.governance().departmentNames(), byId.keySet())
                .values().stream().flatMap(List::stream).toList()) {
            // What the consumer opened is the event's data, byte for byte what was sent.
            JsonNode sentData = JSON.readTree(byId.get(d.eventId()).body()).get("data");
            assertThat(JSON.readTree(d.plaintext())).as("opened data of %s", d.eventId()).isEqualTo(sentData);
        }
        assertThat(E2e.sharedCountsById(stack, byId.keySet())).as("shared topic records per event id (read_committed)")
                .hasSize(events.size()).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));

        // Every department's record, tried with every other consumer's credentials: KMS says no.
        List<SealedRecord> ofThisRun = SealedRecord.readAll(stack.kafka().adminClientProperties(),
                stack.governance().topics().shared(), Duration.ofSeconds(30)).stream()
                .filter(r -> byId.containsKey(r.eventId())).toList();
        assertThat(ofThisRun).as("this run's shared records are in the shipped format (config/topology.properties)")
                .hasSize(events.size()).allSatisfy(r -> assertThat(r.format()).isEqualTo(WireFormat.Format.AES_GCM_V2));
        Governance g = stack.governance();
        int attempts = 0;
        try (KafkaDataKeyDirectory keys = TopicReader.keysDirectory(stack.kafka().adminClientProperties(), g.topics().keys(),
                "delivery-e2e-cross-read")) {
            for (Governance.Department dept : g.departments()) {
                SealedRecord rec = ofThisRun.stream().filter(r -> r.department().equals(dept.name())).findFirst().orElseThrow();
                // AES_GCM_V2 records have no key (the partition comes from the event id); version 1: the department.
                assertThat(rec.record().key()).as("record key").isEqualTo(rec.format().version() == WireFormat.Version.V2
                        ? null : dept.name().getBytes(StandardCharsets.UTF_8));
                attempts += crossReadEveryDepartment(g, keys, dept, rec);
            }
        }
        assertThat(attempts).as("cross-department attempts").isEqualTo(g.departments().size() * (g.departments().size() - 1));
    }

    /** {@code rec} opened with the credentials of each department's reader: its own open it, the others are denied. */
    private static int crossReadEveryDepartment(Governance g, KafkaDataKeyDirectory keys, Governance.Department dept,
            SealedRecord rec) {
        int attempts = 0;
        for (Governance.Department other : g.departments()) {
            String app = other.readers().get(0);
            CrossRead attempt = CrossRead.attempt(stack, app, keys, rec);
            if (dept.readers().contains(app)) {
                assertThat(attempt.outcome()).as("%s opening its own %s record", app, dept.name()).isEqualTo(CrossRead.Outcome.OPENED);
            } else {
                attempts++;
                assertThat(attempt.outcome()).as("%s opening a %s record: %s", app, dept.name(), attempt.message())
                        .isEqualTo(CrossRead.Outcome.DENIED);
                assertThat(attempt.message()).contains("not authorized to perform: kms:Decrypt")
                        .contains(g.application(app).role());
            }
        }
        return attempts;
    }

    @Test
    void malformedSqsMessagesEndSealedInTheDeadLetterTopicWithTheirReasonAndHoldNothingUp() throws Exception {
        Map<String, String> reasonByMarker = new LinkedHashMap<>();
        Map<String, String> bodies = new LinkedHashMap<>();
        malformed(bodies, reasonByMarker, "NOT_JSON", m -> "this is not json " + m);
        malformed(bodies, reasonByMarker, "NOT_OBJECT", m -> "[\"finance\", \"" + m + "\"]");
        malformed(bodies, reasonByMarker, "UNKNOWN_DEPARTMENT", m -> "{\"department\":\"marketing\",\"data\":{\"note\":\"" + m + "\"}}");
        malformed(bodies, reasonByMarker, "MISSING_DEPARTMENT", m -> "{\"data\":{\"note\":\"" + m + "\"}}");
        malformed(bodies, reasonByMarker, "EMPTY_DATA", m -> "{\"department\":\"finance\",\"data\":{},\"eventId\":\"" + m + "\"}");
        malformed(bodies, reasonByMarker, "UNEXPECTED_FIELD", m -> "{\"department\":\"sales\",\"data\":{\"a\":1},\"extra\":\"" + m + "\"}");

        // Good events before and after the bad ones: none of them may wait behind the bad ones.
        List<GeneratedEvent> before = stack.generator().generate(15);
        List<GeneratedEvent> after = stack.generator().generate(15);
        List<String> all = new ArrayList<>();
        before.forEach(e -> all.add(e.body()));
        all.addAll(bodies.values());
        after.forEach(e -> all.add(e.body()));
        long start = System.currentTimeMillis() - 1_000;
        stack.generator().sendBodies(all, n -> { });

        List<GeneratedEvent> good = new ArrayList<>(before);
        good.addAll(after);
        E2e.awaitDelivered(stack, good);
        E2e.assertExactlyOnceToItsDepartment(stack, good);

        // The dead-letter records are sealed under the quarantine key: only its reader (the security auditor) opens them.
        String auditor = stack.governance().quarantine().readers().get(0);
        Map<String, String> reasonFound = new LinkedHashMap<>();
        Map<String, ConsumerRecord<byte[], byte[]>> recordFound = new LinkedHashMap<>();
        try (KmsClient kms = stack.kmsClientAs(auditor)) {
            Opener opener = Opener.create(new KmsKeyringProvider(kms, stack.governance()), OpenerConfig.defaults());
            E2e.await("all " + bodies.size() + " malformed messages in the dead-letter topic", Duration.ofSeconds(60), () -> {
                for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(stack.kafka().adminClientProperties(),
                        stack.governance().topics().deadLetter(), Duration.ofSeconds(30))) {
                    if (r.timestamp() < start) {
                        continue;
                    }
                    String opened = new String(opener.open(EnvelopeSerde.fromBytes(r.value()), stack.governance().topics().deadLetter()),
                            StandardCharsets.UTF_8);
                    for (String marker : bodies.keySet()) {
                        if (opened.contains(marker)) {
                            assertThat(opened).as("the sealed dead-letter record holds the original message").isEqualTo(bodies.get(marker));
                            reasonFound.put(marker, DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON).orElse("(no reason)"));
                            recordFound.put(marker, r);
                        }
                    }
                }
                return reasonFound.keySet().containsAll(bodies.keySet());
            });
        }
        assertThat(reasonFound).as("reason header per malformed message").isEqualTo(reasonByMarker);
        for (Map.Entry<String, ConsumerRecord<byte[], byte[]>> e : recordFound.entrySet()) {
            ConsumerRecord<byte[], byte[]> r = e.getValue();
            assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.SOURCE_TOPIC)).contains(stack.governance().topics().ingest());
            assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.MESSAGE)).isPresent();
            assertThat(new String(r.value(), StandardCharsets.ISO_8859_1)).as("dead-letter value in clear").doesNotContain(e.getKey());
            for (Header h : r.headers()) {
                assertThat(new String(h.value(), StandardCharsets.ISO_8859_1)).as("header " + h.key()).doesNotContain(e.getKey());
            }
        }
        // A department reader cannot open quarantined input either.
        SealedRecord quarantined = SealedRecord.of(recordFound.values().iterator().next()).orElseThrow();
        assertThat(quarantined.format().version()).as("dead letters are always self-contained").isEqualTo(WireFormat.Version.V1);
        String salesReader = stack.governance().department("sales").readers().get(0);
        try (KafkaDataKeyDirectory keys = TopicReader.keysDirectory(stack.kafka().adminClientProperties(),
                stack.governance().topics().keys(), "delivery-e2e-quarantine-read")) {
            assertThat(CrossRead.attempt(stack, salesReader, keys, quarantined).outcome()).isEqualTo(CrossRead.Outcome.DENIED);
        }
    }

    @Test
    void noPlaintextOfAnyEventInTheBrokersSegmentFilesOfTheSharedAndDeadLetterTopics() throws Exception {
        List<GeneratedEvent> events = stack.generator().generate(40);
        Map<String, String> bad = new LinkedHashMap<>();
        malformed(bad, new LinkedHashMap<>(), "NOT_JSON", m -> "broken " + m);
        malformed(bad, new LinkedHashMap<>(), "UNKNOWN_DEPARTMENT", m -> "{\"department\":\"hr\",\"data\":\"" + m + "\"}");
        List<String> bodies = new ArrayList<>(events.stream().map(GeneratedEvent::body).toList());
        bodies.addAll(bad.values());
        long deadLetterBefore = TopicReader.readAll(stack.kafka().adminClientProperties(), stack.governance().topics().deadLetter(),
                Duration.ofSeconds(30)).size();
        stack.generator().sendBodies(bodies, n -> { });
        E2e.awaitDelivered(stack, events);
        E2e.await("the malformed messages dead-lettered", Duration.ofSeconds(60), () -> TopicReader.readAll(
                stack.kafka().adminClientProperties(), stack.governance().topics().deadLetter(), Duration.ofSeconds(30)).size()
                >= deadLetterBefore + bad.size());

        Set<String> markers = new HashSet<>(bad.keySet());
        events.forEach(e -> markers.add(e.marker()));
        Governance.Topics topics = stack.governance().topics();
        Path data = stack.kafka().dataDir();

        // The scan works: the ingest topic holds plaintext by design, so every marker is found there.
        List<Path> ingest = E2e.partitionDirs(data, topics.ingest());
        assertThat(ingest).isNotEmpty();
        assertThat(PlaintextScan.find(ingest, markers).keySet()).as("markers found in the ingest topic's segments")
                .containsExactlyInAnyOrderElementsOf(markers);

        List<Path> sealed = new ArrayList<>(E2e.partitionDirs(data, topics.shared()));
        sealed.addAll(E2e.partitionDirs(data, topics.deadLetter()));
        assertThat(sealed).hasSize(topics.partitions() + 1);
        // The keys topic holds the wrapped data keys AES_GCM_V2 records refer to: nothing in clear there either. The
        // scan sees its records: the data key ids of this run's records are in its files.
        List<Path> keys = E2e.partitionDirs(data, topics.keys());
        Set<String> dataKeyIds = new HashSet<>();
        SealedRecord.readAll(stack.kafka().adminClientProperties(), topics.shared(), Duration.ofSeconds(30)).stream()
                .filter(r -> E2e.ids(events).contains(r.eventId()))
                .forEach(r -> r.fields().dataKeys().forEach(id -> dataKeyIds.add(new String(id.bytes(), StandardCharsets.ISO_8859_1))));
        assertThat(dataKeyIds).as("data keys of this run's AES_GCM_V2 records").isNotEmpty();
        assertThat(PlaintextScan.find(keys, dataKeyIds).keySet()).as("data key ids found in the keys topic's files")
                .containsExactlyInAnyOrderElementsOf(dataKeyIds);
        sealed.addAll(keys);
        assertThat(PlaintextScan.find(sealed, markers)).as("plaintext in the shared, dead-letter or keys topic's files")
                .isEmpty();

        // Nor anywhere else the stack keeps state (other topics, Connect and Streams state, localkms, logs). The
        // local SQS store holds the messages as sent, like the SQS queue itself and the ingest topic; each department's
        // sink topic holds what its consumers opened, for its readers.
        Path sqsStore = stack.config().sqsDir();
        List<Path> sinks = new ArrayList<>();
        for (String department : stack.governance().departmentNames()) {
            sinks.addAll(E2e.partitionDirs(data, stack.sinkTopic(department)));
        }
        assertThat(sinks).as("the departments' sink topic partitions").isNotEmpty();
        Map<String, TreeSet<Path>> elsewhere = PlaintextScan.find(List.of(state), markers);
        elsewhere.values().forEach(files -> files.removeIf(f -> f.startsWith(sqsStore)
                || ingest.stream().anyMatch(f::startsWith) || sinks.stream().anyMatch(f::startsWith)));
        elsewhere.values().removeIf(TreeSet::isEmpty);
        assertThat(elsewhere).as("plaintext outside the SQS store, the ingest topic and the departments' sink topics").isEmpty();
    }

    /**
     * The broker as any client meets it, with the logins of the written endpoints.env only: no login or a wrong
     * password is refused, each application's login gets its own topics and no other.
     */
    @Test
    void theBrokerRefusesStrangersAndEachApplicationsLoginGetsOnlyItsOwnTopics() throws Exception {
        Map<String, String> env = E2e.readEnv(stack.config().endpointsFile());
        Governance.Topics topics = stack.governance().topics();
        assertThat(env).containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT").containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");

        // No login: the SASL listener answers nothing but the handshake, so not even the topic names come back.
        Map<String, Object> anonymous = new HashMap<>(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, env.get("KAFKA_BOOTSTRAP_SERVERS"),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000));
        try (Admin admin = Admin.create(anonymous)) {
            assertThatThrownBy(() -> admin.listTopics().names().get()).hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }
        Map<String, Object> wrong = E2e.kafkaLogin(env, "finance-consumer");
        wrong.put(SaslConfigs.SASL_JAAS_CONFIG, ((String) wrong.get(SaslConfigs.SASL_JAAS_CONFIG))
                .replace(env.get("FINANCE_CONSUMER_KAFKA_PASSWORD"), "not-the-password"));
        assertThatThrownBy(() -> TopicReader.readAll(wrong, topics.shared(), Duration.ofSeconds(10)))
                .isInstanceOf(SaslAuthenticationException.class);

        // A department reader cannot forge a record on the shared topic: refused, and it never lands.
        String forged = "forged-" + java.util.UUID.randomUUID();
        Map<String, Object> reader = E2e.kafkaLogin(env, "finance-consumer");
        reader.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        reader.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        reader.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(reader, new ByteArraySerializer(), new ByteArraySerializer())) {
            assertThatThrownBy(() -> p.send(new ProducerRecord<>(topics.shared(), "finance".getBytes(StandardCharsets.UTF_8),
                    forged.getBytes(StandardCharsets.UTF_8))).get()).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        // It reads the shared topic (its allowed path) and finds no forged record there.
        assertThat(TopicReader.readAll(E2e.kafkaLogin(env, "finance-consumer"), topics.shared(), Duration.ofSeconds(30)))
                .as("records on the shared topic").noneMatch(r -> new String(r.value(), StandardCharsets.UTF_8).equals(forged));

        // No reader consumes the ingest topic (the events in clear); the connector's login reads no sealed topic.
        List<String> readers = new ArrayList<>();
        stack.governance().departments().forEach(d -> readers.addAll(d.readers()));
        readers.addAll(stack.governance().quarantine().readers());
        for (String app : readers) {
            assertThatThrownBy(() -> TopicReader.readAll(E2e.kafkaLogin(env, app), topics.ingest(), Duration.ofSeconds(10)))
                    .as("%s reading %s", app, topics.ingest()).isInstanceOf(TopicAuthorizationException.class);
        }
        for (String topic : List.of(topics.shared(), topics.deadLetter())) {
            assertThatThrownBy(() -> TopicReader.readAll(E2e.kafkaLogin(env, "sqs-connector"), topic, Duration.ofSeconds(10)))
                    .as("sqs-connector reading %s", topic).isInstanceOf(TopicAuthorizationException.class);
        }

        // The whole read side of the matrix: every application's login on every governance topic of the running
        // stack reads exactly where the access matrix (the one the MSK IAM policies come from) says it may.
        KafkaAccess access = KafkaAccess.of(stack.governance(), KafkaNames.local());
        Map<String, Boolean> expected = new TreeMap<>();
        Map<String, Boolean> actual = new TreeMap<>();
        List<String> governed = List.of(topics.ingest(), topics.shared(), topics.deadLetter(), topics.keys(), topics.governance());
        for (Governance.Application app : stack.governance().applications()) {
            Map<String, Object> c = E2e.kafkaLogin(env, app.name());
            c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                for (String topic : governed) {
                    expected.put(app.name() + " reads " + topic, access.allows(app.name(), KafkaPermission.Type.TOPIC, topic, KafkaOperation.READ));
                    actual.put(app.name() + " reads " + topic, canRead(consumer, topic));
                }
            }
        }
        assertThat(actual).as("who reads which topic on the running broker").isEqualTo(expected);
        assertThat(expected).as("the matrix allows some reads and refuses others").containsValues(true, false);
    }

    /** Fetches from every partition of the topic: true if the broker serves it, false if it refuses the topic. */
    private static boolean canRead(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(consumer::position);
            // A fetch needs READ (position needed only DESCRIBE); a refusal comes back as soon as the broker answers.
            consumer.poll(Duration.ofSeconds(1));
            return true;
        } catch (TopicAuthorizationException e) {
            return false;
        } finally {
            consumer.unsubscribe();
        }
    }

    private static void malformed(Map<String, String> bodies, Map<String, String> reasons, String reason,
                                  java.util.function.Function<String, String> body) {
        String marker = "DCMK" + java.util.UUID.randomUUID().toString().replace("-", "");
        bodies.put(marker, body.apply(marker));
        reasons.put(marker, reason);
    }
}
