package io.deptcrypt.devstack.soak;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/** The soak's arithmetic on what it sent, saw delivered and sampled; no I/O. */
public final class SoakTally {

    /**
     * A fault has recovered once the end-to-end backlog (sent and acknowledged, not yet delivered) is at most this many
     * seconds of sending: in steady state the stack holds well under half a second in flight (SQS, Connect, the
     * encryptor's 100 ms commits, the consumers), so one second is back to normal with room for a slow moment.
     */
    public static final int RECOVERY_BOUND_SECONDS = 1;
    /** Throughput is the median of the delivery rates of windows this long. */
    public static final long WINDOW_MILLIS = 10_000;

    private SoakTally() {}

    /** Events delivered more than once, and the copies beyond the first. */
    public record Duplicates(int events, int extraCopies) {}

    /** The backlog under which a fault counts as recovered, for {@code rate} events/s. */
    public static int recoveryBound(int rate) {
        return Math.max(10, RECOVERY_BOUND_SECONDS * rate);
    }

    /** Events sent (and acknowledged) that are not among the delivered ones. */
    public static int lost(Collection<SoakSent> sent, Collection<String> deliveredIds) {
        Set<String> delivered = new HashSet<>(deliveredIds);
        int lost = 0;
        for (SoakSent s : sent) {
            if (!delivered.contains(s.eventId())) {
                lost++;
            }
        }
        return lost;
    }

    /** Event ids that occur more than once among {@code ids}. */
    public static Duplicates duplicates(Collection<String> ids) {
        Map<String, Integer> counts = new HashMap<>();
        ids.forEach(id -> counts.merge(id, 1, Integer::sum));
        int events = 0;
        int extra = 0;
        for (int n : counts.values()) {
            if (n > 1) {
                events++;
                extra += n - 1;
            }
        }
        return new Duplicates(events, extra);
    }

    /**
     * Events delivered after an event of the same key that was sent later: per key, each event's first delivery in
     * arrival order is compared with the latest send position delivered before it. A late event counts once; the
     * events it was overtaken by do not. Ids not in {@code sent} are ignored.
     */
    public static int outOfOrder(Collection<SoakSent> sent, List<String> deliveredInArrivalOrder) {
        Map<String, SoakSent> byId = new HashMap<>();
        sent.forEach(s -> byId.put(s.eventId(), s));
        Map<String, Integer> highest = new HashMap<>();
        Set<String> seen = new HashSet<>();
        int late = 0;
        for (String id : deliveredInArrivalOrder) {
            SoakSent s = byId.get(id);
            if (s == null || !seen.add(id)) {
                continue;
            }
            int before = highest.getOrDefault(s.key(), 0);
            if (s.sequence() < before) {
                late++;
            } else {
                highest.put(s.key(), s.sequence());
            }
        }
        return late;
    }

    /** The largest backlog among the samples from {@code from} to {@code until}; 0 if there are none. */
    public static int peakBacklog(long from, long until, List<SoakSample> samples) {
        int peak = 0;
        for (SoakSample s : samples) {
            if (s.at() >= from && s.at() <= until) {
                peak = Math.max(peak, s.backlog());
            }
        }
        return peak;
    }

    /**
     * How long the backlog was over {@code bound} from {@code from} to {@code until}: each such sample counts until the
     * next one. A fault whose effect is over before it is undone (a broker's leaderships move to the other nodes) has
     * its cost here, not in its recovery time.
     */
    public static long timeOverBound(long from, long until, List<SoakSample> samples, int bound) {
        long over = 0;
        for (int i = 0; i + 1 < samples.size(); i++) {
            SoakSample s = samples.get(i);
            if (s.at() >= from && s.at() < until && s.backlog() > bound) {
                over += Math.min(samples.get(i + 1).at(), until) - s.at();
            }
        }
        return over;
    }

    /**
     * The median delivery rate (events/s) of the whole {@link #WINDOW_MILLIS} windows from {@code from} to
     * {@code to}, by each event's first delivery time; NaN if not one whole window fits.
     */
    public static double medianWindowRate(Collection<Long> firstDeliveredAt, long from, long to) {
        int windows = (int) ((to - from) / WINDOW_MILLIS);
        if (windows < 1) {
            return Double.NaN;
        }
        long[] counts = new long[windows];
        for (long at : firstDeliveredAt) {
            if (at >= from) {
                long w = (at - from) / WINDOW_MILLIS;
                if (w < windows) {
                    counts[(int) w]++;
                }
            }
        }
        List<Double> rates = new ArrayList<>();
        for (long c : counts) {
            rates.add(c * 1000.0 / WINDOW_MILLIS);
        }
        rates.sort(null);
        int mid = rates.size() / 2;
        return rates.size() % 2 == 1 ? rates.get(mid) : (rates.get(mid - 1) + rates.get(mid)) / 2;
    }

    /** The nearest-rank percentile {@code p} (0-100) of {@code values}; 0 for none. */
    public static long percentile(Collection<Long> values, double p) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /**
     * How long after {@code faultEnded} the backlog was first at most {@code bound}, looking only at samples up to
     * {@code until} (the next fault's beginning or the end of the run); empty if it never was.
     */
    public static OptionalLong recovery(long faultEnded, long until, List<SoakSample> samples, int bound) {
        for (SoakSample s : samples) {
            if (s.at() >= faultEnded && s.at() <= until && s.backlog() <= bound) {
                return OptionalLong.of(s.at() - faultEnded);
            }
        }
        return OptionalLong.empty();
    }
}
