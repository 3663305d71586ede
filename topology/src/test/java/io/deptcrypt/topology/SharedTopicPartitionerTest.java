package io.deptcrypt.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SharedTopicPartitionerTest {

    private static int partition(Partitioning p, String department, String eventId) {
        // the record key plays no part: AES_GCM_V2 records have none
        return new SharedTopicPartitioner(p).partitions("shared", null, new SealedEvent(department, eventId, new byte[0]),
                6).orElseThrow().iterator().next();
    }

    @Test
    void eventIdPartitioningUsesEveryPartitionForOneDepartmentAndIsStable() {
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int p = partition(Partitioning.EVENT_ID, "finance", "event-" + i);
            assertThat(p).isBetween(0, 5).isEqualTo(partition(Partitioning.EVENT_ID, "finance", "event-" + i));
            used.add(p);
        }
        assertThat(used).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
    }

    @Test
    void departmentPartitioningKeepsADepartmentOnOnePartition() {
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            used.add(partition(Partitioning.DEPARTMENT, "finance", "event-" + i));
        }
        assertThat(used).hasSize(1);
    }
}
