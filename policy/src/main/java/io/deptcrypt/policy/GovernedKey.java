package io.deptcrypt.policy;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.Governance.Department;
import io.deptcrypt.governance.KmsArn;
import java.util.ArrayList;
import java.util.List;

/**
 * A KMS key the governance file names: a department's key, or the quarantine key of dead-lettered input.
 *
 * @param label        the department name, or {@value #QUARANTINE_LABEL}; names rendered files and matrix columns
 * @param contextValue the {@code department} encryption-context value its data keys carry: the department name, or
 *                     {@value PolicyNames#QUARANTINE_DEPARTMENT}
 * @param arn          the key ARN or alias ARN from the governance file
 * @param readers      the applications that may decrypt under it
 */
public record GovernedKey(String label, String contextValue, KmsArn arn, List<String> readers) {

    public static final String QUARANTINE_LABEL = "quarantine";

    public GovernedKey {
        readers = List.copyOf(readers);
    }

    public boolean isQuarantine() {
        return contextValue.equals(PolicyNames.QUARANTINE_DEPARTMENT);
    }

    /** Every governed key: the departments' in file order, then the quarantine key. */
    public static List<GovernedKey> of(Governance g) {
        List<GovernedKey> keys = new ArrayList<>();
        for (Department d : g.departments()) {
            keys.add(new GovernedKey(d.name(), d.name(), d.key(), d.readers()));
        }
        keys.add(new GovernedKey(QUARANTINE_LABEL, PolicyNames.QUARANTINE_DEPARTMENT, g.quarantine().key(),
                g.quarantine().readers()));
        return List.copyOf(keys);
    }

    /** The role {@code application} holds on this key. */
    public KeyRole roleOf(Governance g, String application) {
        if (g.keyAdmins().contains(application)) {
            return KeyRole.ADMINISTRATOR;
        }
        if (g.owner().equals(application)) {
            return KeyRole.OWNER;
        }
        return readers.contains(application) ? KeyRole.READER : KeyRole.NONE;
    }
}
