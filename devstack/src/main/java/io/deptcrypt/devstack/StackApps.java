package io.deptcrypt.devstack;

import io.deptcrypt.consumers.DepartmentConsumerApp;
import io.deptcrypt.consumers.DepartmentConsumerConfig;
import io.deptcrypt.consumers.DepartmentSink;
import io.deptcrypt.consumers.PrintingSink;
import io.deptcrypt.crypto.KmsCallCounts;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.topology.EncryptorApp;
import io.deptcrypt.topology.EncryptorConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The stack's Kafka Streams apps, each with its own KMS client: the encryptor, signing as the governance owner, and
 * one consumer per department, signing as the department's first reader application. Every app is a
 * {@link RestartableApp}, configured once from {@link AppConfigs}.
 */
final class StackApps {

    private final Governance governance;
    private final RestartableApp<EncryptorApp> encryptor;
    /** department → its consumer, in governance order. */
    private final Map<String, RestartableApp<DepartmentConsumerApp>> consumers = new LinkedHashMap<>();

    /**
     * @param eventsOut if not null, each consumer also prints every event it opens there, in the three-block form
     */
    StackApps(AppConfigs configs, Governance governance, DeliveryLog deliveries, PrintStream eventsOut, Duration readyTimeout) {
        this.governance = governance;
        encryptor = new RestartableApp<>("encryptor", () -> encryptorRecipe(configs.encryptor()), governance, readyTimeout);
        for (Governance.Department d : governance.departments()) {
            DepartmentSink sink = sink(deliveries.sinkFor(d.name()), eventsOut);
            consumers.put(d.name(), new RestartableApp<>(d.name() + " consumer",
                    () -> consumerRecipe(configs.consumer(reader(d), d.name()), sink), governance, readyTimeout));
        }
    }

    private static AppRecipe<EncryptorApp> encryptorRecipe(EncryptorConfig ec) {
        return new AppRecipe<>(ec.sealer().format() + " envelopes", ec.kms()::newClient, k -> EncryptorApp.start(ec, k),
                EncryptorApp::awaitRunning, EncryptorApp::state, EncryptorApp::describeFailure);
    }

    private static AppRecipe<DepartmentConsumerApp> consumerRecipe(DepartmentConsumerConfig cc, DepartmentSink sink) {
        return new AppRecipe<>("", cc.kms()::newClient,
                k -> DepartmentConsumerApp.start(cc, k, sink), DepartmentConsumerApp::awaitRunning, DepartmentConsumerApp::state,
                DepartmentConsumerApp::describeFailure);
    }

    /** The application a department's consumer runs as: the department's first reader in the governance file. */
    static String reader(Governance.Department department) {
        return department.readers().get(0);
    }

    private static DepartmentSink sink(DepartmentSink record, PrintStream eventsOut) {
        if (eventsOut == null) {
            return record;
        }
        PrintingSink print = new PrintingSink(eventsOut);
        return e -> {
            record.accept(e);
            print.accept(e);
        };
    }

    RestartableApp<EncryptorApp> encryptor() {
        return encryptor;
    }

    RestartableApp<DepartmentConsumerApp> consumer(String department) {
        return consumers.get(department);
    }

    /** Running consumers by department. */
    Map<String, Stack.Consumer> runningConsumers() {
        Map<String, Stack.Consumer> out = new LinkedHashMap<>();
        consumers.forEach((dept, app) -> app.running().ifPresent(i -> out.put(dept,
                new Stack.Consumer(dept, reader(governance.department(dept)), i.app(), i.keyrings(), i.kms()))));
        return out;
    }

    /** KMS calls made by the encryptor and the consumers so far (including instances already stopped). */
    KmsCallCounts kmsCalls() {
        KmsCallTotals t = new KmsCallTotals();
        t.add(encryptor.kmsCalls());
        consumers.values().forEach(c -> t.add(c.kmsCalls()));
        return t.snapshot();
    }

    /** Why an app stopped on its own (for example KMS denied the encryptor), if one did. */
    Optional<String> failure() {
        Optional<EncryptorApp> enc = encryptor.running().map(RestartableApp.Instance::app);
        if (enc.isPresent() && enc.get().failure().isPresent()) {
            return Optional.of("the encryptor stopped: " + EncryptorApp.describeFailure(enc.get().failure().get()));
        }
        for (Map.Entry<String, RestartableApp<DepartmentConsumerApp>> c : consumers.entrySet()) {
            Optional<Throwable> f = c.getValue().running().flatMap(i -> i.app().failure());
            if (f.isPresent()) {
                return Optional.of("the " + c.getKey() + " consumer stopped: " + DepartmentConsumerApp.describeFailure(f.get()));
            }
        }
        return Optional.empty();
    }
}
