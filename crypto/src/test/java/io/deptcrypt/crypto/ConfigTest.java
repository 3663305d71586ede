package io.deptcrypt.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigTest {

    @Test
    void defaultsAreDocumentedAndFarBelowTheGcmLimit() {
        SealerConfig s = SealerConfig.defaults();
        assertThat(s.format()).isEqualTo(EnvelopeFormatId.AES_GCM_V1);
        assertThat(s.maxRecordsPerDataKey()).isEqualTo(1L << 24).isLessThanOrEqualTo(SealerConfig.GCM_RANDOM_NONCE_LIMIT / 256);
        assertThat(s.maxDataKeyAge()).isEqualTo(Duration.ofMinutes(15));
        OpenerConfig o = OpenerConfig.defaults();
        assertThat(o.maxCachedDataKeys()).isEqualTo(1000);
        assertThat(o.dataKeyTtl()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void invalidValuesNameTheField() {
        assertThatThrownBy(() -> new SealerConfig(EnvelopeFormatId.AES_GCM_V1, 0, Duration.ofMinutes(1)))
                .hasMessageContaining("maxRecordsPerDataKey");
        assertThatThrownBy(() -> new SealerConfig(EnvelopeFormatId.AES_GCM_V1, (1L << 32) + 1, Duration.ofMinutes(1)))
                .hasMessageContaining("maxRecordsPerDataKey").hasMessageContaining("2^32");
        assertThatThrownBy(() -> new SealerConfig(EnvelopeFormatId.AES_GCM_V1, 10, Duration.ZERO))
                .hasMessageContaining("maxDataKeyAge");
        assertThatThrownBy(() -> new SealerConfig(null, 10, Duration.ofMinutes(1))).hasMessageContaining("format");
        assertThatThrownBy(() -> new OpenerConfig(0, Duration.ofMinutes(1))).hasMessageContaining("maxCachedDataKeys");
        assertThatThrownBy(() -> new OpenerConfig(1, Duration.ofSeconds(-1))).hasMessageContaining("dataKeyTtl");
        assertThatThrownBy(() -> new SealContext("", "e", "t", 1, "c")).hasMessageContaining("department");
        assertThatThrownBy(() -> new SealContext("d", null, "t", 1, "c")).hasMessageContaining("eventId");
        assertThatThrownBy(() -> new SealContext("d", "e", "", 1, "c")).hasMessageContaining("topic");
    }
}
