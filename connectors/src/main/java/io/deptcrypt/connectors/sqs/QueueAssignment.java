package io.deptcrypt.connectors.sqs;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits queues among tasks. Standard queues tolerate competing consumers, so every task reads every standard
 * queue; a FIFO queue is read by exactly one task (round robin), which keeps each message group in order.
 */
final class QueueAssignment {

    private QueueAssignment() {
    }

    /** One list of queues per task; never more tasks than can have work, never an empty task. */
    static List<List<SqsQueue>> assign(List<SqsQueue> queues, int maxTasks) {
        if (maxTasks < 1) {
            throw new IllegalArgumentException("maxTasks must be at least 1, was " + maxTasks);
        }
        List<SqsQueue> standard = queues.stream().filter(q -> !q.fifo()).toList();
        List<SqsQueue> fifo = queues.stream().filter(SqsQueue::fifo).toList();
        int tasks = standard.isEmpty() ? Math.min(maxTasks, fifo.size()) : maxTasks;
        List<List<SqsQueue>> out = new ArrayList<>(tasks);
        for (int t = 0; t < tasks; t++) {
            out.add(new ArrayList<>(standard));
        }
        for (int i = 0; i < fifo.size(); i++) {
            out.get(i % tasks).add(fifo.get(i));
        }
        return out.stream().map(List::copyOf).toList();
    }
}
