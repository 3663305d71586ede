package io.deptcrypt.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.crypto.EnvelopeException;
import io.deptcrypt.crypto.KmsAccessDeniedException;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class StreamsLifecycleTest {

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
