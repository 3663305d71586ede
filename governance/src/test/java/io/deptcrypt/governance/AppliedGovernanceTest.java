package io.deptcrypt.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AppliedGovernanceTest {

    @Test
    void roundTripsAndParsesTheText() {
        AppliedGovernance a = AppliedGovernance.of(3, Instant.parse("2026-12-03T10:00:00Z"), "key-admin",
                GovernanceLoaderTest.VALID);
        AppliedGovernance back = AppliedGovernance.fromJson(a.toJson(), "t");
        assertThat(back).isEqualTo(a);
        assertThat(back.governance("deptcrypt.governance").departmentNames()).containsExactly("finance", "sales");
        assertThat(back.governance("deptcrypt.governance").source()).isEqualTo("deptcrypt.governance (applied version 3)");
    }

    @Test
    void refusesForeignOrAlteredRecords() {
        assertThatThrownBy(() -> AppliedGovernance.fromJson("garbage".getBytes(StandardCharsets.UTF_8), "gov@0"))
                .hasMessage("gov@0: not an applied-governance record (not JSON)");
        String altered = new String(AppliedGovernance.of(1, Instant.EPOCH, "key-admin", "a: 1").toJson(),
                StandardCharsets.UTF_8).replace("\"text\":\"a: 1\"", "\"text\":\"a: 2\"");
        assertThatThrownBy(() -> AppliedGovernance.fromJson(altered.getBytes(StandardCharsets.UTF_8), "gov@1"))
                .hasMessage("gov@1: the text does not match its sha256");
        assertThatThrownBy(() -> AppliedGovernance.fromJson("{\"version\":1}".getBytes(StandardCharsets.UTF_8), "gov@2"))
                .hasMessageContaining("needs version, appliedAt, sha256, text");
    }
}
