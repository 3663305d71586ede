package io.deptcrypt.topology;

import io.deptcrypt.crypto.KeyringProvider;
import io.deptcrypt.crypto.KmsAccessDeniedException;
import io.deptcrypt.crypto.KmsCallCounts;
import io.deptcrypt.crypto.Sealer;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.runtime.AbstractStreamsApp;
import io.deptcrypt.runtime.GovernanceWatcher;
import io.deptcrypt.runtime.KafkaDataKeyPublisher;
import io.deptcrypt.runtime.StreamsLifecycle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;

/**
 * The encryptor: ingest topic → validate → seal → shared topic; invalid input → dead-letter topic sealed under the
 * quarantine key. With AES_GCM_V2 (the default) each data key's record is published to the keys topic first, by a
 * producer of the app's own. With {@code governance.watch} it follows the governance topic and seals for the version
 * applied last ({@link GovernanceFollower}). With {@code dedupe.window.ms} (the default) a second copy of an ingest
 * event is dropped ({@link IngestDeduplicator}), by a state store of the app's own. Embeddable: {@link #start} returns the running app, which is its own handle.
 *
 * <pre>{@code
 * try (EncryptorApp app = EncryptorApp.start(EncryptorConfig.load(path), keyrings)) {
 *     app.awaitRunning(Duration.ofSeconds(30));
 *     ...
 * }
 * }</pre>
 */
public final class EncryptorApp extends AbstractStreamsApp {

    private final Sealer sealer;
    private final EncryptorCounters counters;
    private final GovernanceFollower follower;

    private EncryptorApp(StreamsLifecycle lifecycle, Sealer sealer, EncryptorCounters counters,
                         GovernanceFollower follower) {
        super(lifecycle);
        this.sealer = sealer;
        this.counters = counters;
        this.follower = follower;
    }

    /**
     * Builds and starts the encryptor. The caller keeps ownership of {@code keyrings} (and of the KMS client behind
     * it); the app's Sealer is closed by {@link #close()}, or at once if starting fails.
     */
    public static EncryptorApp start(EncryptorConfig cfg, KeyringProvider keyrings) {
        Properties props = streamsProperties(cfg);
        EncryptorCounters counters = new EncryptorCounters();
        List<AutoCloseable> resources = new ArrayList<>(); // closed in reverse order after the streams
        Sealer sealer;
        if (cfg.sealer().format() != EnvelopeFormatId.AES_GCM_V2) {
            sealer = Sealer.create(cfg.governance(), keyrings, cfg.sealer());
        } else {
            KafkaDataKeyPublisher publisher = KafkaDataKeyPublisher.forStreamsApp(props,
                    cfg.governance().topics().keys(), cfg.applicationId());
            resources.add(publisher);
            sealer = Sealer.create(cfg.governance(), keyrings, cfg.sealer(), publisher);
        }
        resources.add(sealer); // the sealer's keys go before the publisher
        resources.add(observe(sealer, keyrings, counters));
        GovernanceFollower follower = new GovernanceFollower(sealer, cfg.governance(), counters);
        if (cfg.watchGovernance()) {
            try { // closed first: no governance version reaches a sealer being closed
                resources.add(GovernanceWatcher.startCaughtUp(cfg.clientProperties(), cfg.governance(), follower,
                        "encryptor"));
            } catch (RuntimeException e) {
                StreamsLifecycle.closeAll("encryptor", resources, e);
                throw e;
            }
        }
        StreamsLifecycle lifecycle = StreamsLifecycle.start("encryptor",
                closing -> topology(cfg, follower, sealer, counters, closing), props, EncryptorApp::isConfigurationError,
                resources.toArray(AutoCloseable[]::new));
        return new EncryptorApp(lifecycle, sealer, counters, follower);
    }

    /**
     * Counts the sealer's new data keys and the KMS calls of its keyrings in {@code counters} (and so in the app's
     * metrics); closing the handle stops that.
     */
    static AutoCloseable observe(Sealer sealer, KeyringProvider keyrings, EncryptorCounters counters) {
        AutoCloseable dataKeys = sealer.observeNewDataKeys(counters::countNewDataKey);
        AutoCloseable kmsCalls = keyrings.observeKmsCalls(counters.kmsCallSensors());
        return () -> {
            try (dataKeys; kmsCalls) {
                // closes both, the KMS observer first
            }
        };
    }

    /** The topology alone (for TopologyTestDriver and for custom runners). */
    public static Topology topology(EncryptorConfig cfg, Sealer sealer, EncryptorCounters counters, BooleanSupplier closing) {
        return topology(cfg, () -> cfg.governance().departmentNames(), sealer, counters, closing);
    }

    /** The topology accepting the ingest of {@code departments} (read anew per record: the governance in force). */
    static Topology topology(EncryptorConfig cfg, Supplier<List<String>> departments, Sealer sealer,
                             EncryptorCounters counters, BooleanSupplier closing) {
        Governance.Topics topics = cfg.governance().topics();
        IngestParser parser = new IngestParser(departments, cfg.governance(), cfg.maxEventBytes(),
                sealer.config().format() == EnvelopeFormatId.AES_GCM_V2);
        DedupeSettings dedupe = cfg.dedupe();
        Topology t = new Topology();
        t.addSource("ingest-topic", new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.ingest());
        t.addProcessor("seal", () -> new SealProcessor(parser, sealer, cfg.kmsRetry(), closing, counters,
                topics.shared(), topics.deadLetter(), dedupe.enabled() ? new IngestDeduplicator(dedupe.window()) : null),
                "ingest-topic");
        if (dedupe.enabled()) {
            t.addStateStore(IngestDeduplicator.storeBuilder(dedupe.window(), dedupe.store()), "seal");
        }
        t.addSink(SealProcessor.SHARED_SINK, topics.shared(), new ByteArraySerializer(),
                new SealedEvent.ValueSerializer(), new SharedTopicPartitioner(cfg.partitioning()), "seal");
        t.addSink(SealProcessor.DEAD_LETTER_SINK, topics.deadLetter(), new ByteArraySerializer(),
                new SealedEvent.ValueSerializer(), "seal");
        return t;
    }

    /** Kafka Streams properties: {@link StreamsLifecycle#defaultProperties}, then the config's passthrough settings. */
    public static Properties streamsProperties(EncryptorConfig cfg) {
        Properties p = StreamsLifecycle.defaultProperties(cfg.applicationId(), cfg.bootstrapServers());
        p.putAll(cfg.kafkaLogin().clientProperties());
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

    public EncryptorCounters counters() {
        return counters;
    }

    /** The last governance version applied while running that this app seals for (0: none yet, or not watching). */
    public long governanceVersion() {
        return follower.version();
    }

    public KmsCallCounts kmsCalls() {
        return sealer.kmsCalls();
    }
}
