package io.deptcrypt.localkms.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;

/** How AWS JSON 1.1 responses encode values. */
final class AwsJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AwsJson() {}

    static ObjectNode object() {
        return NODES.objectNode();
    }

    /** Epoch seconds with millisecond fraction, as AWS JSON timestamps are. */
    static JsonNode epochSeconds(Instant t) {
        return NODES.numberNode(BigDecimal.valueOf(t.toEpochMilli()).movePointLeft(3));
    }
}
