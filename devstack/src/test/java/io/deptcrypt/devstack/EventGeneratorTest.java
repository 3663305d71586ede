package io.deptcrypt.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventGeneratorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void eventsAreTheSeedShapeWithUniqueIdsAndMarkersOnlyInTheData() throws Exception {
        EventGenerator gen = new EventGenerator(null, "unused", List.of("finance", "sales"), new Random(7));
        List<GeneratedEvent> events = gen.generate(200);

        Set<String> ids = new HashSet<>();
        Set<String> markers = new HashSet<>();
        for (GeneratedEvent e : events) {
            JsonNode root = JSON.readTree(e.body());
            assertThat(root.get("department").asText()).isEqualTo(e.department()).isIn("finance", "sales");
            assertThat(root.get("eventId").asText()).isEqualTo(e.eventId());
            assertThat(root.get("data").isObject()).isTrue();
            assertThat(root.get("data").toString()).contains(e.marker());
            assertThat(e.eventId()).doesNotContain(e.marker());
            ids.add(e.eventId());
            markers.add(e.marker());
        }
        assertThat(ids).hasSize(200);
        assertThat(markers).hasSize(200);
        assertThat(events.get(0).department()).isEqualTo("finance");
        assertThat(events.get(1).department()).isEqualTo("sales");
        assertThat(events.stream().filter(e -> e.department().equals("finance")).count()).isBetween(60L, 140L);
    }

    @Test
    void twoGeneratorsNeverShareEventIds() {
        GeneratedEvent a = new EventGenerator(null, "q", List.of("finance"), new Random(1)).event("finance");
        GeneratedEvent b = new EventGenerator(null, "q", List.of("finance"), new Random(1)).event("finance");
        assertThat(a.eventId()).isNotEqualTo(b.eventId());
        assertThat(a.marker()).isNotEqualTo(b.marker());
    }

    @Test
    void noDepartmentsIsRefused() {
        assertThatThrownBy(() -> new EventGenerator(null, "q", List.of(), new Random()))
                .hasMessageContaining("no departments");
    }
}
