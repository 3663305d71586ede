package io.deptcrypt.devstack;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.localkms.LocalKms;
import io.deptcrypt.localkms.LocalKmsConfig;
import java.nio.file.Path;

/**
 * localkms, restartable on the same port with the same state (keys, access keys, audit log): the end-to-end tests
 * take it away mid-stream and bring it back.
 */
final class RestartableKms {

    private final Governance governance;
    private final Path stateDir;
    private volatile LocalKms kms;

    private RestartableKms(Governance governance, Path stateDir, LocalKms kms) {
        this.governance = governance;
        this.stateDir = stateDir;
        this.kms = kms;
    }

    static RestartableKms start(Governance governance, Path stateDir, int port) {
        return new RestartableKms(governance, stateDir, LocalKms.start(LocalKmsConfig.of(governance, stateDir).withPort(port)));
    }

    /** The current server (stopped after {@link #stop()} until {@link #restart()}). */
    LocalKms current() {
        return kms;
    }

    int port() {
        return kms.port();
    }

    /** Stops localkms; clients get connection refused until {@link #restart()}. No-op if stopped. */
    synchronized void stop() {
        kms.stop();
    }

    /** Starts localkms again on the same port with the same state. */
    synchronized void restart() {
        int port = kms.port();
        kms.stop();
        kms = LocalKms.start(LocalKmsConfig.of(governance, stateDir).withPort(port));
    }
}
