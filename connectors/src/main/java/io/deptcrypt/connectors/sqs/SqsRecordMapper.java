package io.deptcrypt.connectors.sqs;

import io.deptcrypt.connectors.sqs.SqsSourceConfig.KeyMode;
import io.deptcrypt.connectors.sqs.SqsSourceConfig.ValueFormat;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Headers;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** Maps an SQS message to a Kafka Connect source record: value = body, key per config, SQS facts as headers. */
public final class SqsRecordMapper {

    public static final String HEADER_MESSAGE_ID = "sqs.message.id";
    public static final String HEADER_QUEUE_URL = "sqs.queue.url";
    public static final String HEADER_SENT_TIMESTAMP = "sqs.sent.timestamp";
    public static final String HEADER_RECEIVE_COUNT = "sqs.approximate.receive.count";
    public static final String HEADER_GROUP_ID = "sqs.message.group.id";
    public static final String HEADER_SEQUENCE_NUMBER = "sqs.sequence.number";
    public static final String HEADER_DEDUPLICATION_ID = "sqs.message.deduplication.id";

    /** Source partition key: the queue URL. Offsets carry the message id only, never a receipt handle. */
    public static final String PARTITION_QUEUE = "queue";
    public static final String OFFSET_MESSAGE_ID = "message.id";
    public static final String OFFSET_SEQUENCE_NUMBER = "sequence.number";

    private final String topic;
    private final KeyMode keyMode;
    private final String keyAttribute;
    private final ValueFormat valueFormat;
    private final List<String> attributes;
    private final boolean allAttributes;
    private final String attributePrefix;

    public SqsRecordMapper(String topic, KeyMode keyMode, String keyAttribute, ValueFormat valueFormat,
                           List<String> attributes, String attributePrefix) {
        this.topic = topic;
        this.keyMode = keyMode;
        this.keyAttribute = keyAttribute;
        this.valueFormat = valueFormat;
        this.attributes = List.copyOf(attributes);
        this.allAttributes = attributes.contains(SqsSourceConfig.ALL_ATTRIBUTES);
        this.attributePrefix = attributePrefix == null ? "" : attributePrefix;
    }

    public static SqsRecordMapper of(SqsSourceConfig config) {
        return new SqsRecordMapper(config.topic(), config.keyMode(), config.keyAttribute().orElse(null),
                config.valueFormat(), config.messageAttributes(), config.attributeHeaderPrefix());
    }

    /** Message attribute names to ask ReceiveMessage for ({@code All} or the chosen names, plus the key attribute). */
    public List<String> attributesToReceive() {
        if (allAttributes) {
            return List.of(SqsSourceConfig.ALL_ATTRIBUTES);
        }
        if (keyMode == KeyMode.ATTRIBUTE && keyAttribute != null && !attributes.contains(keyAttribute)) {
            return Stream.concat(attributes.stream(), Stream.of(keyAttribute)).toList();
        }
        return attributes;
    }

    SqsSourceRecord toRecord(InFlightMessage inFlight) {
        SqsQueue queue = inFlight.queue();
        Message m = inFlight.message();
        Map<MessageSystemAttributeName, String> sys = m.attributes();

        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put(OFFSET_MESSAGE_ID, m.messageId());
        String sequence = sys.get(MessageSystemAttributeName.SEQUENCE_NUMBER);
        if (sequence != null) {
            offset.put(OFFSET_SEQUENCE_NUMBER, sequence);
        }

        Headers headers = new ConnectHeaders();
        headers.addString(HEADER_MESSAGE_ID, m.messageId());
        headers.addString(HEADER_QUEUE_URL, queue.url());
        Long sent = parseLong(sys.get(MessageSystemAttributeName.SENT_TIMESTAMP));
        if (sent != null) {
            headers.addLong(HEADER_SENT_TIMESTAMP, sent);
        }
        Long receiveCount = parseLong(sys.get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
        if (receiveCount != null) {
            headers.addInt(HEADER_RECEIVE_COUNT, receiveCount.intValue());
        }
        addIfPresent(headers, HEADER_GROUP_ID, sys.get(MessageSystemAttributeName.MESSAGE_GROUP_ID));
        addIfPresent(headers, HEADER_SEQUENCE_NUMBER, sequence);
        addIfPresent(headers, HEADER_DEDUPLICATION_ID, sys.get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID));
        addAttributeHeaders(headers, m.messageAttributes());

        Object value = valueFormat == ValueFormat.BYTES ? m.body().getBytes(StandardCharsets.UTF_8) : m.body();
        Schema valueSchema = valueFormat == ValueFormat.BYTES ? Schema.BYTES_SCHEMA : Schema.STRING_SCHEMA;
        String key = key(queue, m);
        return new SqsSourceRecord(Map.of(PARTITION_QUEUE, queue.url()), offset, topic,
                Schema.OPTIONAL_STRING_SCHEMA, key, valueSchema, value, sent, headers, inFlight);
    }

    private String key(SqsQueue queue, Message m) {
        return switch (keyMode) {
            case AUTO -> queue.fifo() ? m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID) : m.messageId();
            case MESSAGE_ID -> m.messageId();
            case GROUP_ID -> m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
            case ATTRIBUTE -> attributeAsString(m.messageAttributes().get(keyAttribute));
            case NONE -> null;
        };
    }

    private void addAttributeHeaders(Headers headers, Map<String, MessageAttributeValue> messageAttributes) {
        if (messageAttributes == null || messageAttributes.isEmpty() || (attributes.isEmpty() && !allAttributes)) {
            return;
        }
        messageAttributes.entrySet().stream()
                .filter(e -> allAttributes || attributes.contains(e.getKey()))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> addAttribute(headers, attributePrefix + e.getKey(), e.getValue()));
    }

    /** String -> string; Number -> int64 when integral and in range, else Decimal; Binary -> bytes. */
    static void addAttribute(Headers headers, String name, MessageAttributeValue v) {
        String type = baseType(v.dataType());
        switch (type) {
            case "Number" -> {
                BigDecimal n;
                try {
                    n = new BigDecimal(v.stringValue().trim());
                } catch (NumberFormatException | NullPointerException notANumber) {
                    headers.addString(name, v.stringValue()); // SQS validates numbers; keep what came rather than fail
                    return;
                }
                try {
                    headers.addLong(name, n.longValueExact());
                } catch (ArithmeticException notALong) {
                    headers.addDecimal(name, n);
                }
            }
            case "Binary" -> headers.addBytes(name, v.binaryValue() == null ? new byte[0] : v.binaryValue().asByteArray());
            default -> headers.addString(name, v.stringValue());
        }
    }

    private static String attributeAsString(MessageAttributeValue v) {
        if (v == null) {
            return null;
        }
        if ("Binary".equals(baseType(v.dataType()))) {
            return v.binaryValue() == null ? null : Base64.getEncoder().encodeToString(v.binaryValue().asByteArray());
        }
        return v.stringValue();
    }

    // Custom types look like "Number.float" or "String.json"; the part before the dot is the SQS type.
    private static String baseType(String dataType) {
        if (dataType == null) {
            return "String";
        }
        int dot = dataType.indexOf('.');
        return dot < 0 ? dataType : dataType.substring(0, dot);
    }

    private static void addIfPresent(Headers headers, String name, String value) {
        if (value != null) {
            headers.addString(name, value);
        }
    }

    private static Long parseLong(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
