package io.deptcrypt.devstack.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.devstack.StackConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --faults}: the names it takes, the default, and an error naming whatever is wrong. */
class SoakFaultsTest {

    private static final StackConfig ONE = StackConfig.defaults(Path.of("state"), Path.of("governance.yaml"));
    private static final StackConfig THREE = ONE.withBrokers(3);

    private static List<String> names(List<SoakFault> faults) {
        return faults.stream().map(SoakFault::name).toList();
    }

    @Test
    void theDefaultIsEveryFaultTheStackSupports() {
        assertThat(names(SoakFaults.parse(null, THREE))).containsExactly("broker", "kms", "encryptor");
        assertThat(names(SoakFaults.parse(null, ONE))).containsExactly("kms", "encryptor");
    }

    @Test
    void namedFaultsKeepTheirOrderAndNoneIsNone() {
        assertThat(names(SoakFaults.parse(" encryptor, kms ", ONE))).containsExactly("encryptor", "kms");
        assertThat(names(SoakFaults.parse("broker", THREE))).containsExactly("broker");
        assertThat(SoakFaults.parse("none", THREE)).isEmpty();
    }

    @Test
    void anUnknownNameIsNamedWithTheChoices() {
        assertThatThrownBy(() -> SoakFaults.parse("kms,disk", THREE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--faults: unknown fault 'disk'; choose from broker, kms, encryptor (comma-separated) or none");
    }

    @Test
    void emptyRepeatedAndMixedNamesAreRefused() {
        assertThatThrownBy(() -> SoakFaults.parse("kms,,encryptor", ONE)).hasMessageContaining("has an empty name");
        assertThatThrownBy(() -> SoakFaults.parse("", ONE)).hasMessageContaining("has an empty name");
        assertThatThrownBy(() -> SoakFaults.parse("kms,kms", ONE)).hasMessage("--faults: 'kms' is named twice");
        assertThatThrownBy(() -> SoakFaults.parse("none,kms", ONE))
                .hasMessage("--faults: 'none' cannot be combined with other faults");
    }

    @Test
    void aBrokerFaultOnOneBrokerSaysWhatItNeeds() {
        assertThatThrownBy(() -> SoakFaults.parse("broker,kms", ONE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--faults: 'broker' needs --brokers 3 or more (stopping the only node stops the stack),"
                        + " the stack has 1");
    }
}
