package io.deptcrypt.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * How an app logs in to Kafka, as this application and nobody else: the security protocol, the SASL mechanism and,
 * for SCRAM and PLAIN, the application's own user and password. The local stack's broker takes SCRAM-SHA-512 over
 * SASL_PLAINTEXT; MSK takes AWS_MSK_IAM over SASL_SSL with the task role (no user or password). Every Kafka client an
 * app opens (Streams, the governance watcher, the data-key directory) uses {@link #clientProperties()}.
 *
 * @param protocol  {@code security.protocol}
 * @param mechanism {@code sasl.mechanism} (only with a SASL protocol)
 * @param username  the SCRAM/PLAIN user
 * @param password  its password; {@link #toString()} never shows it
 */
public record KafkaLogin(Protocol protocol, Mechanism mechanism, Optional<String> username, Optional<String> password) {

    /** Kafka's {@code security.protocol} values. */
    public enum Protocol { PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL;

        boolean sasl() {
            return this == SASL_PLAINTEXT || this == SASL_SSL;
        }
    }

    /** The SASL mechanisms deptcrypt apps log in with; the config spelling is Kafka's ({@code SCRAM-SHA-512}). */
    public enum Mechanism {
        SCRAM_SHA_512("SCRAM-SHA-512"), SCRAM_SHA_256("SCRAM-SHA-256"), PLAIN("PLAIN"), AWS_MSK_IAM("AWS_MSK_IAM");

        private final String kafkaName;

        Mechanism(String kafkaName) {
            this.kafkaName = kafkaName;
        }

        public String kafkaName() {
            return kafkaName;
        }

        boolean needsPassword() {
            return this != AWS_MSK_IAM;
        }
    }

    public static final String SECURITY_PROTOCOL = "kafka.security.protocol";
    public static final String SECURITY_PROTOCOL_DOC = "How this app connects to Kafka: PLAINTEXT, SSL, SASL_PLAINTEXT"
            + " (the local stack's broker) or SASL_SSL (MSK).";
    public static final String SECURITY_PROTOCOL_DEFAULT = Protocol.PLAINTEXT.name();

    public static final String SASL_MECHANISM = "kafka.sasl.mechanism";
    public static final String SASL_MECHANISM_DOC = "With a SASL protocol: SCRAM-SHA-512 (the local stack), SCRAM-SHA-256,"
            + " PLAIN, or AWS_MSK_IAM (MSK with the task's IAM role; needs SASL_SSL and no user).";
    public static final String SASL_MECHANISM_DEFAULT = Mechanism.SCRAM_SHA_512.kafkaName();

    public static final String SASL_USERNAME = "kafka.sasl.username";
    public static final String SASL_USERNAME_DOC = "This application's own Kafka user (SCRAM or PLAIN); the broker's ACLs"
            + " decide by it what the app may read and write.";
    public static final String SASL_USERNAME_DEFAULT = null;

    public static final String SASL_PASSWORD = "kafka.sasl.password";
    public static final String SASL_PASSWORD_DOC = "The password of " + SASL_USERNAME + ". Never shown in messages.";
    public static final String SASL_PASSWORD_DEFAULT = null;

    /** The Kafka client settings these keys own: the passthrough ({@code streams.}, ...) must not set them. */
    public static final Map<String, String> OWN_KAFKA_SETTINGS = Map.of(
            CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "set it with '" + SECURITY_PROTOCOL + "' instead",
            SaslConfigs.SASL_MECHANISM, "set it with '" + SASL_MECHANISM + "' instead",
            SaslConfigs.SASL_JAAS_CONFIG, "set " + SASL_USERNAME + " and " + SASL_PASSWORD + " (or " + SASL_MECHANISM
                    + "=AWS_MSK_IAM) instead",
            SaslConfigs.SASL_CLIENT_CALLBACK_HANDLER_CLASS, "set " + SASL_MECHANISM + " instead");

    private static final String NAMES = "SCRAM-SHA-512, SCRAM-SHA-256, PLAIN, AWS_MSK_IAM";

    public static KafkaLogin plaintext() {
        return new KafkaLogin(Protocol.PLAINTEXT, Mechanism.SCRAM_SHA_512, Optional.empty(), Optional.empty());
    }

    public static ConfigDef define(ConfigDef d) {
        return d.define(SECURITY_PROTOCOL, Type.STRING, SECURITY_PROTOCOL_DEFAULT, EnumChoice.of(Protocol.class),
                        Importance.HIGH, SECURITY_PROTOCOL_DOC)
                .define(SASL_MECHANISM, Type.STRING, SASL_MECHANISM_DEFAULT, ConfigDef.ValidString.in(
                        Mechanism.SCRAM_SHA_512.kafkaName(), Mechanism.SCRAM_SHA_256.kafkaName(),
                        Mechanism.PLAIN.kafkaName(), Mechanism.AWS_MSK_IAM.kafkaName()), Importance.HIGH, SASL_MECHANISM_DOC)
                .define(SASL_USERNAME, Type.STRING, SASL_USERNAME_DEFAULT, Importance.HIGH, SASL_USERNAME_DOC)
                .define(SASL_PASSWORD, Type.PASSWORD, SASL_PASSWORD_DEFAULT, Importance.HIGH, SASL_PASSWORD_DOC);
    }

    /** Reads the keys and checks they fit together; empty when a problem was recorded in {@code c}. */
    public static Optional<KafkaLogin> from(ConfigCheck c) {
        if (!c.usable(SECURITY_PROTOCOL, SASL_MECHANISM, SASL_USERNAME, SASL_PASSWORD)) {
            return Optional.empty();
        }
        int before = c.problems().size();
        Protocol protocol = c.getEnum(SECURITY_PROTOCOL, Protocol.class);
        Mechanism mechanism = mechanism(c.getString(SASL_MECHANISM));
        Optional<String> user = c.getOptional(SASL_USERNAME);
        Optional<String> password = c.getOptional(SASL_PASSWORD);
        if (!protocol.sasl()) {
            if (user.isPresent() || password.isPresent()) {
                c.problem(user.isPresent() ? SASL_USERNAME : SASL_PASSWORD, "is only used with " + SECURITY_PROTOCOL
                        + "=SASL_PLAINTEXT or SASL_SSL (it is " + protocol + ")");
            }
        } else if (mechanism.needsPassword()) {
            if (user.isEmpty() || password.isEmpty()) {
                c.problem(user.isEmpty() ? SASL_USERNAME : SASL_PASSWORD, "is missing; " + mechanism.kafkaName()
                        + " logs in with this application's own user and password");
            } else if (user.get().contains("\"") || password.get().contains("\"")) {
                c.problem(user.get().contains("\"") ? SASL_USERNAME : SASL_PASSWORD, "must not contain a double quote");
            }
        } else {
            if (protocol != Protocol.SASL_SSL) {
                c.problem(SECURITY_PROTOCOL, "AWS_MSK_IAM needs SASL_SSL (it is " + protocol + ")");
            }
            if (user.isPresent() || password.isPresent()) {
                c.problem(user.isPresent() ? SASL_USERNAME : SASL_PASSWORD,
                        "is not used with AWS_MSK_IAM (the task's IAM role logs in)");
            }
        }
        return c.problems().size() > before ? Optional.empty()
                : Optional.of(new KafkaLogin(protocol, mechanism, user, password));
    }

    private static Mechanism mechanism(String kafkaName) {
        for (Mechanism m : Mechanism.values()) {
            if (m.kafkaName().equals(kafkaName)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown SASL mechanism " + kafkaName + " (known: " + NAMES + ")");
    }

    /** security.protocol and, with SASL, sasl.mechanism and the login, for any Kafka client of the app. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol.name());
        if (!protocol.sasl()) {
            return p;
        }
        p.put(SaslConfigs.SASL_MECHANISM, mechanism.kafkaName());
        switch (mechanism) {
            case AWS_MSK_IAM -> {
                p.put(SaslConfigs.SASL_JAAS_CONFIG, "software.amazon.msk.auth.iam.IAMLoginModule required;");
                p.put(SaslConfigs.SASL_CLIENT_CALLBACK_HANDLER_CLASS,
                        "software.amazon.msk.auth.iam.IAMClientCallbackHandler");
            }
            case PLAIN -> p.put(SaslConfigs.SASL_JAAS_CONFIG, jaas("org.apache.kafka.common.security.plain.PlainLoginModule"));
            default -> p.put(SaslConfigs.SASL_JAAS_CONFIG, jaas("org.apache.kafka.common.security.scram.ScramLoginModule"));
        }
        return p;
    }

    private String jaas(String module) {
        return module + " required username=\"" + username.orElseThrow() + "\" password=\"" + password.orElseThrow() + "\";";
    }

    @Override
    public String toString() {
        return "KafkaLogin[" + protocol + (protocol.sasl() ? " " + mechanism.kafkaName() + username.map(u -> " as " + u)
                .orElse("") : "") + "]";
    }
}
