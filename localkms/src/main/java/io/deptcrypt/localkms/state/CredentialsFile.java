package io.deptcrypt.localkms.state;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.localkms.AccessKey;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code credentials.env}: the endpoint, region, every known principal's access key and the governance key ARNs, as
 * shell-sourceable {@code NAME=value} lines (also a Java {@code Properties} file). Written atomically, owner-only, on
 * every start and after every principal sync. Also owns the rule that no two entries may get the same variable name.
 */
public final class CredentialsFile {

    private static final List<String> FIXED = List.of("KMS_ENDPOINT", "AWS_REGION", "QUARANTINE_KEY_ARN");

    private final StateDirectory directory;
    private final URI endpoint;
    private final String region;
    private final Map<String, String> departmentKeyArns;
    private final String quarantineKeyArn;

    /** @param departmentKeyArns the key ARN of each governance department, by department name */
    public CredentialsFile(StateDirectory directory, URI endpoint, String region, Map<String, String> departmentKeyArns,
                           String quarantineKeyArn) {
        this.directory = directory;
        this.endpoint = endpoint;
        this.region = region;
        this.departmentKeyArns = new LinkedHashMap<>(departmentKeyArns);
        this.quarantineKeyArn = quarantineKeyArn;
    }

    /**
     * The first variable name these applications and departments would give twice (e.g. a department called
     * "quarantine" collides with the quarantine key's {@code QUARANTINE_KEY_ARN}), if any.
     */
    public static Optional<String> duplicateVariable(Collection<String> applications, Collection<String> departments) {
        Set<String> names = new HashSet<>(FIXED);
        List<String> wanted = new ArrayList<>();
        for (String a : applications) {
            wanted.add(Governance.envName(a) + "_AWS_ACCESS_KEY_ID");
            wanted.add(Governance.envName(a) + "_AWS_SECRET_ACCESS_KEY");
        }
        departments.forEach(d -> wanted.add(Governance.envName(d) + "_KEY_ARN"));
        return wanted.stream().filter(name -> !names.add(name)).findFirst();
    }

    public void write(Collection<AccessKey> accessKeys) {
        StringBuilder b = new StringBuilder();
        b.append("# Written by localkms at ").append(Instant.now()).append(". Secrets: keep this file private.\n");
        b.append("# Load into a shell with: set -a; . ").append(directory.credentialsFile()).append("; set +a\n");
        b.append("KMS_ENDPOINT=").append(endpoint).append('\n');
        b.append("AWS_REGION=").append(region).append('\n');
        for (AccessKey k : accessKeys) {
            String env = Governance.envName(k.application());
            b.append(env).append("_AWS_ACCESS_KEY_ID=").append(k.accessKeyId()).append('\n');
            b.append(env).append("_AWS_SECRET_ACCESS_KEY=").append(k.secretAccessKey()).append('\n');
        }
        departmentKeyArns.forEach((name, arn) -> b.append(Governance.envName(name)).append("_KEY_ARN=").append(arn).append('\n'));
        b.append("QUARANTINE_KEY_ARN=").append(quarantineKeyArn).append('\n');
        directory.writeAtomically(directory.credentialsFile(), b.toString().getBytes(StandardCharsets.UTF_8));
    }
}
