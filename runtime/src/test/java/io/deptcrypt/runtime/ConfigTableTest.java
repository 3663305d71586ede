package io.deptcrypt.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.junit.jupiter.api.Test;

class ConfigTableTest {

    @Test
    void oneRowPerKeyInDefinitionOrderWithEverythingFromTheDefinition() {
        ConfigDef def = new ConfigDef()
                .define("z.required", Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "First | second")
                .define("a.count", Type.INT, 5, Range.between(1, 10), Importance.LOW, "How many.")
                .define("m.secret", Type.PASSWORD, null, Importance.LOW, "Hidden.");
        assertThat(ConfigTable.markdown(def, "p.")).isEqualTo("""
                | key | type | default | valid values | description |
                |---|---|---|---|---|
                | `p.z.required` | string | required | non-empty string | First \\| second |
                | `p.a.count` | int | `5` | [1,...,10] | How many. |
                | `p.m.secret` | password | not set |  | Hidden. |
                """);
    }
}
