package io.deptcrypt.control;

import io.deptcrypt.control.live.LiveState;
import io.deptcrypt.control.plan.Applier;
import io.deptcrypt.control.plan.ApplyException;
import io.deptcrypt.control.plan.ApplyResult;
import io.deptcrypt.control.plan.Plan;
import io.deptcrypt.control.plan.Planner;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceException;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.policy.KafkaNames;
import io.deptcrypt.policy.KeyPolicyRenderer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./deptcrypt governance plan|apply}: compare the governance file with the running local stack (found through
 * {@code .deptcrypt/endpoints.env}) and make the live system match it through public APIs. Exit codes: 0 done (or
 * nothing to do), 1 apply failed (the message says what was applied), 2 invalid governance file or options.
 */
@Command(name = "governance", mixinStandardHelpOptions = true,
        description = "Plan and apply governance changes to the running stack, without restarting anything.",
        subcommands = {GovernanceCli.PlanCommand.class, GovernanceCli.ApplyCommand.class})
public final class GovernanceCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line; the result is the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new GovernanceCli()).setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof GovernanceException || e instanceof IllegalArgumentException) {
                err.println("deptcrypt governance: " + e.getMessage());
                err.flush();
                return 2;
            }
            if (e instanceof ApplyException a) {
                err.println("deptcrypt governance apply: " + a.report());
                err.flush();
                return 1;
            }
            if (e instanceof IllegalStateException) {
                err.println("deptcrypt governance: " + e.getMessage());
                err.flush();
                return 1;
            }
            throw e;
        });
        return cli.execute(args);
    }

    /** The endpoints-file variables of the credentials an apply issued (KMS access keys, Kafka passwords). */
    public static Map<String, String> credentialVariables(ApplyResult result) {
        Map<String, String> vars = new LinkedHashMap<>();
        result.principals().ifPresent(ps -> ps.values().forEach(p -> {
            String env = Governance.envName(p.name());
            vars.put(env + "_AWS_ACCESS_KEY_ID", p.accessKeyId());
            vars.put(env + "_AWS_SECRET_ACCESS_KEY", p.secretAccessKey());
        }));
        result.kafkaPasswords().forEach((user, password) -> {
            vars.put(Governance.envName(user) + "_KAFKA_USERNAME", user);
            vars.put(Governance.envName(user) + "_KAFKA_PASSWORD", password);
        });
        return vars;
    }

    /** Users whose Kafka password the endpoints file already holds. */
    static Set<String> knownKafkaPasswords(EndpointsFile endpoints) {
        Set<String> known = new HashSet<>();
        endpoints.variables().forEach((k, v) -> {
            if (k.endsWith("_KAFKA_USERNAME") && endpoints.get(k.replace("_KAFKA_USERNAME", "_KAFKA_PASSWORD")).isPresent()) {
                known.add(v);
            }
        });
        return known;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options both subcommands take. */
    static final class Options {
        @Option(names = "--governance", paramLabel = "FILE", defaultValue = "config/governance.yaml",
                description = "The governance file to apply (default: ${DEFAULT-VALUE}).")
        Path governance;

        @Option(names = "--endpoints", paramLabel = "FILE", defaultValue = ".deptcrypt/endpoints.env",
                description = "The running stack's endpoints (default: ${DEFAULT-VALUE}).")
        Path endpoints;

        @Option(names = "--kafka-admin", paramLabel = "FILE", defaultValue = ".deptcrypt/kafka-admin.env",
                description = "The stack's Kafka administrator (ACLs, SCRAM users), needed when its broker"
                        + " authenticates (default: ${DEFAULT-VALUE}).")
        Path kafkaAdmin;

        @Option(names = "--as", paramLabel = "APP", description = "The key admin to act as (default: the first in keyAdmins).")
        String as;

        @Option(names = "--pending-window-days", paramLabel = "DAYS", defaultValue = "7",
                description = "Deletion window of a retired department's key, 7-30 (default: ${DEFAULT-VALUE}).")
        int pendingWindowDays;

        @Option(names = "--iac-dir", paramLabel = "DIR", defaultValue = "iac/rendered",
                description = "The checked-in AWS rendering to compare with (default: ${DEFAULT-VALUE}; skipped if absent).")
        Path iacDir;

        Governance load() {
            return GovernanceLoader.load(governance);
        }

        String text() {
            try {
                return Files.readString(governance, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new GovernanceException(governance + ": cannot read: " + e.getMessage(), e);
            }
        }

        Planner.Settings settings(EndpointsFile endpoints) {
            return new Planner.Settings(KeyPolicyRenderer.Options.GOVERNANCE_ONLY, pendingWindowDays, true,
                    Files.isDirectory(iacDir) ? Optional.of(iacDir) : Optional.empty(), Optional.of(KafkaNames.local()),
                    knownKafkaPasswords(endpoints));
        }

        ControlSession open(Governance g) {
            EndpointsFile endpoints = EndpointsFile.read(this.endpoints);
            Optional<EndpointsFile> admin = Files.isRegularFile(kafkaAdmin) ? Optional.of(EndpointsFile.read(kafkaAdmin))
                    : Optional.empty();
            return ControlSession.open(endpoints, admin, g, keyAdmin(g));
        }

        String keyAdmin(Governance g) {
            return as != null ? as : g.keyAdmins().get(0);
        }
    }

    @Command(name = "plan", mixinStandardHelpOptions = true,
            description = "Print what apply would change (keys, policies, principals, the applied version) and what it means.")
    static final class PlanCommand implements Callable<Integer> {
        @Mixin
        Options options;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Governance g = options.load();
            String text = options.text();
            try (ControlSession s = options.open(g)) {
                Plan plan = Planner.plan(g, text, LiveState.read(g, s.topic(), s.kmsLive(), s.kafkaLive()),
                        options.settings(s.endpoints()));
                plan.print(spec.commandLine().getOut());
                return plan.problems().isEmpty() ? 0 : 2;
            }
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Make the running stack match the governance file, then publish the applied version to the running apps.")
    static final class ApplyCommand implements Callable<Integer> {
        @Mixin
        Options options;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            Governance g = options.load();
            String text = options.text();
            try (ControlSession s = options.open(g)) {
                s.topic().ensureExists((short) 1);
                Plan plan = Planner.plan(g, text, LiveState.read(g, s.topic(), s.kmsLive(), s.kafkaLive()),
                        options.settings(s.endpoints()));
                plan.print(out);
                if (plan.upToDate()) {
                    return 0;
                }
                out.println();
                out.println("applying:");
                ApplyResult result = Applier.apply(plan, s.target(Clock.systemUTC()), out);
                writeCredentials(s.endpoints(), result, out);
                result.publishedVersion().ifPresent(v -> out.println("applied: governance version " + v));
                return 0;
            }
        }

        private static void writeCredentials(EndpointsFile endpoints, ApplyResult result, PrintWriter out) {
            Map<String, String> vars = credentialVariables(result);
            if (vars.isEmpty()) {
                return;
            }
            try {
                endpoints.with(vars);
            } catch (IOException e) {
                throw new IllegalStateException("applied, but cannot update " + endpoints.file() + " with the principals'"
                        + " credentials: " + e.getMessage(), e);
            }
            out.println("new credentials are in " + endpoints.file());
        }
    }
}
