package io.deptcrypt.embedded;

/** How {@link EmbeddedKafka#stopNode(int, NodeShutdown)} stops a node's broker; its controller then stops too. */
public enum NodeShutdown {

    /**
     * Kafka's controlled shutdown, what a broker does by default: it asks the active controller to move its
     * partition leaderships to other in-sync replicas and to take it out of the ISRs, waits until that is done, then
     * stops. Clients see leaders move before connections close. {@link EmbeddedKafka#close()} always stops this way.
     */
    CONTROLLED,

    /**
     * As close to a crash as one JVM allows: the broker stops without telling the controller. Its connections
     * close; its leaderships and ISR memberships stay until the active controller fences it for missing heartbeats
     * ({@code broker.session.timeout.ms}, 9 s by default), as after a crash. Unlike a crash, its logs are still
     * flushed and marked clean, so its next start needs no log recovery.
     */
    UNCONTROLLED
}
