package io.deptcrypt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.crypto.EnvelopeHeaders;
import io.deptcrypt.devstack.GeneratedEvent;
import io.deptcrypt.devstack.SealedRecord;
import io.deptcrypt.devstack.Stack;
import io.deptcrypt.devstack.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures mid-stream on one whole stack: the encryptor killed, KMS gone for 10 s. Data keys are retired every second
 * here (encryptor) and unwrapped keys expire after a second (consumers), so both keep needing KMS throughout.
 */
@Tag("e2e")
class ResilienceE2ETest {

    @TempDir
    static Path state;
    @TempDir
    Path work;
    static Stack stack;

    @BeforeAll
    static void startStack() {
        stack = E2e.start(E2e.config(state)
                .withEncryptorSettings(Map.of("data.key.max.age.ms", "1000"))
                .withConsumerSettings(Map.of("opener.data.key.ttl.ms", "1000")));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    /** Whatever a test did, the next one starts with the whole stack up. */
    @AfterEach
    void restoreStack() throws Exception {
        if (stack.kms() == null || !kmsReachable()) {
            stack.restartKms();
        }
        if (stack.encryptor() == null) {
            stack.startEncryptor();
        }
    }

    @Test
    void encryptorKilledMidStreamAndRestartedLosesAndDuplicatesNothingOnTheSharedTopic() throws Exception {
        // The encryptor as a process of its own, so it can die like one.
        stack.stopEncryptor();
        List<GeneratedEvent> probe = stack.generator().generate(10);
        List<GeneratedEvent> stream = stack.generator().generate(400);
        int deliveredAtKill;
        long killedAt;
        try (EncryptorProcess proc = EncryptorProcess.start(stack, work)) {
            E2e.send(stack, probe);
            E2e.awaitDelivered(stack, probe); // it is processing
            try (PacedSender sender = PacedSender.start(stack, stream, 10, Duration.ofMillis(40))) {
                E2e.await("50 streamed events delivered", Duration.ofSeconds(60),
                        () -> stack.deliveries().deliveredOf(E2e.ids(stream)) >= 50 || !proc.alive());
                assertThat(proc.alive()).as("encryptor process alive; output:%n%s", proc.output()).isTrue();
                proc.kill();
                deliveredAtKill = stack.deliveries().deliveredOf(E2e.ids(stream));
                killedAt = System.nanoTime();
                stack.startEncryptor();
                sender.awaitDone();
            }
        }
        assertThat(deliveredAtKill).as("killed mid-stream").isLessThan(stream.size());

        E2e.awaitDelivered(stack, stream);
        System.out.printf("encryptor SIGKILLed with %d/%d streamed events delivered; all delivered %.1f s after the kill%n",
                deliveredAtKill, stream.size(), (System.nanoTime() - killedAt) / 1e9);
        Set<String> ids = new java.util.HashSet<>(E2e.ids(stream));
        ids.addAll(E2e.ids(probe));
        Map<String, Long> counts = E2e.sharedCountsById(stack, ids);
        assertThat(counts).as("shared-topic records per event id (read_committed)").hasSize(ids.size())
                .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
        E2e.assertExactlyOnceToItsDepartment(stack, stream);
    }

    @Test
    void kmsStoppedForTenSecondsMidStreamLosesNothingLeaksNothingAndProcessingResumesOnItsOwn() throws Exception {
        List<GeneratedEvent> warmup = stack.generator().generate(10);
        E2e.send(stack, warmup);
        E2e.awaitDelivered(stack, warmup);
        long retriesBefore = retries();
        int deadLetterBefore = deadLetterCount();

        // 10 events every 150 ms, for longer than the outage: events keep arriving before, during and after it.
        List<GeneratedEvent> stream = stack.generator().generate(1000);
        int deliveredWhenStopped;
        int deliveredWhenRestarted;
        long restartedAt;
        try (PacedSender sender = PacedSender.start(stack, stream, 10, Duration.ofMillis(150))) {
            E2e.await("30 streamed events delivered", Duration.ofSeconds(60), () -> stack.deliveries().deliveredOf(E2e.ids(stream)) >= 30);
            stack.stopKms();
            deliveredWhenStopped = stack.deliveries().deliveredOf(E2e.ids(stream));
            Thread.sleep(10_000); // the outage itself, not a wait for something to happen
            deliveredWhenRestarted = stack.deliveries().deliveredOf(E2e.ids(stream));
            stack.restartKms();
            restartedAt = System.nanoTime();
            sender.awaitDone();
        }
        // Nothing is done by hand after the restart: the apps notice KMS is back by themselves.
        E2e.awaitDelivered(stack, stream);
        System.out.printf("KMS down 10 s: %d/%d delivered when it stopped, %d when it came back; all delivered %.1f s after"
                + " the restart; %d KMS retries%n", deliveredWhenStopped, stream.size(), deliveredWhenRestarted,
                (System.nanoTime() - restartedAt) / 1e9, retries() - retriesBefore);

        assertThat(retries() - retriesBefore).as("KMS calls retried during the outage (the apps really needed KMS)").isPositive();
        assertThat(deliveredWhenRestarted - deliveredWhenStopped).as("events opened while KMS was down (only cached keys)")
                .isLessThan(stream.size() - deliveredWhenStopped);
        E2e.assertExactlyOnceToItsDepartment(stack, stream);
        Set<String> ids = E2e.ids(stream);
        assertThat(E2e.sharedCountsById(stack, ids)).hasSize(ids.size()).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
        assertThat(deadLetterCount()).as("nothing dead-lettered because KMS was unavailable").isEqualTo(deadLetterBefore);

        // Nothing in clear: every shared record of the stream is a sealed envelope without the event's marker.
        Map<String, String> markers = new java.util.HashMap<>();
        stream.forEach(e -> markers.put(e.eventId(), e.marker()));
        int checked = 0;
        for (SealedRecord r : SealedRecord.readAll(stack.kafka().adminClientProperties(), stack.governance().topics().shared(),
                Duration.ofSeconds(60))) {
            if (markers.containsKey(r.eventId())) {
                // version 1 repeats the event id in a header (AES_GCM_V2 has none): it is the value's
                EnvelopeHeaders.eventId(r.record().headers()).ifPresent(h -> assertThat(h).isEqualTo(r.eventId()));
                assertThat(new String(r.value(), StandardCharsets.ISO_8859_1)).doesNotContain(markers.get(r.eventId()));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(stream.size());
        List<Path> sealedDirs = new java.util.ArrayList<>(E2e.partitionDirs(stack.kafka().dataDir(), stack.governance().topics().shared()));
        sealedDirs.addAll(E2e.partitionDirs(stack.kafka().dataDir(), stack.governance().topics().deadLetter()));
        sealedDirs.addAll(E2e.partitionDirs(stack.kafka().dataDir(), stack.governance().topics().keys()));
        assertThat(PlaintextScan.find(sealedDirs, markers.values())).as("plaintext in shared/dead-letter/keys segment files").isEmpty();
    }

    private static long retries() {
        long n = stack.encryptor() == null ? 0 : stack.encryptor().counters().kmsRetries();
        for (Stack.Consumer c : stack.consumers().values()) {
            n += c.app().counters().kmsRetries();
        }
        return n;
    }

    private static int deadLetterCount() {
        return TopicReader.readAll(stack.kafka().adminClientProperties(), stack.governance().topics().deadLetter(), Duration.ofSeconds(30)).size();
    }

    private static boolean kmsReachable() {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", stack.kms().port()), 1_000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Sends events in batches at a steady pace from a background thread, like a live source. */
    static final class PacedSender implements AutoCloseable {
        private final Thread thread;
        private final AtomicInteger sent = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean stop;

        private PacedSender(Stack stack, List<GeneratedEvent> events, int batch, Duration interval) {
            thread = new Thread(() -> {
                try {
                    for (int i = 0; i < events.size() && !stop; i += batch) {
                        List<GeneratedEvent> b = events.subList(i, Math.min(events.size(), i + batch));
                        stack.generator().send(b, n -> { });
                        sent.addAndGet(b.size());
                        Thread.sleep(interval.toMillis()); // pacing of the source, not synchronisation
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "e2e-paced-sender");
            thread.setDaemon(true);
        }

        static PacedSender start(Stack stack, List<GeneratedEvent> events, int batch, Duration interval) {
            PacedSender s = new PacedSender(stack, events, batch, interval);
            s.thread.start();
            return s;
        }

        void awaitDone() throws InterruptedException {
            thread.join(Duration.ofSeconds(120).toMillis());
            assertThat(thread.isAlive()).as("sender finished").isFalse();
            assertThat(failure.get()).as("sender failure").isNull();
        }

        @Override
        public void close() {
            stop = true;
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
