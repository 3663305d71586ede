package io.deptcrypt.bench.pipeline;

import io.deptcrypt.bench.SeedWay;
import io.deptcrypt.consumers.DepartmentConsumerApp;
import io.deptcrypt.consumers.DepartmentConsumerConfig;
import io.deptcrypt.consumers.FailureAction;
import io.deptcrypt.consumers.FailureActions;
import io.deptcrypt.crypto.KmsCallCounts;
import io.deptcrypt.crypto.KmsKeyringProvider;
import io.deptcrypt.crypto.OpenerConfig;
import io.deptcrypt.crypto.SealerConfig;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.runtime.KafkaOverrides;
import io.deptcrypt.runtime.KmsRetry;
import io.deptcrypt.runtime.StreamsLifecycle;
import io.deptcrypt.topology.DedupeSettings;
import io.deptcrypt.topology.EncryptorApp;
import io.deptcrypt.topology.EncryptorConfig;
import io.deptcrypt.topology.Partitioning;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.apache.kafka.streams.Topology;
import software.amazon.awssdk.services.kms.KmsClient;

/** Starts each kind of app of the benchmark in its environment, on one broker, with the common Streams settings. */
final class BenchApps {

    private final AppEnvironment stack;
    private final KafkaEndpoint kafka;

    BenchApps(AppEnvironment stack, KafkaEndpoint kafka) {
        this.stack = stack;
        this.kafka = kafka;
    }

    /** An app plus the KMS calls it made (read after close). */
    record Measured(RunningApp app, Supplier<KmsCallCounts> kmsCalls) {}

    /**
     * The real encryptor topology writing {@code format}, as the owner application, with its own KMS client and empty
     * data-key cache (AES_GCM_V2 publishes its data keys to the governance's keys topic).
     */
    Measured encryptor(Governance g, String applicationId, EnvelopeFormatId format) {
        return encryptor(g, applicationId, format, DedupeSettings.DEFAULT);
    }

    /** As {@link #encryptor(Governance, String, EnvelopeFormatId)}, dropping second copies as {@code dedupe} says. */
    Measured encryptor(Governance g, String applicationId, EnvelopeFormatId format, DedupeSettings dedupe) {
        KmsClient kms = stack.kmsClient(g.owner());
        KmsKeyringProvider keyrings = new KmsKeyringProvider(kms, g);
        EncryptorConfig cfg = new EncryptorConfig("bench", g, applicationId, kafka.bootstrap(), stack.kmsSettings(g.owner()),
                EncryptorConfig.MAX_EVENT_BYTES_DEFAULT, SealerConfig.defaults().withFormat(format), KmsRetry.defaults(),
                overrides(), Partitioning.EVENT_ID, kafka.login()).withDedupe(dedupe);
        EncryptorApp app = EncryptorApp.start(cfg, keyrings);
        return new Measured(RunningApp.of(() -> app.counters().sealed(), app::failure, app::awaitRunning, () -> {
            app.close();
            kms.close();
        }), keyrings::kmsCalls);
    }

    /** The passthrough baseline: same parse, validation and keying, the event in clear. */
    RunningApp plaintext(Governance g, String applicationId) {
        LongAdder processed = new LongAdder();
        return streams("plaintext passthrough", RouteTopology.plaintext(g, processed), applicationId, processed, () -> {});
    }

    /** The size-matched baseline: the passthrough with {@code padBytes} more bytes per value (see {@link RouteTopology#padded}). */
    RunningApp padded(Governance g, String applicationId, int padBytes) {
        LongAdder processed = new LongAdder();
        return streams("size-matched plaintext", RouteTopology.padded(g, padBytes, processed), applicationId, processed, () -> {});
    }

    /** The seed's way in the same shape: an ESDK client, a signature and a GenerateDataKey per event. */
    RunningApp seed(Governance g, String applicationId) {
        KmsClient kms = stack.kmsClient(g.owner());
        Map<String, SeedWay> byDepartment = new HashMap<>();
        for (Governance.Department d : g.departments()) {
            byDepartment.put(d.name(), new SeedWay(kms, stack.keyArn(d.name())));
        }
        LongAdder processed = new LongAdder();
        Topology t = RouteTopology.build(g, (event, eventId) ->
                byDepartment.get(event.department()).seal(event.department(), event.plaintext()), processed);
        return streams("seed's way", t, applicationId, processed, kms::close);
    }

    /** The department consumer, as {@code application} (a reader of {@code department}), with a counting sink. */
    Measured departmentConsumer(Governance g, String application, String department, String applicationId, Delivery delivery) {
        KmsClient kms = stack.kmsClient(application);
        KmsKeyringProvider keyrings = new KmsKeyringProvider(kms, g);
        DepartmentConsumerConfig cfg = new DepartmentConsumerConfig("bench", g, application, department, applicationId,
                kafka.bootstrap(), stack.kmsSettings(application), OpenerConfig.defaults(), KmsRetry.defaults(), false,
                Optional.empty(), FailureActions.all(FailureAction.FAIL), Optional.empty(), overrides(), kafka.login());
        DepartmentConsumerApp app = DepartmentConsumerApp.start(cfg, keyrings,
                event -> delivery.delivered(event.timestamp(), event.plaintext().length));
        return new Measured(RunningApp.of(() -> app.counters().opened() + app.counters().ignored(), app::failure, app::awaitRunning, () -> {
            app.close();
            kms.close();
        }), keyrings::kmsCalls);
    }

    /** The plain reader of the same topic: same filter, nothing opened. */
    RunningApp plainConsumer(String topic, String department, String applicationId, Delivery delivery) {
        LongAdder seen = new LongAdder();
        return streams("plain consumer", PlainConsumerTopology.build(topic, department, delivery, seen), applicationId, seen, () -> {});
    }

    private RunningApp streams(String name, Topology t, String applicationId, LongAdder progress, Runnable afterClose) {
        AtomicBoolean closing = new AtomicBoolean();
        Properties props = StreamsSettings.properties(applicationId, kafka.bootstrap(), stack.streamsCommon());
        props.putAll(kafka.login().clientProperties());
        StreamsLifecycle lifecycle = new StreamsLifecycle("bench " + name, t, props, closing, e -> false);
        lifecycle.closeAfterwards(afterClose::run);
        lifecycle.start();
        return RunningApp.of(progress::sum, lifecycle::failure, lifecycle::awaitRunning, lifecycle::close);
    }

    private KafkaOverrides overrides() {
        return new KafkaOverrides(stack.streamsCommon(), Map.of(), Map.of());
    }
}
