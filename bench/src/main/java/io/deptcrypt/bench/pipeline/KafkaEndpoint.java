package io.deptcrypt.bench.pipeline;

import io.deptcrypt.runtime.KafkaLogin;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * How a benchmark client reaches one of the bench brokers: its bootstrap servers and its login ({@link #toString()}
 * never shows the password).
 */
record KafkaEndpoint(String bootstrap, KafkaLogin login) {

    static KafkaEndpoint plaintext(String bootstrap) {
        return new KafkaEndpoint(bootstrap, KafkaLogin.plaintext());
    }

    /** SASL/SCRAM-SHA-512 over a plaintext connection, as {@code user}. */
    static KafkaEndpoint scram(String bootstrap, String user, String password) {
        return new KafkaEndpoint(bootstrap, new KafkaLogin(KafkaLogin.Protocol.SASL_PLAINTEXT,
                KafkaLogin.Mechanism.SCRAM_SHA_512, Optional.of(user), Optional.of(password)));
    }

    /** {@code bootstrap.servers} and the login's settings, for any Kafka client; a new mutable map. */
    Map<String, Object> clientProperties() {
        Map<String, Object> p = new LinkedHashMap<>(login.clientProperties());
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return p;
    }
}
