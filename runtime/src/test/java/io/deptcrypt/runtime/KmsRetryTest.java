package io.deptcrypt.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.crypto.EnvelopeException;
import io.deptcrypt.crypto.KeysTopicUnavailableException;
import io.deptcrypt.crypto.KmsUnavailableException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
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

    @Test
    void kmsAndKeysTopicOutagesAreRetriedOtherFailuresAreNot() {
        KmsRetry fast = new KmsRetry(Duration.ofMillis(1), Duration.ofMillis(2));
        AtomicInteger calls = new AtomicInteger();
        LongAdder retries = new LongAdder();
        String result = fast.call(() -> "test", () -> switch (calls.incrementAndGet()) {
            case 1 -> throw new KmsUnavailableException("throttled", null);
            case 2 -> throw new KeysTopicUnavailableException("not acknowledged", null);
            default -> "done";
        }, () -> false, retries);
        assertThat(result).isEqualTo("done");
        assertThat(retries.sum()).isEqualTo(2);

        AtomicInteger once = new AtomicInteger();
        assertThatThrownBy(() -> fast.call(() -> "test", () -> {
            once.incrementAndGet();
            throw new EnvelopeException("tampered");
        }, () -> false, retries)).isInstanceOf(EnvelopeException.class);
        assertThat(once).hasValue(1);
        // closing: the outage is rethrown instead of waited out
        assertThatThrownBy(() -> fast.call(() -> "test", () -> {
            throw new KeysTopicUnavailableException("down", null);
        }, () -> true, retries)).isInstanceOf(KeysTopicUnavailableException.class);
    }
}
