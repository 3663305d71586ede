package io.deptcrypt.control;

import io.deptcrypt.governance.Governance;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * Kafka client properties for a control command acting as one governance application, from the running stack's
 * endpoints: {@code KAFKA_BOOTSTRAP_SERVERS}, and when the stack's broker authenticates,
 * {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_MECHANISM} and the application's {@code <APP>_KAFKA_USERNAME} /
 * {@code <APP>_KAFKA_PASSWORD}.
 */
public final class KafkaClientSettings {

    private KafkaClientSettings() {}

    public static Map<String, Object> of(EndpointsFile endpoints, String application) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, endpoints.require("KAFKA_BOOTSTRAP_SERVERS"));
        Optional<String> protocol = endpoints.get("KAFKA_SECURITY_PROTOCOL");
        if (protocol.isPresent() && protocol.get().startsWith("SASL_")) {
            String env = Governance.envName(application);
            String mechanism = endpoints.get("KAFKA_SASL_MECHANISM").orElse("SCRAM-SHA-512");
            p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol.get());
            p.put(SaslConfigs.SASL_MECHANISM, mechanism);
            p.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(mechanism, endpoints.require(env + "_KAFKA_USERNAME"),
                    endpoints.require(env + "_KAFKA_PASSWORD")));
        }
        return p;
    }

    /** As the stack's Kafka administrator, from its admin file ({@code KAFKA_ADMIN_USERNAME}, {@code KAFKA_ADMIN_PASSWORD}). */
    public static Map<String, Object> admin(EndpointsFile endpoints, EndpointsFile admin) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, endpoints.require("KAFKA_BOOTSTRAP_SERVERS"));
        String mechanism = endpoints.get("KAFKA_SASL_MECHANISM").orElse("SCRAM-SHA-512");
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, endpoints.require("KAFKA_SECURITY_PROTOCOL"));
        p.put(SaslConfigs.SASL_MECHANISM, mechanism);
        p.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(mechanism, admin.require("KAFKA_ADMIN_USERNAME"),
                admin.require("KAFKA_ADMIN_PASSWORD")));
        return p;
    }

    /** The JAAS line of a SCRAM or PLAIN login (the password is quoted, so it may hold any character but {@code "}). */
    static String jaas(String mechanism, String user, String password) {
        String module = mechanism.startsWith("SCRAM-") ? "org.apache.kafka.common.security.scram.ScramLoginModule"
                : "org.apache.kafka.common.security.plain.PlainLoginModule";
        if (user.contains("\"") || password.contains("\"")) {
            throw new IllegalArgumentException("Kafka credentials must not contain a double quote");
        }
        return module + " required username=\"" + user + "\" password=\"" + password + "\";";
    }
}
