package io.deptcrypt.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The demo's verdict: every event reached exactly its department exactly once (compared by event id). */
class DemoCheckTest {

    private static GeneratedEvent event(String id, String dept) {
        return new GeneratedEvent(id, dept, "m-" + id, "{}");
    }

    private static GeneratedEvent dealWon(String id) {
        return new GeneratedEvent(id, "deal-won", "m-" + id, "{}", Optional.of("deal-won"), new TreeSet<>(Set.of("sales", "finance")));
    }

    private static DeliveryLog.Delivery delivered(String consumer, String id, String dept) {
        return new DeliveryLog.Delivery(consumer, dept, id, 0, 0, "", "");
    }

    private static Map<String, GeneratedEvent> sent(GeneratedEvent... events) {
        Map<String, GeneratedEvent> m = new LinkedHashMap<>();
        for (GeneratedEvent e : events) {
            m.put(e.eventId(), e);
        }
        return m;
    }

    @Test
    void exactlyOnceToItsOwnDepartmentPasses() {
        var problems = Demo.checkExactlyOnce(sent(event("a", "finance"), event("b", "sales")), Map.of(
                "finance", List.of(delivered("finance", "a", "finance")),
                "sales", List.of(delivered("sales", "b", "sales"))));
        assertThat(problems).isEmpty();
    }

    @Test
    void aTypedEventReachingEachOfItsAudiencesOncePasses() {
        var problems = Demo.checkExactlyOnce(sent(dealWon("d"), event("a", "finance")), Map.of(
                "finance", List.of(delivered("finance", "d", "finance"), delivered("finance", "a", "finance")),
                "sales", List.of(delivered("sales", "d", "sales"))));
        assertThat(problems).isEmpty();
    }

    @Test
    void aTypedEventMissingAtOneAudienceOrTwiceAtAnotherIsReported() {
        var problems = Demo.checkExactlyOnce(sent(dealWon("d"), dealWon("e")), Map.of(
                "finance", List.of(delivered("finance", "d", "finance")),
                "sales", List.of(delivered("sales", "e", "sales"), delivered("sales", "e", "sales")),
                "hr", List.of(delivered("hr", "d", "hr"))));
        assertThat(problems).containsExactlyInAnyOrder(
                "2 event(s) never delivered: d (deal-won for finance, sales, not to sales), e (deal-won for finance, sales, not to finance)",
                "e (deal-won for finance, sales) was delivered 2 times to sales",
                "d (deal-won for finance, sales) was delivered to the hr consumer");
    }

    @Test
    void missingDuplicatedMisroutedAndForeignEventsAreEachReported() {
        var problems = Demo.checkExactlyOnce(sent(event("a", "finance"), event("b", "sales"), event("c", "sales")), Map.of(
                "finance", List.of(delivered("finance", "a", "finance"), delivered("finance", "a", "finance"),
                        delivered("finance", "c", "sales"), delivered("finance", "zzz", "finance")),
                "sales", List.of(delivered("sales", "c", "sales"))));
        assertThat(problems).containsExactlyInAnyOrder(
                "1 event(s) never delivered: b (sales)",
                "a (finance) was delivered 2 times to finance",
                "c (sales) was delivered to the finance consumer",
                "1 delivered event id(s) were never sent in this run");
    }
}
