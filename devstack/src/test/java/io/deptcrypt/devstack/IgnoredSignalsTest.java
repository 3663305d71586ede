package io.deptcrypt.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** SIGINT is ignored exactly when bit 1 of the SigIgn mask in /proc/self/status is set. */
class IgnoredSignalsTest {

    @Test
    void readsTheSigIgnMask() {
        // what a job started in the background by a script has: SIGINT and SIGQUIT ignored
        assertThat(IgnoredSignals.sigint(List.of("Name:\tjava", "SigIgn:\t0000000000000006", "SigCgt:\t0"))).isTrue();
        // SIGQUIT only (after `env --default-signal=INT`)
        assertThat(IgnoredSignals.sigint(List.of("SigIgn:\t0000000000000004"))).isFalse();
        assertThat(IgnoredSignals.sigint(List.of("SigIgn:\t0000000000000000"))).isFalse();
        assertThat(IgnoredSignals.sigint(List.of("Name:\tjava"))).isFalse();
    }
}
