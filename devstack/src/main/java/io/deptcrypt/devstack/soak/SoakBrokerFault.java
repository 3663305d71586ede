package io.deptcrypt.devstack.soak;

import io.deptcrypt.devstack.Stack;
import io.deptcrypt.devstack.StackConfig;
import io.deptcrypt.embedded.NodeShutdown;
import java.time.Duration;
import java.util.Optional;

/**
 * The Kafka node leading the most shared-topic partitions stops uncontrolled (as after a crash: the controller fences
 * it only when its heartbeats stop) and starts again {@value #HOLD_SECONDS} s later. Needs three nodes or more.
 */
final class SoakBrokerFault implements SoakFault {

    static final String NAME = "broker";
    private static final int HOLD_SECONDS = 15;

    private int stopped = -1;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> unsupportedOn(StackConfig cfg) {
        return cfg.brokers() >= 3 ? Optional.empty()
                : Optional.of("needs --brokers 3 or more (stopping the only node stops the stack), the stack has " + cfg.brokers());
    }

    @Override
    public String begin(Stack stack) {
        String shared = stack.governance().topics().shared();
        stopped = stack.kafka().nodeLeadingMostPartitions(shared);
        stack.kafka().stopNode(stopped, NodeShutdown.UNCONTROLLED);
        return "node " + stopped + " (leader of most " + shared + " partitions) stopped uncontrolled";
    }

    @Override
    public Duration holds() {
        return Duration.ofSeconds(HOLD_SECONDS);
    }

    @Override
    public void end(Stack stack) {
        stack.kafka().startNode(stopped);
    }
}
