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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stack's Kafka Streams apps, each instance with its own KMS client: {@link StackConfig#encryptors()} encryptor
 * instances (one Streams group), signing as the governance owner, and {@link StackConfig#consumersPerDepartment()}
 * consumer instances per department (one group per department), signing as the department's first reader
 * application. Every instance is a {@link RestartableApp}, configured from {@link AppConfigs} at each start.
 */
final class StackApps {

    private final Governance governance;
    private final List<RestartableApp<EncryptorApp>> encryptors = new ArrayList<>();
    /** department → its consumer instances, in governance order. */
    private final Map<String, List<RestartableApp<DepartmentConsumerApp>>> consumers = new LinkedHashMap<>();

    /**
     * @param eventsOut if not null, each consumer also prints every event it opens there, in the three-block form
     */
    StackApps(AppConfigs configs, Governance governance, DeliveryLog deliveries, PrintStream eventsOut, Duration readyTimeout,
              int encryptorCount, int consumersPerDepartment) {
        this.governance = governance;
        for (int i = 0; i < encryptorCount; i++) {
            int instance = i;
            encryptors.add(new RestartableApp<>(label("encryptor", i, encryptorCount),
                    () -> encryptorRecipe(configs.encryptor(instance)), governance, readyTimeout));
        }
        for (Governance.Department d : governance.departments()) {
            List<RestartableApp<DepartmentConsumerApp>> instances = new ArrayList<>();
            for (int i = 0; i < consumersPerDepartment; i++) {
                int instance = i;
                DepartmentSink sink = sink(deliveries.sinkFor(d.name()), eventsOut);
                instances.add(new RestartableApp<>(label(d.name() + " consumer", i, consumersPerDepartment),
                        () -> consumerRecipe(configs.consumer(reader(d), d.name(), instance), sink), governance, readyTimeout));
            }
            consumers.put(d.name(), List.copyOf(instances));
        }
    }

    /** An instance's name in readiness lines and errors: the app's name alone when it runs once. */
    private static String label(String app, int instance, int count) {
        return count == 1 ? app : app + " " + instance;
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

    /** The encryptor instances, by index. */
    List<RestartableApp<EncryptorApp>> encryptors() {
        return List.copyOf(encryptors);
    }

    /** Encryptor instance {@code i}. */
    RestartableApp<EncryptorApp> encryptor(int i) {
        if (i < 0 || i >= encryptors.size()) {
            throw new IllegalArgumentException("no encryptor " + i + " (the stack runs " + encryptors.size() + ", 0-"
                    + (encryptors.size() - 1) + ")");
        }
        return encryptors.get(i);
    }

    /** A department's consumer instances, by index. */
    List<RestartableApp<DepartmentConsumerApp>> consumers(String department) {
        return consumers.get(department);
    }

    /** The first running consumer instance of each department that has one, by department. */
    Map<String, Stack.Consumer> runningConsumers() {
        Map<String, Stack.Consumer> out = new LinkedHashMap<>();
        for (Stack.Consumer c : runningConsumerInstances()) {
            out.putIfAbsent(c.department(), c);
        }
        return out;
    }

    /** Every running consumer instance, department by department in governance order. */
    List<Stack.Consumer> runningConsumerInstances() {
        List<Stack.Consumer> out = new ArrayList<>();
        consumers.forEach((dept, apps) -> apps.forEach(app -> app.running().ifPresent(i -> out.add(
                new Stack.Consumer(dept, reader(governance.department(dept)), i.app(), i.keyrings(), i.kms())))));
        return out;
    }

    /** KMS calls made by the encryptors and the consumers so far (including instances already stopped). */
    KmsCallCounts kmsCalls() {
        KmsCallTotals t = new KmsCallTotals();
        encryptors.forEach(e -> t.add(e.kmsCalls()));
        consumers.values().forEach(apps -> apps.forEach(c -> t.add(c.kmsCalls())));
        return t.snapshot();
    }

    /** Why an app instance stopped on its own (for example KMS denied the encryptor), if one did. */
    Optional<String> failure() {
        for (RestartableApp<EncryptorApp> e : encryptors) {
            Optional<Throwable> f = e.running().flatMap(i -> i.app().failure());
            if (f.isPresent()) {
                return Optional.of("the " + e.name() + " stopped: " + EncryptorApp.describeFailure(f.get()));
            }
        }
        for (List<RestartableApp<DepartmentConsumerApp>> apps : consumers.values()) {
            for (RestartableApp<DepartmentConsumerApp> c : apps) {
                Optional<Throwable> f = c.running().flatMap(i -> i.app().failure());
                if (f.isPresent()) {
                    return Optional.of("the " + c.name() + " stopped: " + DepartmentConsumerApp.describeFailure(f.get()));
                }
            }
        }
        return Optional.empty();
    }
}
