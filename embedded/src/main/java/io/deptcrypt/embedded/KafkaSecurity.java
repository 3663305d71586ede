package io.deptcrypt.embedded;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.apache.kafka.common.security.scram.ScramLoginModule;

/**
 * The security an {@link EmbeddedKafka} cluster runs with: clients authenticate with SASL/SCRAM-SHA-512 (no TLS),
 * Kafka's {@code StandardAuthorizer} decides with {@code allow.everyone.if.no.acl.found=false}, and
 * {@link #superUser()} is the one super user, for the stack's own administration.
 *
 * <p>The super user's SCRAM credential is written when a data dir is formatted; a cluster started again on that dir
 * must be given the same password (or the one it was changed to through the Admin API).
 *
 * <p>User names and passwords pass through Kafka's {@code --add-scram} argument syntax and JAAS config strings, so
 * both are restricted to characters that need no quoting there; {@link #toString()} never shows the password.
 */
public record KafkaSecurity(String superUser, String superUserPassword) {

    /** The only SASL mechanism client listeners accept. */
    public static final String MECHANISM = "SCRAM-SHA-512";

    private static final Pattern USER = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    // Printable ASCII without space, '"', ',' and '\': safe in "name=...,password=..." and in a quoted JAAS value.
    private static final Pattern PASSWORD = Pattern.compile("[!#-+\\--\\[\\]-~]{8,128}");

    public KafkaSecurity {
        checkUser(superUser);
        checkPassword(superUser, superUserPassword);
    }

    /** SCRAM-SHA-512 client authentication with {@code superUser} as the cluster's super user. */
    public static KafkaSecurity scram(String superUser, String superUserPassword) {
        return new KafkaSecurity(superUser, superUserPassword);
    }

    @Override
    public String toString() {
        return "KafkaSecurity[SASL_PLAINTEXT " + MECHANISM + ", superUser=" + superUser + ", superUserPassword=(hidden)]";
    }

    static void checkUser(String user) {
        if (user == null || !USER.matcher(user).matches()) {
            throw new IllegalArgumentException("Kafka user name must be 1-64 of A-Z a-z 0-9 . _ @ -, was "
                    + (user == null ? "null" : "'" + user + "'"));
        }
    }

    /** Fails without repeating the password: it could be nearly right, and messages end up in logs. */
    static void checkPassword(String user, String password) {
        if (password == null || !PASSWORD.matcher(password).matches()) {
            throw new IllegalArgumentException("password of Kafka user '" + user + "' must be 8-128 printable ASCII"
                    + " characters without space, '\"', ',' or '\\'");
        }
    }

    /** Client settings that authenticate as {@code user} on a client listener. */
    static Map<String, Object> scramClientProperties(String bootstrapServers, String user, String password) {
        checkUser(user);
        checkPassword(user, password);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_PLAINTEXT.name);
        p.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
        p.put(SaslConfigs.SASL_JAAS_CONFIG, scramJaas(user, password));
        return p;
    }

    /** A client-side SCRAM login. */
    static String scramJaas(String user, String password) {
        return ScramLoginModule.class.getName() + " required username=\"" + user + "\" password=\"" + password + "\";";
    }

    /**
     * A PLAIN login that is both the client side ({@code username}, {@code password}) and the server side's only
     * account ({@code user_<name>}): every node uses it to reach the others' internal and controller listeners.
     */
    static String plainJaas(String user, String password) {
        return PlainLoginModule.class.getName() + " required username=\"" + user + "\" password=\"" + password
                + "\" user_" + user + "=\"" + password + "\";";
    }
}
