package io.deptcrypt.control.audit;

import io.deptcrypt.control.ControlSession;
import io.deptcrypt.control.EndpointsFile;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceException;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.policy.GovernedKey;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./deptcrypt audit}: reads localkms's audit log and answers who unwrapped which department's data keys, when,
 * who was refused, and every policy or key change. Exit 0, or 2 on a bad option or unreadable log.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Who unwrapped which department's data keys, when, who was refused, and every policy change,"
                + " from the local KMS audit log.")
public final class AuditCli implements Callable<Integer> {

    @Option(names = "--log", paramLabel = "FILE", defaultValue = ".deptcrypt/kms/audit.log",
            description = "localkms's audit log (default: ${DEFAULT-VALUE}).")
    Path log;

    @Option(names = "--governance", paramLabel = "FILE", defaultValue = "config/governance.yaml",
            description = "Names principals and keys after the governance file's applications and departments"
                    + " (default: ${DEFAULT-VALUE}).")
    Path governance;

    @Option(names = "--endpoints", paramLabel = "FILE", defaultValue = ".deptcrypt/endpoints.env",
            description = "The running stack, to name keys after departments for calls without an encryption context"
                    + " (default: ${DEFAULT-VALUE}; skipped if absent).")
    Path endpoints;

    @Option(names = "--app", paramLabel = "APP", description = "Only calls by this application.")
    String application;

    @Option(names = "--department", paramLabel = "NAME", description = "Only calls about this department's keys.")
    String department;

    @Option(names = "--since", paramLabel = "TIME", description = "Only calls at or after this instant (ISO-8601, e.g. 2026-12-03T10:00:00Z).")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Only calls before this instant.")
    String until;

    @Option(names = "--denied", description = "Only refused calls.")
    boolean denied;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new AuditCli()).setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException || e instanceof GovernanceException) {
                err.println("deptcrypt audit: " + e.getMessage());
                err.flush();
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        Governance g = GovernanceLoader.load(governance);
        Map<String, String> apps = new LinkedHashMap<>();
        g.applications().forEach(a -> apps.put(a.role(), a.name()));
        AuditQuery q = new AuditQuery(Optional.ofNullable(application), Optional.ofNullable(department),
                instant("--since", since), instant("--until", until), denied);
        List<AuditRecord> records = AuditLogReader.read(log, apps, keyDepartments(g)).stream().filter(q).toList();
        AuditReport.print(records, log.toString(), spec.commandLine().getOut());
        return 0;
    }

    /** Key ARN → department label, asked of KMS as the key admin when the stack runs (else none). */
    private Map<String, String> keyDepartments(Governance g) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(endpoints)) {
            return out;
        }
        Path adminFile = endpoints.resolveSibling("kafka-admin.env");
        Optional<EndpointsFile> admin = Files.isRegularFile(adminFile)
                ? Optional.of(EndpointsFile.read(adminFile)) : Optional.empty();
        try (ControlSession s = ControlSession.open(EndpointsFile.read(endpoints), admin, g, g.keyAdmins().get(0))) {
            for (GovernedKey k : GovernedKey.of(g)) {
                s.kmsLive().read(k.arn()).ifPresent(live -> out.put(live.keyArn(), k.label()));
            }
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("deptcrypt audit: keys not named after departments (" + e.getMessage() + ")");
        }
        return out;
    }

    private static Optional<Instant> instant(String option, String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " '" + text + "' is not an ISO-8601 instant such as 2026-12-03T10:00:00Z");
        }
    }
}
