package io.deptcrypt.connectors.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.connectors.sqs.SqsSourceConfig.KeyMode;
import io.deptcrypt.connectors.sqs.SqsSourceConfig.ValueFormat;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

class SqsRecordMapperTest {

    static final SqsQueue STD = SqsQueue.of("https://sqs.us-east-1.amazonaws.com/111122223333/orders");
    static final SqsQueue FIFO = SqsQueue.of("https://sqs.us-east-1.amazonaws.com/111122223333/orders.fifo");

    static Message message(boolean fifo, Map<String, MessageAttributeValue> attributes) {
        Map<MessageSystemAttributeName, String> sys = new HashMap<>();
        sys.put(MessageSystemAttributeName.SENT_TIMESTAMP, "1700000000123");
        sys.put(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "2");
        if (fifo) {
            sys.put(MessageSystemAttributeName.MESSAGE_GROUP_ID, "dept-7");
            sys.put(MessageSystemAttributeName.SEQUENCE_NUMBER, "18849496460467696128");
            sys.put(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID, "dedup-1");
        }
        return Message.builder().messageId("mid-1").receiptHandle("SECRET-HANDLE").body("{\"amount\":5}")
                .attributes(sys).messageAttributes(attributes).build();
    }

    static SourceRecord map(SqsRecordMapper mapper, SqsQueue queue, Message m) {
        return mapper.toRecord(new InFlightMessage(queue, m, System.nanoTime()));
    }

    static Object header(SourceRecord r, String key) {
        Header h = r.headers().lastWithName(key);
        return h == null ? null : h.value();
    }

    @Test
    void standardMessage() {
        var mapper = new SqsRecordMapper("ingest", KeyMode.AUTO, null, ValueFormat.STRING, List.of(), "");
        SourceRecord r = map(mapper, STD, message(false, Map.of()));
        assertThat(r.topic()).isEqualTo("ingest");
        assertThat(r.kafkaPartition()).isNull();
        assertThat(r.key()).isEqualTo("mid-1");
        assertThat(r.valueSchema()).isEqualTo(Schema.STRING_SCHEMA);
        assertThat(r.value()).isEqualTo("{\"amount\":5}");
        assertThat(r.timestamp()).isEqualTo(1700000000123L);
        assertThat(header(r, "sqs.message.id")).isEqualTo("mid-1");
        assertThat(header(r, "sqs.queue.url")).isEqualTo(STD.url());
        assertThat(header(r, "sqs.sent.timestamp")).isEqualTo(1700000000123L);
        assertThat(header(r, "sqs.approximate.receive.count")).isEqualTo(2);
        assertThat(header(r, "sqs.message.group.id")).isNull();
        // Offsets identify the message but never carry a receipt handle.
        assertThat(r.sourcePartition()).isEqualTo(Map.of("queue", STD.url()));
        assertThat(r.sourceOffset()).isEqualTo(Map.of("message.id", "mid-1"));
        assertThat(r.toString()).doesNotContain("SECRET-HANDLE");
    }

    @Test
    void fifoMessageIsKeyedByGroupAndCarriesFifoHeaders() {
        var mapper = new SqsRecordMapper("ingest", KeyMode.AUTO, null, ValueFormat.BYTES, List.of(), "");
        SourceRecord r = map(mapper, FIFO, message(true, Map.of()));
        assertThat(r.key()).isEqualTo("dept-7");
        assertThat(r.valueSchema()).isEqualTo(Schema.BYTES_SCHEMA);
        assertThat((byte[]) r.value()).asString().isEqualTo("{\"amount\":5}");
        assertThat(header(r, "sqs.message.group.id")).isEqualTo("dept-7");
        assertThat(header(r, "sqs.sequence.number")).isEqualTo("18849496460467696128");
        assertThat(header(r, "sqs.message.deduplication.id")).isEqualTo("dedup-1");
        assertThat(r.sourceOffset().get("sequence.number")).isEqualTo("18849496460467696128");
    }

    @Test
    void attributesKeepTheirTypes() {
        Map<String, MessageAttributeValue> attrs = Map.of(
                "tenant", MessageAttributeValue.builder().dataType("String").stringValue("acme").build(),
                "json", MessageAttributeValue.builder().dataType("String.json").stringValue("{}").build(),
                "count", MessageAttributeValue.builder().dataType("Number").stringValue("42").build(),
                "price", MessageAttributeValue.builder().dataType("Number.money").stringValue("12.50").build(),
                "huge", MessageAttributeValue.builder().dataType("Number").stringValue("123456789012345678901234567890").build(),
                "blob", MessageAttributeValue.builder().dataType("Binary").binaryValue(SdkBytes.fromByteArray(new byte[]{1, 2, 3})).build(),
                "ignored", MessageAttributeValue.builder().dataType("String").stringValue("x").build());
        var mapper = new SqsRecordMapper("ingest", KeyMode.MESSAGE_ID, null, ValueFormat.STRING,
                List.of("tenant", "json", "count", "price", "huge", "blob"), "a.");
        SourceRecord r = map(mapper, STD, message(false, attrs));
        assertThat(header(r, "a.tenant")).isEqualTo("acme");
        assertThat(header(r, "a.json")).isEqualTo("{}");
        assertThat(header(r, "a.count")).isEqualTo(42L);
        assertThat(r.headers().lastWithName("a.count").schema()).isEqualTo(Schema.INT64_SCHEMA);
        assertThat(header(r, "a.price")).isEqualTo(new BigDecimal("12.50"));
        assertThat(r.headers().lastWithName("a.price").schema().name()).isEqualTo(Decimal.LOGICAL_NAME);
        assertThat(header(r, "a.huge")).isEqualTo(new BigDecimal("123456789012345678901234567890"));
        assertThat((byte[]) header(r, "a.blob")).containsExactly(1, 2, 3);
        assertThat(header(r, "a.ignored")).isNull();
    }

    @Test
    void allAttributesAndAttributeKey() {
        Map<String, MessageAttributeValue> attrs = Map.of(
                "tenant", MessageAttributeValue.builder().dataType("String").stringValue("acme").build(),
                "n", MessageAttributeValue.builder().dataType("Number").stringValue("7").build());
        var mapper = new SqsRecordMapper("ingest", KeyMode.ATTRIBUTE, "tenant", ValueFormat.STRING, List.of("All"), "");
        assertThat(mapper.attributesToReceive()).containsExactly("All");
        SourceRecord r = map(mapper, STD, message(false, attrs));
        assertThat(r.key()).isEqualTo("acme");
        assertThat(header(r, "tenant")).isEqualTo("acme");
        assertThat(header(r, "n")).isEqualTo(7L);

        SourceRecord missing = map(mapper, STD, message(false, Map.of()));
        assertThat(missing.key()).isNull();
    }

    @Test
    void keyAttributeIsReceivedEvenWhenNotAHeader() {
        var mapper = new SqsRecordMapper("ingest", KeyMode.ATTRIBUTE, "tenant", ValueFormat.STRING, List.of("kind"), "");
        assertThat(mapper.attributesToReceive()).containsExactly("kind", "tenant");
        var none = new SqsRecordMapper("ingest", KeyMode.NONE, null, ValueFormat.STRING, List.of(), "");
        assertThat(map(none, FIFO, message(true, Map.of())).key()).isNull();
        var byId = new SqsRecordMapper("ingest", KeyMode.MESSAGE_ID, null, ValueFormat.STRING, List.of(), "");
        assertThat(map(byId, FIFO, message(true, Map.of())).key()).isEqualTo("mid-1");
    }
}
