package io.deptcrypt.devstack.soak;

import io.deptcrypt.crypto.EnvelopeHeaders;
import io.deptcrypt.devstack.Console;
import io.deptcrypt.devstack.DeliveryLog;
import io.deptcrypt.devstack.SealedRecord;
import io.deptcrypt.devstack.Stack;
import io.deptcrypt.devstack.StackException;
import io.deptcrypt.devstack.TopicReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One soak on a running stack: the {@link SoakSender} sends for the given time, a second thread injects the faults on
 * their schedule, this thread samples the stack twice a second and prints a progress line; then the tail drains
 * (bounded) and the shared topic and any department sink topics are read back for the counts of {@link SoakResult}.
 */
public final class SoakRun {

    /**
     * @param faultEvery   a fault begins every this often (the first after one period), cycling through {@code faults}
     * @param drainTimeout how long to wait after sending (and the last fault) for the remaining deliveries
     */
    public record Settings(Duration duration, int rate, List<SoakFault> faults, Duration faultEvery,
                           Duration progressEvery, Duration drainTimeout) {
        public Settings {
            faults = List.copyOf(faults);
        }
    }

    /** Partition keys the events are spread over; each belongs to one department. */
    static final int KEYS = 64;
    private static final long SAMPLE_MILLIS = 500;
    private static final Duration READ_BACK_TIMEOUT = Duration.ofSeconds(120);

    private final Stack stack;
    private final Settings settings;
    private final Console console;
    private final String shared;
    private final long t0 = System.nanoTime();
    private final SoakMetrics metrics = new SoakMetrics();
    private final List<SoakSample> samples = new ArrayList<>();
    private final List<SoakFaultRecord> faultLog = new CopyOnWriteArrayList<>();
    private final List<String> deliveredInOrder = new ArrayList<>();
    private final Map<String, Long> firstDeliveredAt = new HashMap<>();
    private volatile String currentFault = "-";
    private int deliveriesSeen;

    public SoakRun(Stack stack, Settings settings, Console console) {
        this.stack = stack;
        this.settings = settings;
        this.console = console;
        this.shared = stack.governance().topics().shared();
    }

    private long now() {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    public SoakResult run() throws InterruptedException {
        double loadAtStart = load();
        long until = settings.duration().toMillis();
        int bound = SoakTally.recoveryBound(settings.rate());
        console.line("soak: %d events/s for %s over %d partition keys; faults: %s every %d s; progress every %d s",
                settings.rate(), SoakReport.seconds(until), KEYS, settings.faults().isEmpty() ? "none"
                        : String.join(", ", settings.faults().stream().map(SoakFault::name).toList()),
                settings.faultEvery().toSeconds(), settings.progressEvery().toSeconds());
        SoakSender sender = SoakSender.start(stack.generator(), stack.governance().departmentNames(), settings.rate(), KEYS,
                until, this::now);
        Thread faults = new Thread(() -> injectFaults(until), "deptcrypt-soak-faults");
        faults.setDaemon(true);
        long sendingMillis;
        long drainStart;
        boolean drained;
        try {
            faults.start();
            long nextProgress = settings.progressEvery().toMillis();
            Set<Integer> recoveredLogged = new HashSet<>();
            while (!sender.done() || faults.isAlive()) {
                nextProgress = sampleAndReport(sender, nextProgress, bound, recoveredLogged);
                pause();
            }
            sendingMillis = Math.min(until, now());
            drainStart = now();
            long deadline = drainStart + settings.drainTimeout().toMillis();
            console.line("soak: sending done (%d sent); draining the tail (at most %s)", sender.ackedCount(),
                    SoakReport.seconds(settings.drainTimeout().toMillis()));
            do {
                nextProgress = sampleAndReport(sender, nextProgress, bound, recoveredLogged);
                drained = SoakTally.lost(sender.acked(), firstDeliveredAt.keySet()) == 0;
                if (!drained) {
                    pause();
                }
            } while (!drained && now() < deadline);
        } finally {
            sender.stop();
            faults.interrupt();
            faults.join();
        }
        long drainMillis = now() - drainStart;
        List<SoakSent> sent = sender.acked();
        console.line("soak: reading the shared topic back (read_committed)");
        List<String> sharedIds = sharedTopicIds(sender);
        Optional<SoakResult.TopicCount> onShared = Optional.ofNullable(sharedIds).map(SoakRun::count);
        Map<String, SoakResult.TopicCount> sinks = new LinkedHashMap<>();
        List<String> missingSinks = new ArrayList<>();
        sinkTopicCounts(sender, sinks, missingSinks);

        List<Long> lags = new ArrayList<>();
        List<Long> backlogs = new ArrayList<>();
        for (SoakSample s : samples) {
            if (s.consumerLag() >= 0) {
                lags.add(s.consumerLag());
            }
            backlogs.add((long) s.backlog());
        }
        List<SoakResult.Fault> faultResults = new ArrayList<>();
        long end = now();
        for (int i = 0; i < faultLog.size(); i++) {
            SoakFaultRecord f = faultLog.get(i);
            long lookUntil = i + 1 < faultLog.size() ? faultLog.get(i + 1).began() : end;
            OptionalLong recovered = f.ended() < 0 ? OptionalLong.empty()
                    : SoakTally.recovery(f.ended(), lookUntil, samples, bound);
            long peakUntil = recovered.isPresent() ? f.ended() + recovered.getAsLong() : lookUntil;
            faultResults.add(new SoakResult.Fault(f, recovered, lookUntil, SoakTally.peakBacklog(f.began(), peakUntil, samples),
                    SoakTally.timeOverBound(f.began(), peakUntil, samples, bound)));
        }
        return new SoakResult(settings.rate(), stack.config().brokers(), loadAtStart, load(), sendingMillis, drainMillis,
                drained, sent.size(), sender.failed(), metrics.sealed(stack), onShared, firstDeliveredAt.size(),
                SoakTally.medianWindowRate(firstDeliveredAt.values(), 0, sendingMillis),
                lags.stream().mapToLong(Long::longValue).max().orElse(-1), lags.isEmpty() ? -1 : SoakTally.percentile(lags, 50),
                backlogs.stream().mapToLong(Long::longValue).max().orElse(0), SoakTally.percentile(backlogs, 50), bound,
                SoakTally.lost(sent, firstDeliveredAt.keySet()), SoakTally.duplicates(deliveredInOrder), sinks, missingSinks,
                SoakTally.outOfOrder(sent, deliveredInOrder), sharedIds == null ? -1 : SoakTally.outOfOrder(sent, sharedIds),
                faultResults);
    }

    /** Takes a sample; prints the progress line when due and each fault's recovery when first seen. */
    private long sampleAndReport(SoakSender sender, long nextProgress, int bound, Set<Integer> recoveredLogged) {
        SoakSample s = sample(sender);
        for (SoakFaultRecord f : faultLog) {
            if (f.ended() >= 0 && !recoveredLogged.contains(f.number()) && s.backlog() <= bound) {
                recoveredLogged.add(f.number());
                console.line("soak: %s fault #%d %s: recovered %s after its end (backlog %d <= %d)",
                        SoakReport.clock(s.at()), f.number(), f.name(), SoakReport.seconds(s.at() - f.ended()), s.backlog(), bound);
            }
        }
        if (s.at() < nextProgress) {
            return nextProgress;
        }
        String failure = stack.failure().map(f -> "  stack failure: " + f).orElse("");
        console.line("soak: %s sent=%d sealed=%d delivered=%d consumer-lag=%s backlog=%d fault=%s%s", SoakReport.clock(s.at()),
                s.sent(), s.sealed(), s.delivered(), s.consumerLag() < 0 ? "n/a" : Long.toString(s.consumerLag()), s.backlog(),
                currentFault, sender.failed() == 0 ? failure : failure + "  not acknowledged by SQS: " + sender.failed()
                        + " (" + sender.lastFailure() + ")");
        return nextProgress + settings.progressEvery().toMillis();
    }

    private SoakSample sample(SoakSender sender) {
        int sent = sender.ackedCount(); // before the deliveries: an event counted delivered is then never unsent
        List<DeliveryLog.Delivery> all = stack.deliveries().all();
        long at = now();
        for (int i = deliveriesSeen; i < all.size(); i++) {
            String id = all.get(i).eventId();
            if (sender.generated(id)) {
                deliveredInOrder.add(id);
                firstDeliveredAt.putIfAbsent(id, at);
            }
        }
        deliveriesSeen = all.size();
        SoakSample s = new SoakSample(at, sent, metrics.sealed(stack), firstDeliveredAt.size(),
                SoakMetrics.consumerLag(stack, shared));
        samples.add(s);
        return s;
    }

    private void injectFaults(long until) {
        List<SoakFault> faults = settings.faults();
        if (faults.isEmpty()) {
            return;
        }
        long every = settings.faultEvery().toMillis();
        try {
            for (int n = 1; n * every < until; n++) {
                waitUntil(n * every);
                SoakFault fault = faults.get((n - 1) % faults.size());
                long began = now();
                String detail;
                try {
                    detail = fault.begin(stack);
                } catch (RuntimeException e) {
                    faultLog.add(new SoakFaultRecord(n, fault.name(), "-", began, -1, Optional.of(String.valueOf(e.getMessage()))));
                    console.line("soak: %s fault #%d %s could not begin: %s", SoakReport.clock(began), n, fault.name(), e.getMessage());
                    continue;
                }
                currentFault = fault.name() + " since " + SoakReport.clock(began);
                console.line("soak: %s fault #%d %s: %s%s", SoakReport.clock(began), n, fault.name(), detail,
                        fault.holds().isZero() ? "" : " for " + SoakReport.seconds(fault.holds().toMillis()));
                waitUntil(began + fault.holds().toMillis());
                Optional<String> error = Optional.empty();
                try {
                    fault.end(stack);
                } catch (RuntimeException e) {
                    error = Optional.of(String.valueOf(e.getMessage()));
                }
                long ended = error.isPresent() ? -1 : now();
                faultLog.add(new SoakFaultRecord(n, fault.name(), detail, began, ended, error));
                currentFault = "-";
                console.line("soak: %s fault #%d %s: %s", SoakReport.clock(now()), n, fault.name(),
                        error.map(e -> "could not be undone: " + e).orElse("undone (" + SoakReport.seconds(ended - began) + " in all)"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The schedule: waits for a point in the soak's own time (not for anything to happen). */
    private void waitUntil(long at) throws InterruptedException {
        long left = at - now();
        if (left > 0) {
            TimeUnit.MILLISECONDS.sleep(left);
        }
    }

    private static void pause() throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(SAMPLE_MILLIS); // the sampling period
    }

    /** This run's event ids on the shared topic, partition after partition in offset order; null if unreadable. */
    private List<String> sharedTopicIds(SoakSender sender) {
        try {
            return SealedRecord.readAll(stack.kafka().adminClientProperties(), shared, READ_BACK_TIMEOUT).stream()
                    .sorted(Comparator.comparingInt((SealedRecord r) -> r.record().partition())
                            .thenComparingLong(r -> r.record().offset()))
                    .map(SealedRecord::eventId).filter(sender::generated).toList();
        } catch (StackException e) {
            console.line("soak: cannot read %s back: %s", shared, e.getMessage());
            return null;
        }
    }

    /**
     * Each department's sink topic {@code <dept>.events}, if this stack has it: its records carry the event id in the
     * {@value EnvelopeHeaders#EVENT_ID} header (else their key is taken for it).
     */
    private void sinkTopicCounts(SoakSender sender, Map<String, SoakResult.TopicCount> counts, List<String> missing) {
        Set<String> topics;
        try (Admin admin = stack.kafka().admin()) {
            topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            console.line("soak: cannot list the topics: %s", e.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        for (String department : stack.governance().departmentNames()) {
            String topic = department + ".events";
            if (!topics.contains(topic)) {
                missing.add(topic);
                continue;
            }
            try {
                List<String> ids = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(stack.kafka().adminClientProperties(), topic,
                        READ_BACK_TIMEOUT)) {
                    String id = EnvelopeHeaders.eventId(r.headers())
                            .orElse(r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8));
                    if (sender.generated(id)) {
                        ids.add(id);
                    }
                }
                counts.put(topic, count(ids));
            } catch (StackException e) {
                console.line("soak: cannot read %s back: %s", topic, e.getMessage());
            }
        }
    }

    private static SoakResult.TopicCount count(List<String> ids) {
        return new SoakResult.TopicCount((int) ids.stream().distinct().count(), SoakTally.duplicates(ids));
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
