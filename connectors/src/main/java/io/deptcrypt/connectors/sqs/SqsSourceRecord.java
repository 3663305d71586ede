package io.deptcrypt.connectors.sqs;

import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * A source record that remembers the SQS message it came from, so that {@code commitRecord} can settle that
 * message. Connect hands the same (pre-transform) object back to {@code commitRecord}.
 */
final class SqsSourceRecord extends SourceRecord {

    private final InFlightMessage origin;

    SqsSourceRecord(Map<String, ?> sourcePartition, Map<String, ?> sourceOffset, String topic,
                    Schema keySchema, Object key, Schema valueSchema, Object value, Long timestamp,
                    Headers headers, InFlightMessage origin) {
        super(sourcePartition, sourceOffset, topic, null, keySchema, key, valueSchema, value, timestamp, headers);
        this.origin = origin;
    }

    InFlightMessage origin() {
        return origin;
    }
}
