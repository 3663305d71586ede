package io.deptcrypt.bench.pipeline;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.topology.EncryptorConfig;
import io.deptcrypt.topology.IngestParser;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;

/** The encryptor's shape (ingest → validate → key by department → shared, or dead-letter) with a pluggable value. */
final class RouteTopology {

    private RouteTopology() {}

    static Topology build(Governance g, RouteProcessor.Protect protect, LongAdder processed) {
        Governance.Topics topics = g.topics();
        IngestParser parser = new IngestParser(g.departmentNames(), EncryptorConfig.MAX_EVENT_BYTES_DEFAULT);
        Topology t = new Topology();
        t.addSource("ingest-topic", new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.ingest());
        t.addProcessor("route", () -> new RouteProcessor(parser, protect, processed), "ingest-topic");
        t.addSink(RouteProcessor.SHARED_SINK, topics.shared(), new StringSerializer(), new RouteProcessor.RoutedSerializer(),
                new RouteProcessor.EventIdPartitioner(), "route");
        t.addSink(RouteProcessor.DEAD_LETTER_SINK, topics.deadLetter(), new StringSerializer(), new RouteProcessor.RoutedSerializer(), "route");
        return t;
    }

    /** The baseline: the event's plaintext, in clear. */
    static Topology plaintext(Governance g, LongAdder processed) {
        return build(g, (event, eventId) -> event.plaintext(), processed);
    }

    /**
     * The size-matched baseline: the plaintext followed by {@code padBytes} zero bytes, so its records are as large as
     * the encryptor's. Against it the encryptor's ratio shows the cost of the crypto work alone, without its bytes.
     */
    static Topology padded(Governance g, int padBytes, LongAdder processed) {
        return build(g, (event, eventId) -> Arrays.copyOf(event.plaintext(), event.plaintext().length + padBytes), processed);
    }
}
