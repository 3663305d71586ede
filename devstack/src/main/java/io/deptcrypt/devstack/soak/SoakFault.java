package io.deptcrypt.devstack.soak;

import io.deptcrypt.devstack.Stack;
import io.deptcrypt.devstack.StackConfig;
import java.time.Duration;
import java.util.Optional;

/**
 * One kind of fault the soak injects on its schedule: {@link #begin} brings it about, {@link #holds} later
 * {@link #end} undoes it. A new kind (an instance of a scaled-out app, say) is one class and one line in
 * {@link SoakFaults}.
 */
public interface SoakFault {

    /** The name {@code --faults} takes. */
    String name();

    /** Why this fault cannot run on a stack of this configuration (for example a single broker), or empty. */
    default Optional<String> unsupportedOn(StackConfig cfg) {
        return Optional.empty();
    }

    /** Brings the fault about; returns what it did, for the fault log (for example which node it stopped). */
    String begin(Stack stack) throws InterruptedException;

    /** How long the fault lasts between {@link #begin} and {@link #end}. */
    Duration holds();

    /** Ends the fault: what was stopped runs again. Returns once it does. */
    void end(Stack stack) throws InterruptedException;
}
