package io.deptcrypt.bench.pipeline;

import io.deptcrypt.crypto.EnvelopeHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The baseline reader: the department consumer's shape without opening anything. It keeps one department's records
 * as the department consumer does (by the audience header of AES_GCM_V2 records, else by key or department header)
 * and hands the value bytes on as they are.
 */
final class PlainConsumerTopology {

    private PlainConsumerTopology() {}

    static Topology build(String topic, String department, Delivery delivery, LongAdder seen) {
        byte[] departmentBytes = department.getBytes(StandardCharsets.UTF_8);
        Topology t = new Topology();
        t.addSource("shared-topic", new ByteArrayDeserializer(), new ByteArrayDeserializer(), topic);
        t.addProcessor("keep", () -> new Processor<byte[], byte[], Void, Void>() {
            @Override
            public void init(ProcessorContext<Void, Void> context) {}

            @Override
            public void process(Record<byte[], byte[]> record) {
                seen.increment();
                byte[] audience = EnvelopeHeaders.audience(record.headers());
                boolean ours = audience != null ? EnvelopeHeaders.audienceIncludes(audience, departmentBytes)
                        : (record.key() != null && Arrays.equals(record.key(), departmentBytes))
                        || EnvelopeHeaders.department(record.headers()).map(department::equals).orElse(false);
                if (ours) {
                    delivery.delivered(record.timestamp(), record.value() == null ? 0 : record.value().length);
                }
            }
        }, "shared-topic");
        return t;
    }
}
