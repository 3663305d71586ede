package io.deptcrypt.connectors.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class QueueAssignmentTest {

    static SqsQueue q(String name) {
        return SqsQueue.of("https://sqs.us-east-1.amazonaws.com/111122223333/" + name);
    }

    @Test
    void everyTaskReadsEveryStandardQueue() {
        var tasks = QueueAssignment.assign(List.of(q("a"), q("b")), 3);
        assertThat(tasks).hasSize(3).allSatisfy(t -> assertThat(t).containsExactly(q("a"), q("b")));
    }

    @Test
    void eachFifoQueueIsReadByExactlyOneTask() {
        var tasks = QueueAssignment.assign(List.of(q("s"), q("f1.fifo"), q("f2.fifo"), q("f3.fifo")), 2);
        assertThat(tasks).hasSize(2);
        assertThat(tasks.get(0)).containsExactly(q("s"), q("f1.fifo"), q("f3.fifo"));
        assertThat(tasks.get(1)).containsExactly(q("s"), q("f2.fifo"));
    }

    @Test
    void noIdleTasksForFifoOnly() {
        var tasks = QueueAssignment.assign(List.of(q("f1.fifo"), q("f2.fifo")), 5);
        assertThat(tasks).containsExactly(List.of(q("f1.fifo")), List.of(q("f2.fifo")));
        assertThatThrownBy(() -> QueueAssignment.assign(List.of(q("a")), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void connectorPassesAssignmentAndTaskIds() {
        var connector = new SqsSourceConnector();
        connector.start(SqsSourceConfigTest.with("sqs.queue.urls",
                "https://sqs.us-east-1.amazonaws.com/111122223333/f1.fifo,https://sqs.us-east-1.amazonaws.com/111122223333/f2.fifo"));
        var configs = connector.taskConfigs(4);
        assertThat(configs).hasSize(2);
        assertThat(configs.get(0)).containsEntry(SqsSourceConfig.TASK_ID, "0")
                .containsEntry(SqsSourceConfig.TASK_QUEUE_URLS, "https://sqs.us-east-1.amazonaws.com/111122223333/f1.fifo")
                .containsEntry("topic", "ingest");
        assertThat(configs.get(1)).containsEntry(SqsSourceConfig.TASK_ID, "1");
    }
}
