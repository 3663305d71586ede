package io.deptcrypt.consumers;

import io.deptcrypt.crypto.KeyringProvider;
import io.deptcrypt.crypto.KmsAccessDeniedException;
import io.deptcrypt.crypto.KmsCallCounts;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.runtime.AbstractStreamsApp;
import io.deptcrypt.runtime.GovernanceWatcher;
import io.deptcrypt.runtime.KafkaDataKeyDirectory;
import io.deptcrypt.runtime.StreamsLifecycle;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;

/**
 * A department's reader: shared topic → keep this department's records (by header or key, others' values never
 * decoded) → open with this application's own KMS credentials → {@link DepartmentSink} (and optionally a
 * department-owned plaintext topic). AES_GCM_V2 data keys come from the keys topic, read by a
 * {@link KafkaDataKeyDirectory} the app owns. With {@code governance.watch} it follows the governance topic and drops
 * cached data keys when its read access changes ({@link ReadAccessFollower}). Embeddable: {@link #start} returns the
 * running app, which is its own handle.
 */
public final class DepartmentConsumerApp extends AbstractStreamsApp {

    /** Header on plaintext-topic records: the media type of the value. */
    public static final String CONTENT_TYPE_HEADER = "deptcrypt.content-type";

    private final Opener opener;
    private final ConsumerCounters counters;
    private final ReadAccessFollower follower;

    private DepartmentConsumerApp(StreamsLifecycle lifecycle, Opener opener, ConsumerCounters counters,
                                  ReadAccessFollower follower) {
        super(lifecycle);
        this.opener = opener;
        this.counters = counters;
        this.follower = follower;
    }

    /**
     * Builds and starts the consumer. {@code sink} receives every opened event ({@code null}: print to stdout if
     * {@code sink.stdout}, else nothing); it is closed with the app, or at once if starting fails. The caller keeps
     * ownership of {@code keyrings}.
     */
    public static DepartmentConsumerApp start(DepartmentConsumerConfig cfg, KeyringProvider keyrings, DepartmentSink sink) {
        Properties props = streamsProperties(cfg);
        ConsumerCounters counters = new ConsumerCounters();
        DepartmentSink effective = sink != null ? sink : cfg.printToStdout() ? new PrintingSink(System.out) : DepartmentSink.NONE;
        KafkaDataKeyDirectory directory;
        try {
            directory = KafkaDataKeyDirectory.forStreamsApp(props, cfg.governance().topics().keys(), cfg.applicationId());
        } catch (RuntimeException e) { // e.g. a Streams setting Kafka refuses: the sink is ours to close
            closeQuietly(effective, e);
            throw e;
        }
        Opener opener = Opener.create(keyrings, cfg.opener(), directory);
        String name = cfg.applicationName() + " (" + cfg.department() + ")";
        // closed in reverse order after the streams: the watcher, the opener's keys, the directory, then the sink
        List<AutoCloseable> resources = new ArrayList<>(List.of(effective, directory, opener,
                keyrings.observeKmsCalls(counters.kmsCallSensors())));
        ReadAccessFollower follower = new ReadAccessFollower(cfg.applicationName(), cfg.department(), opener,
                cfg.governance(), counters);
        if (cfg.watchGovernance()) {
            try {
                resources.add(GovernanceWatcher.startCaughtUp(cfg.clientProperties(), cfg.governance(), follower,
                        cfg.applicationName() + "-" + cfg.department()));
            } catch (RuntimeException e) {
                StreamsLifecycle.closeAll(name, resources, e);
                throw e;
            }
        }
        StreamsLifecycle lifecycle = StreamsLifecycle.start(name,
                closing -> topology(cfg, opener, effective, counters, closing), props,
                DepartmentConsumerApp::isConfigurationError, resources.toArray(AutoCloseable[]::new));
        return new DepartmentConsumerApp(lifecycle, opener, counters, follower);
    }

    private static void closeQuietly(DepartmentSink sink, RuntimeException failure) {
        try {
            sink.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    /** The topology alone (for TopologyTestDriver and custom runners). */
    public static Topology topology(DepartmentConsumerConfig cfg, Opener opener, DepartmentSink sink,
                                    ConsumerCounters counters, BooleanSupplier closing) {
        Topology t = new Topology();
        t.addSource("shared-topic", new ByteArrayDeserializer(), new ByteArrayDeserializer(), cfg.sharedTopic());
        t.addProcessor("open", () -> new OpenProcessor(cfg.department(), opener, cfg.kmsRetry(), closing, counters,
                sink, cfg.sinkTopic().isPresent(), cfg.failureActions()), "shared-topic");
        cfg.sinkTopic().ifPresent(topic ->
                t.addSink(OpenProcessor.PLAINTEXT_SINK, topic, new ByteArraySerializer(), new SourcedValue.ValueSerializer(),
                        new SourcedValue.SamePartition(), "open"));
        cfg.deadLetterTopic().ifPresent(topic ->
                t.addSink(OpenProcessor.DEAD_LETTER_SINK, topic, new ByteArraySerializer(), new SourcedValue.ValueSerializer(),
                        new SourcedValue.SamePartition(), "open"));
        return t;
    }

    /**
     * Kafka Streams properties: {@link StreamsLifecycle#defaultProperties} (exactly-once v2: reads only committed
     * encryptor output and writes the plaintext and failure topics atomically with its offsets), then the config's
     * passthrough settings.
     */
    public static Properties streamsProperties(DepartmentConsumerConfig cfg) {
        Properties p = StreamsLifecycle.defaultProperties(cfg.applicationId(), cfg.bootstrapServers());
        p.putAll(cfg.kafkaLogin().clientProperties());
        // Even if processing.guarantee is overridden to at_least_once, never read aborted encryptor output.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cfg.kafka().applyTo(p);
        return p;
    }

    /** A record it cannot open under failure.action=FAIL, or KMS access denied: stop every instance. */
    public static boolean isConfigurationError(Throwable e) {
        return StreamsLifecycle.findCause(e, RecordOpenFailedException.class).isPresent()
                || StreamsLifecycle.findCause(e, KmsAccessDeniedException.class).isPresent();
    }

    /** Why the app stopped, in one paragraph (no plaintext). */
    public static String describeFailure(Throwable e) {
        return StreamsLifecycle.findCause(e, RecordOpenFailedException.class).map(Throwable::getMessage)
                .orElseGet(() -> StreamsLifecycle.explain(e));
    }

    public ConsumerCounters counters() {
        return counters;
    }

    /** The last governance version applied while running that this app has reacted to (0: none yet, or not watching). */
    public long governanceVersion() {
        return follower.version();
    }

    /** KMS calls made by this app's Opener (one Decrypt per data key, thanks to its cache). */
    public KmsCallCounts kmsCalls() {
        return opener.kmsCalls();
    }
}
