package io.deptcrypt.devstack.soak;

import io.deptcrypt.devstack.Stack;
import java.time.Duration;

/**
 * The encryptor stops (Kafka Streams close: its open transaction is committed or aborted) and starts again at once;
 * the fault lasts as long as the new instance takes to get to RUNNING.
 */
final class SoakEncryptorFault implements SoakFault {

    static final String NAME = "encryptor";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String begin(Stack stack) {
        stack.stopEncryptor();
        return "encryptor stopped";
    }

    @Override
    public Duration holds() {
        return Duration.ZERO;
    }

    @Override
    public void end(Stack stack) throws InterruptedException {
        stack.startEncryptor();
    }
}
