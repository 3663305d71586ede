package io.deptcrypt.embedded;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/** Who leads and who is in sync for a topic's partitions, as the cluster reports it through the Admin API. */
final class TopicReplication {

    private TopicReplication() {
    }

    /** The topic's partitions, by partition number. */
    static List<TopicPartitionInfo> describe(Admin admin, String topic) {
        TopicDescription d = AdminRequests.await(admin.describeTopics(List.of(topic)).allTopicNames(),
                "describe topic " + topic).get(topic);
        return d.partitions().stream().sorted(Comparator.comparingInt(TopicPartitionInfo::partition)).toList();
    }

    /** The node leading the partition, or -1 while it has no leader. */
    static int leaderOf(Admin admin, String topic, int partition) {
        return describe(admin, topic).stream().filter(p -> p.partition() == partition).findFirst()
                .map(TopicReplication::leaderId)
                .orElseThrow(() -> new IllegalArgumentException("topic " + topic + " has no partition " + partition));
    }

    /** The node leading the most partitions of the topic (the lowest id among equals). */
    static int nodeLeadingMostPartitions(Admin admin, String topic) {
        Map<Integer, Long> counts = describe(admin, topic).stream().map(TopicReplication::leaderId)
                .filter(id -> id >= 0).collect(Collectors.groupingBy(id -> id, TreeMap::new, Collectors.counting()));
        return counts.entrySet().stream().max(Map.Entry.<Integer, Long>comparingByValue()
                        .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
                .map(Map.Entry::getKey)
                .orElseThrow(() -> new IllegalStateException("no partition of topic " + topic + " has a leader"));
    }

    /** Waits until every partition has a leader and all its replicas in sync. */
    static void awaitFullyReplicated(Admin admin, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<TopicPartitionInfo> partitions = describe(admin, topic);
            if (!partitions.isEmpty() && partitions.stream().allMatch(TopicReplication::fullyReplicated)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + topic + " not fully replicated within " + timeout
                        + "; last seen " + summary(partitions));
            }
            AdminRequests.pause(100, "the ISRs of topic " + topic);
        }
    }

    private static boolean fullyReplicated(TopicPartitionInfo p) {
        return leaderId(p) >= 0 && ids(p.isr()).equals(ids(p.replicas()));
    }

    private static int leaderId(TopicPartitionInfo p) {
        return p.leader() == null || p.leader().isEmpty() ? -1 : p.leader().id();
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).sorted().toList();
    }

    private static String summary(List<TopicPartitionInfo> partitions) {
        return partitions.stream().map(p -> p.partition() + ": leader " + leaderId(p) + " replicas " + ids(p.replicas())
                + " isr " + ids(p.isr())).collect(Collectors.joining("; ", "[", "]"));
    }
}
