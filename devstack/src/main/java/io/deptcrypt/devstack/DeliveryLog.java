package io.deptcrypt.devstack;

import io.deptcrypt.consumers.DepartmentSink;
import io.deptcrypt.consumers.OpenedEvent;
import io.deptcrypt.consumers.PrintingSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Every event the stack's department consumers opened, in arrival order: the demo prints and checks them, the
 * end-to-end tests assert on them. Held in memory only (it is what the consumers' sinks received anyway).
 */
public final class DeliveryLog {

    /**
     * One event handed to a department consumer's sink.
     *
     * @param consumer  the department whose consumer opened it
     * @param rendered  the seed's three blocks (ORIGINAL MESSAGE / DECRYPTED MESSAGE / PARTITION)
     * @param plaintext the opened event data
     */
    public record Delivery(String consumer, String department, String eventId, int partition, long offset,
                           String rendered, String plaintext) {
        @Override
        public String toString() {
            return "Delivery[" + consumer + " got " + eventId + " (" + department + ") at " + partition + "@" + offset + "]";
        }
    }

    private final List<Delivery> deliveries = new ArrayList<>();

    /** The sink for one department's consumer. */
    public DepartmentSink sinkFor(String consumerDepartment) {
        return event -> record(consumerDepartment, event);
    }

    private synchronized void record(String consumer, OpenedEvent e) {
        deliveries.add(new Delivery(consumer, e.department(), e.eventId(), e.partition(), e.offset(),
                PrintingSink.format(e), new String(e.plaintext(), StandardCharsets.UTF_8)));
        notifyAll();
    }

    public synchronized List<Delivery> all() {
        return List.copyOf(deliveries);
    }

    /** Deliveries of the given events only, by consumer department (every department present, possibly empty). */
    public synchronized Map<String, List<Delivery>> byConsumer(Collection<String> departments, Collection<String> eventIds) {
        Set<String> ids = new HashSet<>(eventIds);
        Map<String, List<Delivery>> out = new LinkedHashMap<>();
        departments.forEach(d -> out.put(d, new ArrayList<>()));
        for (Delivery d : deliveries) {
            if (ids.contains(d.eventId())) {
                out.computeIfAbsent(d.consumer(), k -> new ArrayList<>()).add(d);
            }
        }
        return out;
    }

    /** How many of the given event ids have been delivered at least once. */
    public synchronized int deliveredOf(Collection<String> eventIds) {
        Set<String> wanted = new HashSet<>(eventIds);
        Set<String> seen = new HashSet<>();
        for (Delivery d : deliveries) {
            if (wanted.contains(d.eventId())) {
                seen.add(d.eventId());
            }
        }
        return seen.size();
    }

    /**
     * Waits until every given event id was delivered at least once, or the timeout passes.
     *
     * @param progress called with the delivered count whenever it changes
     * @return true if all arrived
     */
    public boolean awaitDelivered(Collection<String> eventIds, Duration timeout,
                                  IntConsumer progress) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (true) {
            int n;
            synchronized (this) {
                n = deliveredOf(eventIds);
                if (n != last) {
                    progress.accept(n);
                    last = n;
                }
                if (n >= eventIds.size()) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, Math.min(left / 1_000_000, 500)));
            }
        }
    }
}
