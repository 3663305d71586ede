package io.deptcrypt.topology;

import io.deptcrypt.crypto.EnvelopeSerde;
import io.deptcrypt.crypto.KeyringProvider;
import io.deptcrypt.crypto.KmsAccessDeniedException;
import io.deptcrypt.crypto.KmsCallCounts;
import io.deptcrypt.crypto.Sealer;
import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.runtime.StreamsApp;
import io.deptcrypt.runtime.StreamsLifecycle;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/**
 * The encryptor: ingest topic → validate → key by department → seal → shared topic; invalid input → dead-letter
 * topic sealed under the quarantine key. Embeddable: {@link #start} returns the running app, which is its own handle.
 *
 * <pre>{@code
 * try (EncryptorApp app = EncryptorApp.start(EncryptorConfig.load(path), keyrings)) {
 *     app.awaitRunning(Duration.ofSeconds(30));
 *     ...
 * }
 * }</pre>
 */
public final class EncryptorApp implements StreamsApp {

    private final StreamsLifecycle lifecycle;
    private final Sealer sealer;
    private final EncryptorCounters counters;

    private EncryptorApp(StreamsLifecycle lifecycle, Sealer sealer, EncryptorCounters counters) {
        this.lifecycle = lifecycle;
        this.sealer = sealer;
        this.counters = counters;
    }

    /**
     * Builds and starts the encryptor. The caller keeps ownership of {@code keyrings} (and of the KMS client behind
     * it); the app's Sealer is closed by {@link #close()}.
     */
    public static EncryptorApp start(EncryptorConfig cfg, KeyringProvider keyrings) {
        Sealer sealer = Sealer.create(cfg.governance(), keyrings, cfg.sealer());
        EncryptorCounters counters = new EncryptorCounters();
        AtomicBoolean closing = new AtomicBoolean();
        StreamsLifecycle lifecycle;
        try {
            lifecycle = new StreamsLifecycle("encryptor", topology(cfg, sealer, counters, closing::get),
                    streamsProperties(cfg), closing, EncryptorApp::isConfigurationError);
        } catch (RuntimeException e) {
            sealer.close();
            throw e;
        }
        lifecycle.closeAfterwards(sealer::close);
        lifecycle.start();
        return new EncryptorApp(lifecycle, sealer, counters);
    }

    /** The topology alone (for TopologyTestDriver and for custom runners). */
    public static Topology topology(EncryptorConfig cfg, Sealer sealer, EncryptorCounters counters, BooleanSupplier closing) {
        Governance.Topics topics = cfg.governance().topics();
        IngestParser parser = new IngestParser(cfg.governance().departmentNames(), cfg.maxEventBytes());
        Serializer<Envelope> envelopes = EnvelopeSerde.instance().serializer();
        Topology t = new Topology();
        t.addSource("ingest-topic", new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.ingest());
        t.addProcessor("seal", () -> new SealProcessor(parser, sealer, cfg.kmsRetry(), closing, counters,
                topics.shared(), topics.deadLetter()), "ingest-topic");
        t.addSink(SealProcessor.SHARED_SINK, topics.shared(), new StringSerializer(), envelopes,
                new SharedTopicPartitioner(cfg.partitioning()), "seal");
        t.addSink(SealProcessor.DEAD_LETTER_SINK, topics.deadLetter(), new StringSerializer(), envelopes, "seal");
        return t;
    }

    /** Kafka Streams properties: {@link StreamsLifecycle#defaultProperties}, then the config's passthrough settings. */
    public static Properties streamsProperties(EncryptorConfig cfg) {
        Properties p = StreamsLifecycle.defaultProperties(cfg.applicationId(), cfg.bootstrapServers());
        cfg.kafka().applyTo(p);
        return p;
    }

    /** KMS refused to encrypt: the encryptor's credentials or the key policy are wrong; no retry can fix it. */
    public static boolean isConfigurationError(Throwable e) {
        return StreamsLifecycle.findCause(e, KmsAccessDeniedException.class).isPresent();
    }

    /** A one-paragraph explanation of why the app stopped (no plaintext). */
    public static String describeFailure(Throwable e) {
        Optional<KmsAccessDeniedException> denied = StreamsLifecycle.findCause(e, KmsAccessDeniedException.class);
        if (denied.isPresent()) {
            return "configuration error: KMS denied a request the encryptor needs (" + denied.get().getMessage()
                    + "). The encryptor's credentials must be the governance owner's and the department keys' policies"
                    + " must allow it kms:GenerateDataKey; nothing was skipped, fix the credentials or key policy and"
                    + " restart.";
        }
        return StreamsLifecycle.explain(e);
    }

    public KafkaStreams streams() {
        return lifecycle.streams();
    }

    public KafkaStreams.State state() {
        return lifecycle.state();
    }

    public EncryptorCounters counters() {
        return counters;
    }

    public KmsCallCounts kmsCalls() {
        return sealer.kmsCalls();
    }

    /** The failure that stopped the app, if it stopped on its own. */
    public Optional<Throwable> failure() {
        return lifecycle.failure();
    }

    /** True once RUNNING; false on timeout; throws IllegalStateException if the app stopped instead. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        return lifecycle.awaitRunning(timeout);
    }

    /** Blocks until the app is stopped (NOT_RUNNING after close, or ERROR after a failure). */
    public KafkaStreams.State awaitTermination() throws InterruptedException {
        return lifecycle.awaitTermination();
    }

    /** As {@link #awaitTermination()}, giving up after {@code timeout}; returns the state reached. */
    public KafkaStreams.State awaitTermination(Duration timeout) throws InterruptedException {
        return lifecycle.awaitTermination(timeout);
    }

    /** Stops the streams (waits up to 30 s) and closes the Sealer. Idempotent. */
    @Override
    public void close() {
        lifecycle.close();
    }
}
