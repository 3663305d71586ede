package io.deptcrypt.devstack;

import io.deptcrypt.control.EndpointsFile;
import io.deptcrypt.control.plan.KafkaPasswords;
import io.deptcrypt.embedded.KafkaSecurity;
import io.deptcrypt.governance.Governance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stack's Kafka logins, kept owner-only in its state directory in the form of {@code endpoints.env}:
 * {@code kafka-admin.env} holds the broker's one super user, for the stack's own administration only (generated on
 * the first start, the same ever after: the broker stores its credential when it formats its log directory), and
 * {@code kafka-users.env} the password of every governance application's SCRAM user as the last start left it, so a
 * restart keeps them.
 */
final class KafkaLogins {

    static final String ADMIN_USER = "deptcrypt-admin";
    static final String ADMIN_USERNAME = "KAFKA_ADMIN_USERNAME";
    static final String ADMIN_PASSWORD = "KAFKA_ADMIN_PASSWORD";
    private static final String USERNAME_SUFFIX = "_KAFKA_USERNAME";
    private static final String PASSWORD_SUFFIX = "_KAFKA_PASSWORD";

    private KafkaLogins() {}

    /**
     * The super user: read from {@code kafka-admin.env}, or generated into it on the first start.
     *
     * @throws StackException if the broker's log directory exists but this file does not: that broker was formatted
     *                        without authentication (or with a credential now lost)
     */
    static KafkaSecurity admin(StackConfig cfg) {
        Path file = cfg.kafkaAdminFile();
        if (Files.isRegularFile(file)) {
            EndpointsFile f = EndpointsFile.read(file);
            return KafkaSecurity.scram(f.require(ADMIN_USERNAME), f.require(ADMIN_PASSWORD));
        }
        if (Files.isDirectory(cfg.kafkaDir())) {
            throw new StackException(cfg.kafkaDir() + " holds a broker formatted without this stack's Kafka administrator ("
                    + file + " is missing; a state directory from before the stack authenticated Kafka clients?):"
                    + " start once with --fresh to recreate the state");
        }
        KafkaSecurity admin = KafkaSecurity.scram(ADMIN_USER, KafkaPasswords.generate());
        write(file, "# deptcrypt devstack: the Kafka super user, for the stack's own administration only (ACLs, SCRAM"
                + " users). Generated on the first start.\n", Map.of(ADMIN_USERNAME, admin.superUser(),
                ADMIN_PASSWORD, admin.superUserPassword()));
        return admin;
    }

    /** Application → its Kafka password, as the last start saved them (empty on the first start). */
    static Map<String, String> applicationPasswords(StackConfig cfg) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(cfg.kafkaUsersFile())) {
            return out;
        }
        EndpointsFile f = EndpointsFile.read(cfg.kafkaUsersFile());
        f.variables().forEach((name, user) -> {
            if (name.endsWith(USERNAME_SUFFIX)) {
                f.get(name.substring(0, name.length() - USERNAME_SUFFIX.length()) + PASSWORD_SUFFIX)
                        .ifPresent(pw -> out.put(user, pw));
            }
        });
        return out;
    }

    static void saveApplicationPasswords(StackConfig cfg, Map<String, String> passwords) {
        write(cfg.kafkaUsersFile(), "# deptcrypt devstack: each governance application's Kafka user, as the stack"
                + " created it (endpoints.env has the same values).\n", variables(passwords));
    }

    /** {@code <APP>_KAFKA_USERNAME} and {@code <APP>_KAFKA_PASSWORD} of each application, in the given order. */
    static Map<String, String> variables(Map<String, String> passwords) {
        Map<String, String> v = new LinkedHashMap<>();
        passwords.forEach((app, pw) -> {
            v.put(Governance.envName(app) + USERNAME_SUFFIX, app);
            v.put(Governance.envName(app) + PASSWORD_SUFFIX, pw);
        });
        return v;
    }

    private static void write(Path file, String header, Map<String, String> variables) {
        try {
            EndpointsFile.write(file, header, variables);
        } catch (IOException e) {
            throw new StackException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
