package io.deptcrypt.devstack.soak;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a soak run measured.
 *
 * @param sendingMillis   how long events were sent
 * @param drainMillis     how long the tail took to drain after sending (and the last fault) ended
 * @param drained         whether every sent event was delivered before the drain timeout
 * @param sent            events sent and acknowledged by SQS
 * @param sendFailures    events SQS did not acknowledge (not in {@code sent})
 * @param sealed          records the encryptor sealed (its metric over all its instances; includes aborted attempts)
 * @param shared          this run's events on the shared topic, read_committed; empty if it could not be read
 * @param delivered       distinct events of this run the department consumers delivered
 * @param throughput      median delivery rate of the 10 s windows while sending, events/s (NaN: run too short)
 * @param sinks           this run's events on each department sink topic {@code <dept>.events} that exists
 * @param missingSinks    the department sink topics that do not exist on this stack
 * @param outOfOrder      events delivered after a later-sent event of their key (see {@link SoakTally#outOfOrder})
 * @param sharedOutOfOrder the same on the shared topic, in offset order (all of a key's events are on one partition):
 *                        how much of the disorder was there before any consumer; -1 if it could not be read
 * @param lagMax          -1 if no consumer's {@code records-lag} metric was ever read
 */
public record SoakResult(
        int rate,
        int brokers,
        double loadAtStart,
        double loadAtEnd,
        long sendingMillis,
        long drainMillis,
        boolean drained,
        int sent,
        int sendFailures,
        long sealed,
        Optional<TopicCount> shared,
        int delivered,
        double throughput,
        long lagMax,
        long lagP50,
        long backlogMax,
        long backlogP50,
        int recoveryBound,
        int lost,
        SoakTally.Duplicates deliveryDuplicates,
        Map<String, TopicCount> sinks,
        List<String> missingSinks,
        int outOfOrder,
        int sharedOutOfOrder,
        List<Fault> faults) {

    /** This run's events on a topic: how many distinct ones, and those found more than once. */
    public record TopicCount(int distinct, SoakTally.Duplicates duplicates) {}

    /**
     * A fault and its recovery.
     *
     * @param recoveredAfter milliseconds from the fault's end until the backlog was back under the bound; empty if it
     *                       was not by {@code lookedUntil} (the next fault's beginning or the end of the run)
     * @param peakBacklog    the largest backlog from the fault's beginning until it recovered (or {@code lookedUntil})
     * @param overBound      milliseconds of that time with the backlog over the recovery bound
     */
    public record Fault(SoakFaultRecord record, OptionalLong recoveredAfter, long lookedUntil, int peakBacklog,
                        long overBound) {}

    public SoakResult {
        shared = shared == null ? Optional.empty() : shared;
        sinks = Map.copyOf(sinks);
        missingSinks = List.copyOf(missingSinks);
        faults = List.copyOf(faults);
    }

    /** Nothing lost, nothing out of order: the soak's exit code 0. */
    public boolean ok() {
        return lost == 0 && outOfOrder == 0;
    }
}
