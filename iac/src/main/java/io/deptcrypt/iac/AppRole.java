package io.deptcrypt.iac;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.Governance.Application;
import io.deptcrypt.governance.Governance.Department;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one governance application does, as far as AWS permissions go, and where it runs (which decides who may
 * assume its role).
 *
 * @param application     name and IAM role ARN from the governance file
 * @param kind            what it is and so where it runs
 * @param reads           the departments whose records it may decrypt, in governance order
 * @param readsQuarantine whether it may decrypt the dead-letter topic
 * @param keyAdmin        whether it administers the keys
 */
public record AppRole(Application application, Kind kind, List<Department> reads, boolean readsQuarantine, boolean keyAdmin) {

    public enum Kind {
        /** The governance owner: the encryptor topology, an ECS task. */
        ENCRYPTOR,
        /** Reads one or more departments: a department consumer, an ECS task. */
        DEPARTMENT_READER,
        /** Runs the SQS source connector in MSK Connect. */
        CONNECTOR,
        /** Key administrators, quarantine-only readers and anything else: assumed by people or tools of the account. */
        PERSON;

        public boolean runsOnEcs() {
            return this == ENCRYPTOR || this == DEPARTMENT_READER;
        }
    }

    public AppRole {
        reads = List.copyOf(reads);
    }

    public String name() {
        return application.name();
    }

    public String roleArn() {
        return application.role();
    }

    /** The IAM role name: the last path segment of the role ARN. */
    public String roleName() {
        String resource = roleArn().substring(roleArn().indexOf(":role/") + ":role/".length());
        return resource.substring(resource.lastIndexOf('/') + 1);
    }

    /** The IAM role path: {@code /} or {@code /a/b/} for {@code role/a/b/name}. */
    public String rolePath() {
        String resource = roleArn().substring(roleArn().indexOf(":role/") + ":role/".length());
        int slash = resource.lastIndexOf('/');
        return slash < 0 ? "/" : "/" + resource.substring(0, slash + 1);
    }

    /** Classifies every governance application, in governance order. */
    public static List<AppRole> of(Governance g, RenderSettings settings) {
        if (g.findApplication(settings.connectorApplication()).isEmpty()) {
            throw new IacException("the connector application '" + settings.connectorApplication()
                    + "' is not declared in " + g.source() + " (applications: "
                    + g.applications().stream().map(Application::name).toList()
                    + "); declare it or pass --connector-app");
        }
        List<AppRole> roles = new ArrayList<>();
        Map<String, String> logicalIds = new HashMap<>();
        for (Application app : g.applications()) {
            String name = app.name();
            List<Department> reads = g.departmentsReadBy(name);
            boolean quarantine = g.quarantine().readers().contains(name);
            boolean admin = g.keyAdmins().contains(name);
            Kind kind;
            if (name.equals(settings.connectorApplication())) {
                if (name.equals(g.owner()) || !reads.isEmpty() || quarantine || admin) {
                    throw new IacException(g.source() + ": the connector application '" + name
                            + "' must not encrypt, read or administer keys; it only moves SQS messages to the ingest topic");
                }
                kind = Kind.CONNECTOR;
            } else if (name.equals(g.owner())) {
                kind = Kind.ENCRYPTOR;
            } else if (!reads.isEmpty()) {
                kind = Kind.DEPARTMENT_READER;
            } else {
                kind = Kind.PERSON;
            }
            String logical = logicalName(name);
            String clash = logicalIds.putIfAbsent(logical.toLowerCase(Locale.ROOT), name);
            if (clash != null) {
                throw new IacException(g.source() + ": applications '" + clash + "' and '" + name
                        + "' map to the same CloudFormation name '" + logical + "'; rename one");
            }
            roles.add(new AppRole(app, kind, reads, quarantine, admin));
        }
        Map<String, String> deptIds = new HashMap<>();
        for (Department d : g.departments()) {
            String clash = deptIds.putIfAbsent(logicalName(d.name()).toLowerCase(Locale.ROOT), d.name());
            if (clash != null || logicalName(d.name()).equalsIgnoreCase("Quarantine")) {
                throw new IacException(g.source() + ": department '" + d.name() + "' maps to the CloudFormation name '"
                        + logicalName(d.name()) + "', already used" + (clash == null ? " by the quarantine key" : " by '" + clash + "'"));
            }
        }
        return List.copyOf(roles);
    }

    /** {@code finance-consumer} → {@code FinanceConsumer}: a CloudFormation logical id / IAM Sid fragment. */
    public static String logicalName(String name) {
        StringBuilder b = new StringBuilder();
        for (String part : name.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return b.toString();
    }
}
