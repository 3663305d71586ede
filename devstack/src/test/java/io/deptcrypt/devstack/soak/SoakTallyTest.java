package io.deptcrypt.devstack.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The soak's counting: lost, duplicated, out of order, the median window rate, percentiles and recovery. */
class SoakTallyTest {

    private static SoakSent sent(String id, String key, int sequence) {
        return new SoakSent(id, key, sequence, 0);
    }

    private static final List<SoakSent> SENT = List.of(sent("a1", "a", 1), sent("a2", "a", 2), sent("a3", "a", 3),
            sent("b1", "b", 1), sent("b2", "b", 2));

    @Test
    void lostAreTheSentEventsNeverDelivered() {
        assertThat(SoakTally.lost(SENT, List.of("a1", "a3", "b1", "b2", "zz"))).isEqualTo(1);
        assertThat(SoakTally.lost(SENT, List.of("a1", "a2", "a3", "b1", "b2"))).isZero();
        assertThat(SoakTally.lost(SENT, List.of())).isEqualTo(5);
    }

    @Test
    void duplicatesCountEventsAndTheirExtraCopies() {
        SoakTally.Duplicates d = SoakTally.duplicates(List.of("a1", "a2", "a1", "b1", "a1", "b1", "b2"));
        assertThat(d.events()).isEqualTo(2);
        assertThat(d.extraCopies()).isEqualTo(3);
        assertThat(SoakTally.duplicates(List.of("a1", "a2")).events()).isZero();
    }

    @Test
    void aLateEventCountsOnceAndOnlyWithinItsKey() {
        // a2 arrives after a3: one out of order; b's interleaving with a's does not matter.
        assertThat(SoakTally.outOfOrder(SENT, List.of("a1", "b1", "a3", "b2", "a2"))).isEqualTo(1);
        // a1 overtaken by both others still counts once.
        assertThat(SoakTally.outOfOrder(SENT, List.of("a2", "a3", "a1"))).isEqualTo(1);
        assertThat(SoakTally.outOfOrder(SENT, List.of("a1", "a2", "b1", "a3", "b2"))).isZero();
    }

    @Test
    void onlyTheFirstDeliveryOfAnEventIsComparedAndForeignIdsAreIgnored() {
        // The second a1 (a redelivery after a3) is not out of order: its first delivery was in order.
        assertThat(SoakTally.outOfOrder(SENT, List.of("a1", "a2", "a3", "a1", "other", "b1"))).isZero();
        // A gap (a2 lost) is not disorder.
        assertThat(SoakTally.outOfOrder(SENT, List.of("a1", "a3"))).isZero();
    }

    @Test
    void throughputIsTheMedianOfWholeTenSecondWindows() {
        List<Long> at = new ArrayList<>();
        addEvents(at, 0, 1000);      // window 0: 100/s
        addEvents(at, 10_000, 500);  // window 1: 50/s (a fault)
        addEvents(at, 20_000, 1200); // window 2: 120/s (catching up)
        addEvents(at, 30_000, 50);   // a partial window from 30 s to 35 s: left out
        assertThat(SoakTally.medianWindowRate(at, 0, 35_000)).isEqualTo(100.0);
        assertThat(SoakTally.medianWindowRate(at, 0, 20_000)).isEqualTo(75.0); // even count: mean of the middle two
        assertThat(SoakTally.medianWindowRate(at, 0, 9_999)).isNaN();
    }

    private static void addEvents(List<Long> at, long windowStart, int count) {
        for (int i = 0; i < count; i++) {
            at.add(windowStart + (long) i * 10_000 / count);
        }
    }

    @Test
    void percentilesAreNearestRank() {
        List<Long> values = List.of(5L, 1L, 4L, 2L, 3L);
        assertThat(SoakTally.percentile(values, 50)).isEqualTo(3);
        assertThat(SoakTally.percentile(values, 100)).isEqualTo(5);
        assertThat(SoakTally.percentile(List.of(), 50)).isZero();
    }

    @Test
    void recoveryIsTheFirstSampleAfterTheEndWithTheBacklogUnderTheBound() {
        List<SoakSample> samples = List.of(new SoakSample(1000, 100, 0, 10, 0), // before the end: not looked at
                new SoakSample(2000, 200, 0, 50, 0), new SoakSample(2500, 250, 0, 180, 0),
                new SoakSample(3000, 300, 0, 290, 0));
        assertThat(SoakTally.recovery(1500, 10_000, samples, 100)).isEqualTo(OptionalLong.of(1000));
        assertThat(SoakTally.recovery(1500, 10_000, samples, 10)).isEqualTo(OptionalLong.of(1500));
        assertThat(SoakTally.recovery(1500, 2900, samples, 10)).isEmpty(); // the next fault began first
        assertThat(SoakTally.recoveryBound(100)).isEqualTo(100);
        assertThat(SoakTally.recoveryBound(1)).isEqualTo(10);
    }

    @Test
    void timeOverTheBoundCountsEachSampleOverItUntilTheNextWithinTheGivenTimes() {
        List<SoakSample> samples = List.of(new SoakSample(1000, 500, 0, 0, 0), new SoakSample(1500, 600, 0, 400, 0),
                new SoakSample(2000, 700, 0, 690, 0), new SoakSample(2500, 800, 0, 600, 0), new SoakSample(3000, 900, 0, 890, 0));
        // Over 100 at 1000 (500), 1500 (200) and 2500 (200): 500 ms + 500 ms + 500 ms.
        assertThat(SoakTally.timeOverBound(0, 10_000, samples, 100)).isEqualTo(1500);
        assertThat(SoakTally.timeOverBound(1200, 10_000, samples, 100)).isEqualTo(1000);
        assertThat(SoakTally.timeOverBound(0, 1200, samples, 100)).isEqualTo(200); // cut at until
        assertThat(SoakTally.timeOverBound(0, 10_000, samples, 1000)).isZero();
    }

    @Test
    void thePeakBacklogIsTakenBetweenTheGivenTimesOnly() {
        List<SoakSample> samples = List.of(new SoakSample(1000, 500, 0, 0, 0), new SoakSample(2000, 200, 0, 50, 0),
                new SoakSample(3000, 300, 0, 180, 0), new SoakSample(4000, 400, 0, 390, 0));
        assertThat(SoakTally.peakBacklog(1500, 3500, samples)).isEqualTo(150);
        assertThat(SoakTally.peakBacklog(0, 10_000, samples)).isEqualTo(500);
        assertThat(SoakTally.peakBacklog(5000, 6000, samples)).isZero();
    }
}
