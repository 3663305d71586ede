package io.deptcrypt.devstack.soak;

import io.deptcrypt.devstack.Stack;
import java.time.Duration;

/** localkms stops for {@value #HOLD_SECONDS} s (clients get connection refused), then runs again on its port and state. */
final class SoakKmsFault implements SoakFault {

    static final String NAME = "kms";
    private static final int HOLD_SECONDS = 20;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String begin(Stack stack) {
        stack.stopKms();
        return "localkms stopped";
    }

    @Override
    public Duration holds() {
        return Duration.ofSeconds(HOLD_SECONDS);
    }

    @Override
    public void end(Stack stack) {
        stack.restartKms();
    }
}
