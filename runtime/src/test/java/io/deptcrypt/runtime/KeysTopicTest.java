package io.deptcrypt.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.crypto.AudienceWrappedKey;
import io.deptcrypt.crypto.DataKeyId;
import io.deptcrypt.crypto.EnvelopeException;
import io.deptcrypt.crypto.EnvelopeHeaders;
import io.deptcrypt.crypto.KeysTopicUnavailableException;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.OpenerConfig;
import io.deptcrypt.crypto.PublishedDataKey;
import io.deptcrypt.crypto.SealContext;
import io.deptcrypt.crypto.Sealer;
import io.deptcrypt.crypto.SealerConfig;
import io.deptcrypt.crypto.WireFormat;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.embedded.EmbeddedKafka;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestGovernance;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keys topic on a real broker: the publisher's acknowledged records, the directory's catch-up and its refusals. */
@Tag("integration")
class KeysTopicTest {

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static Map<String, Object> client() {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    }

    private static void createCompacted(String topic, int partitions) {
        kafka.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))));
    }

    private static PublishedDataKey key(String audience) {
        return PublishedDataKey.create(DataKeyId.random(), WireFormat.Format.AES_GCM_V2, Set.of(audience),
                List.of(new AudienceWrappedKey(audience, "aws-kms", "arn:aws:kms:us-east-1:111122223333:key/k"
                        .getBytes(StandardCharsets.US_ASCII), new byte[184])), 1L, "encryptor");
    }

    @Test
    void aDirectoryStartedLaterReadsEveryPublishedKeyFromTheStart() throws Exception {
        createCompacted("keys.later", 3);
        PublishedDataKey a = key("finance");
        PublishedDataKey b = key("sales");
        try (KafkaDataKeyPublisher p = KafkaDataKeyPublisher.create(client(), "keys.later", Duration.ofSeconds(30))) {
            p.publish(a);
            p.publish(b);
        }
        try (KafkaDataKeyDirectory d = KafkaDataKeyDirectory.start(client(), "keys.later", Duration.ofSeconds(30), "t1")) {
            assertThat(d.awaitLoaded(Duration.ofSeconds(30))).isTrue();
            assertThat(d.size()).isEqualTo(2);
            assertThat(d.find(a.id())).hasValueSatisfying(k -> assertThat(k.sameRecordAs(a)).isTrue());
            assertThat(d.find(b.id()).orElseThrow().audiences()).containsExactly("sales");
        }
    }

    @Test
    void aKeyPublishedAfterTheDirectoryLoadedIsFoundByCatchingUpAndAnUnknownOneIsNot() throws Exception {
        createCompacted("keys.catchup", 1);
        try (KafkaDataKeyDirectory d = KafkaDataKeyDirectory.start(client(), "keys.catchup", Duration.ofSeconds(30), "t2");
             KafkaDataKeyPublisher p = KafkaDataKeyPublisher.create(client(), "keys.catchup", Duration.ofSeconds(30))) {
            assertThat(d.awaitLoaded(Duration.ofSeconds(30))).isTrue();
            PublishedDataKey k = key("finance");
            p.publish(k); // acknowledged: a lookup now must see it, however soon
            assertThat(d.find(k.id())).isPresent();
            assertThat(d.find(DataKeyId.random())).isEmpty(); // read to the end: it is not there
        }
    }

    @Test
    void invalidRecordsAreSkippedAndATombstoneRemovesItsKey() throws Exception {
        createCompacted("keys.invalid", 1);
        PublishedDataKey good = key("finance");
        PublishedDataKey removed = key("finance");
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(client(), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>("keys.invalid", "not-an-id".getBytes(StandardCharsets.UTF_8),
                    "junk".getBytes(StandardCharsets.UTF_8))).get();
            raw.send(new ProducerRecord<>("keys.invalid", DataKeyId.random().bytes(), new byte[] {(byte) 0xDD, 9})).get();
            raw.send(new ProducerRecord<>("keys.invalid", good.key(), good.value())).get();
            raw.send(new ProducerRecord<>("keys.invalid", removed.key(), removed.value())).get();
            raw.send(new ProducerRecord<>("keys.invalid", removed.key(), null)).get();
        }
        try (KafkaDataKeyDirectory d = KafkaDataKeyDirectory.start(client(), "keys.invalid", Duration.ofSeconds(30), "t3")) {
            assertThat(d.find(good.id())).isPresent();
            assertThat(d.find(removed.id())).isEmpty();
            assertThat(d.size()).isEqualTo(1);
        }
    }

    @Test
    void outagesAreRetriable() throws Exception {
        try (KafkaDataKeyDirectory d = KafkaDataKeyDirectory.start(client(), "keys.missing", Duration.ofSeconds(2), "t4")) {
            assertThatThrownBy(() -> d.find(DataKeyId.random())).isInstanceOf(KeysTopicUnavailableException.class)
                    .hasMessageContaining("keys.missing").hasMessageContaining("does not exist");
        }
        Map<String, Object> nowhere = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        try (KafkaDataKeyPublisher p = KafkaDataKeyPublisher.create(nowhere, "keys.nowhere", Duration.ofSeconds(1))) {
            PublishedDataKey k = key("finance");
            assertThatThrownBy(() -> p.publish(k)).isInstanceOf(KeysTopicUnavailableException.class)
                    .hasMessageContaining(k.id().toString()).hasMessageContaining("keys.nowhere");
        }
    }

    /** The whole path: a sealer publishing to the topic, a reader that never saw the key before opening its record. */
    @Test
    void aRecordSealedUnderAPublishedKeyOpensForAReaderStartedAfterIt() throws Exception {
        createCompacted("keys.e2e", 1);
        Governance g = TestGovernance.governance();
        RawAesKeyringProvider keys = RawAesKeyringProvider.generate(g);
        byte[] value;
        RecordHeaders headers = new RecordHeaders();
        try (KafkaDataKeyPublisher p = KafkaDataKeyPublisher.create(client(), "keys.e2e", Duration.ofSeconds(30));
             Sealer sealer = Sealer.create(g, keys, SealerConfig.defaults().withFormat(EnvelopeFormatId.AES_GCM_V2), p)) {
            value = sealer.sealRecord(new SealContext("finance", "e-1", TestGovernance.SHARED, 1L, "text/plain"),
                    "ledger".getBytes(StandardCharsets.UTF_8), headers);
        }
        byte[] audience = EnvelopeHeaders.audience(headers);
        try (KafkaDataKeyDirectory d = KafkaDataKeyDirectory.start(client(), "keys.e2e", Duration.ofSeconds(30), "t5");
             Opener finance = Opener.create(keys.readerFor(g, "finance-consumer"), OpenerConfig.defaults(), d);
             Opener sales = Opener.create(keys.readerFor(g, "sales-consumer"), OpenerConfig.defaults(), d)) {
            assertThat(finance.open(TestGovernance.SHARED, value, "finance", audience).plaintext())
                    .isEqualTo("ledger".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> sales.open(TestGovernance.SHARED, value, "sales", audience))
                    .isInstanceOf(EnvelopeException.class).hasMessageContaining("not for 'sales'");
        }
    }
}
