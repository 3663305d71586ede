package io.deptcrypt.control;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/** Kafka client properties for the control commands, from the running stack's endpoints. */
final class KafkaClientSettings {

    private KafkaClientSettings() {}

    static Map<String, Object> from(EndpointsFile endpoints) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, endpoints.require("KAFKA_BOOTSTRAP_SERVERS"));
        return p;
    }
}
