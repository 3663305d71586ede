package io.deptcrypt.devstack;

import io.deptcrypt.crypto.KmsCallCounts;
import io.deptcrypt.crypto.KmsKeyringProvider;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.runtime.StreamsApp;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * One app of the stack (the encryptor, or one department's consumer) that can be stopped and started again: it owns
 * the running instance with its KMS client, and counts the KMS calls of instances already stopped.
 *
 * <p>A start that fails at any step (the keyrings, the app's start, the app not RUNNING in time, an interrupt) closes
 * what it had created, the app first and then its KMS client, before it throws: nothing is left running unowned.
 */
final class RestartableApp<A extends StreamsApp> {

    /**
     * A started app, the keyrings it uses and the KMS client under them (which the app does not close).
     *
     * @param recipe how it was configured and started
     */
    record Instance<A extends StreamsApp>(A app, KmsKeyringProvider keyrings, KmsClient kms, AppRecipe<A> recipe) {}

    private final String name;
    private final Supplier<AppRecipe<A>> configure;
    private final Governance governance;
    private final Duration readyTimeout;
    private final KmsCallTotals retiredKmsCalls = new KmsCallTotals();
    private volatile Instance<A> running;

    /**
     * @param configure reads the app's configuration and says how to run it; called at every start, so a restarted
     *                  app sees its current configuration files
     */
    RestartableApp(String name, Supplier<AppRecipe<A>> configure, Governance governance, Duration readyTimeout) {
        this.name = name;
        this.configure = configure;
        this.governance = governance;
        this.readyTimeout = readyTimeout;
    }

    String name() {
        return name;
    }

    /** Starts the app and waits until it is RUNNING; on any failure whatever it created is closed again. */
    synchronized Instance<A> start() throws InterruptedException {
        if (running != null) {
            throw new IllegalStateException("the " + name + " is already running");
        }
        AppRecipe<A> recipe = configure.get();
        KmsClient client = recipe.newKmsClient().get();
        KmsKeyringProvider keyrings = null;
        A app = null;
        try {
            keyrings = new KmsKeyringProvider(client, governance);
            try {
                app = recipe.start().apply(keyrings);
            } catch (RuntimeException e) {
                throw new StackException(name + ": " + recipe.describeFailure().apply(e), e);
            }
            if (!recipe.awaitRunning().awaitRunning(app, readyTimeout)) {
                throw new StackException(name + " not RUNNING within " + readyTimeout + " (state "
                        + recipe.state().apply(app) + ")");
            }
            running = new Instance<>(app, keyrings, client, recipe);
            return running;
        } catch (RuntimeException | InterruptedException | Error e) {
            close(app, keyrings, client, e);
            throw e;
        }
    }

    /** Stops the app (Kafka Streams close: in-flight work is committed or aborted), then its KMS client. No-op if stopped. */
    synchronized void stop() {
        Instance<A> i = running;
        if (i == null) {
            return;
        }
        running = null;
        close(i.app(), i.keyrings(), i.kms(), null);
    }

    /** The running instance, if started. */
    Optional<Instance<A>> running() {
        return Optional.ofNullable(running);
    }

    /** KMS calls of every instance so far, stopped ones included. */
    KmsCallCounts kmsCalls() {
        KmsCallTotals t = new KmsCallTotals();
        t.add(retiredKmsCalls.snapshot());
        Instance<A> i = running;
        if (i != null) {
            t.add(i.keyrings().kmsCalls());
        }
        return t.snapshot();
    }

    /** Closes the app, then the client the app may still have used while closing; failures join {@code cause}. */
    private void close(A app, KmsKeyringProvider keyrings, KmsClient client, Throwable cause) {
        try {
            if (app != null) {
                app.close();
            }
        } catch (RuntimeException e) {
            if (cause == null) {
                throw e;
            }
            cause.addSuppressed(e);
        } finally {
            if (keyrings != null) {
                retiredKmsCalls.add(keyrings.kmsCalls());
            }
            client.close();
        }
    }
}
