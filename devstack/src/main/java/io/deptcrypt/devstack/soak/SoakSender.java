package io.deptcrypt.devstack.soak;

import io.deptcrypt.devstack.EventGenerator;
import io.deptcrypt.devstack.GeneratedEvent;
import io.deptcrypt.devstack.StackException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Sends events at a steady rate on a thread of its own: small SendMessageBatch calls on a fixed schedule (at most 10
 * events, at most 10 calls a second), so the load is even rather than bursty; a call that falls behind is caught up
 * at once. Each event carries one of {@code keys} partition keys, round robin; each key belongs to one department,
 * so that its events go to one consumer, whose delivery order can be compared with the send order.
 */
final class SoakSender {

    private static final Logger LOG = LoggerFactory.getLogger(SoakSender.class);

    private final EventGenerator generator;
    private final List<String> departments;
    private final int rate;
    private final int keys;
    private final long untilMillis;
    private final LongSupplier clock;
    private final Thread thread;
    private final Map<String, SoakSent> generated = new HashMap<>();
    private final List<SoakSent> acked = new ArrayList<>();
    private final int[] sequences;
    private volatile boolean stop;
    private volatile int failed;
    private volatile String lastFailure;

    private SoakSender(EventGenerator generator, List<String> departments, int rate, int keys, long untilMillis, LongSupplier clock) {
        this.generator = generator;
        this.departments = List.copyOf(departments);
        this.rate = rate;
        this.keys = keys;
        this.untilMillis = untilMillis;
        this.clock = clock;
        this.sequences = new int[keys];
        this.thread = new Thread(this::run, "deptcrypt-soak-sender");
        this.thread.setDaemon(true);
    }

    /**
     * @param untilMillis when to stop sending, on {@code clock}
     * @param clock       milliseconds since the soak began
     */
    static SoakSender start(EventGenerator generator, List<String> departments, int rate, int keys, long untilMillis,
                            LongSupplier clock) {
        SoakSender s = new SoakSender(generator, departments, rate, keys, untilMillis, clock);
        s.thread.start();
        return s;
    }

    private void run() {
        int perCall = Math.max(1, Math.min(10, rate / 10));
        double callEveryMillis = 1000.0 * perCall / rate;
        long first = clock.getAsLong();
        int next = 0;
        for (long call = 0; !stop; call++) {
            long due = first + Math.round(call * callEveryMillis);
            if (due >= untilMillis) {
                break;
            }
            long wait = due - clock.getAsLong();
            if (wait > 0) {
                try {
                    TimeUnit.MILLISECONDS.sleep(wait); // pacing to the schedule, not waiting for anything
                } catch (InterruptedException e) {
                    return;
                }
            }
            List<SoakSent> batch = new ArrayList<>(perCall);
            List<GeneratedEvent> events = new ArrayList<>(perCall);
            for (int i = 0; i < perCall; i++, next++) {
                int key = next % keys;
                // the generator carries the key as the FIFO group id, or as the body's partitionKey on a standard queue
                GeneratedEvent event = generator.event(departments.get(key % departments.size()), Optional.of(keyName(key)));
                events.add(event);
                batch.add(new SoakSent(event.eventId(), keyName(key), ++sequences[key], -1));
            }
            synchronized (this) {
                batch.forEach(e -> generated.put(e.eventId(), e));
            }
            try {
                generator.send(events, n -> { });
                long now = clock.getAsLong();
                synchronized (this) {
                    batch.forEach(e -> acked.add(new SoakSent(e.eventId(), e.key(), e.sequence(), now)));
                }
            } catch (StackException | SdkException e) {
                failed += batch.size();
                lastFailure = e.getMessage();
                LOG.warn("soak: SQS did not acknowledge {} event(s): {}", batch.size(), e.getMessage());
            }
        }
    }

    static String keyName(int key) {
        return String.format(Locale.ROOT, "soak-key-%02d", key);
    }

    /** Whether this run generated the event (acknowledged or not). */
    synchronized boolean generated(String eventId) {
        return generated.containsKey(eventId);
    }

    synchronized int ackedCount() {
        return acked.size();
    }

    synchronized List<SoakSent> acked() {
        return List.copyOf(acked);
    }

    /** Events SQS did not acknowledge (not counted as sent). */
    int failed() {
        return failed;
    }

    String lastFailure() {
        return lastFailure;
    }

    boolean done() {
        return !thread.isAlive();
    }

    /** Stops sending (an SQS call under way is interrupted) and waits for the thread to end. */
    void stop() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join();
    }
}
