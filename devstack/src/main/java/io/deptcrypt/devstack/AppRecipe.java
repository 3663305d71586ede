package io.deptcrypt.devstack;

import io.deptcrypt.crypto.KmsKeyringProvider;
import io.deptcrypt.runtime.StreamsApp;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * How to run one app of the stack: the KMS client it signs with, how to start it over keyrings on that client, how to
 * wait until it runs. The two kinds of app (encryptor, department consumer) have the same shape but no common type
 * for these, hence functions.
 *
 * @param details         what to say about it once it runs, e.g. the envelope format it writes
 * @param newKmsClient    a new KMS client with the app's own credentials; the instance owns and closes it
 * @param start           starts the app (the caller keeps ownership of the keyrings and their client)
 * @param awaitRunning    true once RUNNING, false on timeout; may throw if the app stopped instead
 * @param state           the app's current Kafka Streams state, for a timeout message
 * @param describeFailure a user-facing explanation of a start failure (never plaintext)
 */
record AppRecipe<A extends StreamsApp>(
        String details,
        Supplier<KmsClient> newKmsClient,
        Function<KmsKeyringProvider, A> start,
        Readiness<A> awaitRunning,
        Function<A, KafkaStreams.State> state,
        Function<Throwable, String> describeFailure) {

    /** Waits until the app is RUNNING. */
    @FunctionalInterface
    interface Readiness<A> {
        boolean awaitRunning(A app, Duration timeout) throws InterruptedException;
    }
}
