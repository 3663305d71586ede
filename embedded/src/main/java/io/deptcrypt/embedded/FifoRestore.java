package io.deptcrypt.embedded;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.elasticmq.actor.queue.InternalMessage;
import org.elasticmq.msg.CreateQueue;
import org.elasticmq.msg.RestoreMessages;
import scala.jdk.javaapi.CollectionConverters;
import scala.util.Right;

/**
 * Gives ElasticMQ's restore of a FIFO queue back its FIFO order.
 *
 * <p>ElasticMQ 1.7.1's SQL store reads every message back as a standard one ({@code DBMessage.toInternalMessage}:
 * {@code isFifo = false}, {@code orderIndex = 0}), so a restored message group is served by next delivery time: a
 * message in flight at the stop goes behind later messages of its group instead of holding the group until its
 * visibility timeout ends, and messages sent in the same millisecond come back in any order. Per-key order then
 * breaks across every restart of the devstack.
 *
 * <p>This stands between the store and the queue manager during the restore only: it hands the store, for each
 * FIFO queue, a stand-in for the queue actor that rewrites the restored messages as FIFO messages ranked in send
 * order (time sent, then SQS sequence number, which ElasticMQ assigns in send order within a run) before passing
 * them on.
 */
final class FifoRestore {

    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);

    private FifoRestore() {
    }

    /** A queue manager for {@code QueueEvent.Restore}: it forwards to {@code queueManager}. */
    static Props queueManager(ActorRef queueManager) {
        return Props.create(QueueManagerStandIn.class, () -> new QueueManagerStandIn(queueManager));
    }

    /** The restored messages of one FIFO queue, as FIFO messages in send order. */
    static List<InternalMessage> inSendOrder(List<InternalMessage> restored) {
        List<InternalMessage> sorted = restored.stream()
                .sorted(Comparator.comparing((InternalMessage m) -> m.created().toInstant()).thenComparingLong(FifoRestore::sequence))
                .toList();
        return IntStream.range(0, sorted.size()).mapToObj(i -> asFifo(sorted.get(i), i)).toList();
    }

    private static long sequence(InternalMessage m) {
        if (m.sequenceNumber().isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(m.sequenceNumber().get());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static InternalMessage asFifo(InternalMessage m, int rank) {
        return new InternalMessage(m.id(), m.deliveryReceipts(), m.nextDelivery(), m.content(), m.messageAttributes(),
                m.created(), rank, m.firstReceive(), m.receiveCount(), true, m.messageGroupId(),
                m.messageDeduplicationId(), m.tracingId(), m.sequenceNumber(), m.deadLetterSourceQueueName());
    }

    /** Answers the store's {@code CreateQueue} with the queue actor, or for a FIFO queue with its stand-in. */
    static final class QueueManagerStandIn extends AbstractActor {
        private final ActorRef queueManager;

        QueueManagerStandIn(ActorRef queueManager) {
            this.queueManager = queueManager;
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder()
                    .match(CreateQueue.class, create -> {
                        boolean fifo = create.request().isFifo();
                        var system = getContext().getSystem();
                        var reply = Patterns.ask(queueManager, create, ASK_TIMEOUT).thenApply(answer -> {
                            if (fifo && answer instanceof Right<?, ?> right && right.value() instanceof ActorRef queue) {
                                return Right.apply(system.actorOf(
                                        Props.create(QueueStandIn.class, () -> new QueueStandIn(queue))));
                            }
                            return answer;
                        });
                        Patterns.pipe(reply, getContext().getDispatcher()).to(getSender());
                    })
                    .matchAny(other -> queueManager.forward(other, getContext()))
                    .build();
        }
    }

    /** Rewrites one FIFO queue's {@code RestoreMessages}, passes it on with the store as sender, then stops. */
    static final class QueueStandIn extends AbstractActor {
        private final ActorRef queue;

        QueueStandIn(ActorRef queue) {
            this.queue = queue;
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder()
                    .match(RestoreMessages.class, restore -> {
                        List<InternalMessage> fifo = inSendOrder(CollectionConverters.asJava(restore.messages()));
                        queue.forward(new RestoreMessages(CollectionConverters.asScala(fifo).toList()), getContext());
                        getContext().stop(getSelf());
                    })
                    .matchAny(other -> queue.forward(other, getContext()))
                    .build();
        }
    }
}
