package io.deptcrypt.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.crypto.EnvelopeException;
import io.deptcrypt.crypto.KmsAccessDeniedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamsLifecycleTest {

    @TempDir
    Path stateDir;

    private final List<String> closed = new ArrayList<>();

    private AutoCloseable resource(String name) {
        return () -> closed.add(name);
    }

    private Properties props() {
        Properties p = StreamsLifecycle.defaultProperties("lifecycle-test", "127.0.0.1:1"); // never connects
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return p;
    }

    private static Topology passThrough(String topic) {
        Topology t = new Topology();
        t.addSource("in", new ByteArrayDeserializer(), new ByteArrayDeserializer(), topic);
        return t;
    }

    @Test
    void whenKafkaStreamsRefusesTheSettingsEveryResourceIsClosedInReverseOrder() {
        Properties bad = props();
        bad.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "sometimes");
        assertThatThrownBy(() -> StreamsLifecycle.start("test", closing -> passThrough("t"), bad, e -> false,
                resource("sealer"), resource("sink"))).isInstanceOf(ConfigException.class);
        assertThat(closed).containsExactly("sink", "sealer");
    }

    @Test
    void whenTheTopologyCannotBeBuiltTheResourcesAreClosedAndAFailingCloseDoesNotHideTheCause() {
        AutoCloseable failing = () -> {
            throw new IllegalStateException("close failed");
        };
        assertThatThrownBy(() -> StreamsLifecycle.start("test", closing -> {
            throw new IllegalArgumentException("no topology");
        }, props(), e -> false, resource("first"), failing))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no topology")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().hasFieldOrPropertyWithValue("message", "close failed"));
        assertThat(closed).containsExactly("first");
    }

    @Test
    void closeSetsTheClosingFlagThenClosesResourcesInReverseOrderOnce() {
        AtomicBoolean closing = new AtomicBoolean();
        StreamsLifecycle lifecycle = new StreamsLifecycle("test", passThrough("t"), props(), closing, e -> false);
        lifecycle.closeAfterwards(resource("a"));
        lifecycle.closeAfterwards(resource("b"));
        lifecycle.close();
        lifecycle.close();
        assertThat(closing).isTrue();
        assertThat(closed).containsExactly("b", "a");
        assertThat(lifecycle.state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
    }

    @Test
    void explainSkipsKafkaStreamsWrappersAndFindCauseWalksTheChain() {
        var denied = new KmsAccessDeniedException("arn:aws:kms:us-east-1:111122223333:key/k", "not authorized", new RuntimeException("sdk"));
        var wrapped = new StreamsException(new StreamsException(denied));
        assertThat(StreamsLifecycle.explain(wrapped)).isEqualTo("KmsAccessDeniedException: " + denied.getMessage());
        assertThat(StreamsLifecycle.findCause(wrapped, KmsAccessDeniedException.class)).containsSame(denied);
        assertThat(StreamsLifecycle.findCause(wrapped, EnvelopeException.class)).isEmpty();
        assertThat(StreamsLifecycle.explain(new StreamsException(new EnvelopeException("tampered"))))
                .isEqualTo("EnvelopeException: tampered");
    }

    @Test
    void defaultPropertiesAreExactlyOnceWithTunedBatching() {
        Properties p = StreamsLifecycle.defaultProperties("app", "b:9092");
        assertThat(p).containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry("batch.size", "262144").containsEntry("linger.ms", "20")
                .containsEntry("max.poll.records", "2000").containsEntry("max.poll.interval.ms", "540000");
        new StreamsConfig(p);
    }
}
