package io.deptcrypt.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

class KmsRetryTest {

    static final ConfigDef DEF = KmsRetry.define(new ConfigDef());

    static ConfigCheck check(Map<String, String> raw) {
        return ConfigCheck.of(DEF, ConfigProperties.of(raw, "retry.properties", null, null));
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertThat(KmsRetry.from(check(Map.of()))).contains(KmsRetry.defaults());
        assertThat(KmsRetry.defaults()).isEqualTo(new KmsRetry(Duration.ofMillis(100), Duration.ofSeconds(5)));
    }

    @Test
    void theCeilingFollowsALargerFirstWaitUnlessSetAndMayNotBeBelowIt() {
        assertThat(KmsRetry.from(check(Map.of("kms.retry.initial.ms", "8000"))))
                .contains(new KmsRetry(Duration.ofSeconds(8), Duration.ofSeconds(8)));
        ConfigCheck below = check(Map.of("kms.retry.initial.ms", "100", "kms.retry.max.ms", "10"));
        assertThat(KmsRetry.from(below)).isEmpty();
        assertThat(below.problems()).containsExactly("kms.retry.max.ms: 10 is below kms.retry.initial.ms (100)");
        ConfigCheck zero = check(Map.of("kms.retry.initial.ms", "0"));
        assertThat(KmsRetry.from(zero)).isEmpty();
        assertThat(zero.problems()).containsExactly("kms.retry.initial.ms: invalid value '0': Value must be at least 1");
    }
}
