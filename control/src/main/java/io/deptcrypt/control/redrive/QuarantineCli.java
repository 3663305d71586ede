package io.deptcrypt.control.redrive;

import io.deptcrypt.control.EndpointsFile;
import io.deptcrypt.control.KafkaClientSettings;
import io.deptcrypt.crypto.KmsKeyringProvider;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.OpenerConfig;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceException;
import io.deptcrypt.governance.GovernanceLoader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * {@code ./deptcrypt quarantine redrive}: a quarantine reader re-drives chosen dead letters into the ingest topic
 * with its own credentials (KMS to open them, its Kafka login to write them), exactly once ({@link Redrive}). Exit
 * codes: 0 done, 1 failed, 2 invalid options or governance file.
 */
@Command(name = "quarantine", mixinStandardHelpOptions = true,
        description = "What a quarantine reader does with the dead-letter topic.",
        subcommands = QuarantineCli.RedriveCommand.class)
public final class QuarantineCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new QuarantineCli()).setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException || e instanceof GovernanceException) {
                err.println("deptcrypt quarantine: " + e.getMessage());
                err.flush();
                return 2;
            }
            if (e instanceof IllegalStateException) {
                err.println("deptcrypt quarantine: " + e.getMessage());
                err.flush();
                return 1;
            }
            throw e;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Re-drive dead letters into the ingest topic, opened with the quarantine reader's own KMS"
                    + " credentials; each at most once (the re-drive log remembers), nothing in clear on the way.")
    static final class RedriveCommand implements Callable<Integer> {

        @Option(names = "--reason", paramLabel = "REASON", description = "Only dead letters with this reason (repeatable), e.g. UNKNOWN_DEPARTMENT.")
        List<String> reasons = List.of();

        @Option(names = "--event-id", paramLabel = "ID", description = "Only the dead letter of this event id (repeatable).")
        List<String> eventIds = List.of();

        @Option(names = "--position", paramLabel = "P@O", description = "Only the dead letter at this partition@offset (repeatable).")
        List<String> positions = List.of();

        @Option(names = "--dry-run", description = "Only say what would be re-driven.")
        boolean dryRun;

        @Option(names = "--as", paramLabel = "APP", description = "The quarantine reader to act as (default: the first in governance).")
        String application;

        @Option(names = "--governance", paramLabel = "FILE", defaultValue = "config/governance.yaml",
                description = "The governance file (default: ${DEFAULT-VALUE}).")
        Path governance;

        @Option(names = "--endpoints", paramLabel = "FILE", defaultValue = ".deptcrypt/endpoints.env",
                description = "The running stack's endpoints and credentials (default: ${DEFAULT-VALUE}).")
        Path endpoints;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Governance g = GovernanceLoader.load(governance);
            String app = application != null ? application : g.quarantine().readers().stream().findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(g.source() + " names no quarantine reader"));
            if (!g.quarantine().readers().contains(app)) {
                throw new IllegalArgumentException("'" + app + "' is not a quarantine reader in " + g.source()
                        + " (quarantine readers: " + g.quarantine().readers() + ")");
            }
            if (reasons.isEmpty() && eventIds.isEmpty() && positions.isEmpty()) {
                throw new IllegalArgumentException("choose what to re-drive: --reason, --event-id or --position");
            }
            EndpointsFile env = EndpointsFile.read(endpoints);
            String prefix = Governance.envName(app);
            Map<String, Object> kafka = new HashMap<>(KafkaClientSettings.of(env, app));
            kafka.put(CommonClientConfigs.CLIENT_ID_CONFIG, "deptcrypt-redrive-" + app);
            try (KmsClient kms = KmsClient.builder().endpointOverride(URI.create(env.require("KMS_ENDPOINT")))
                    .region(Region.of(env.get("AWS_REGION").orElse(g.region())))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                            env.require(prefix + "_AWS_ACCESS_KEY_ID"), env.require(prefix + "_AWS_SECRET_ACCESS_KEY"))))
                    .build();
                 Opener opener = Opener.create(new KmsKeyringProvider(kms, g), OpenerConfig.defaults())) {
                PrintWriter out = spec.commandLine().getOut();
                Redrive.Result r = Redrive.run(g, kafka, opener, app, new Selection(Set.copyOf(reasons),
                        Set.copyOf(eventIds), Set.copyOf(positions)), dryRun, Clock.systemUTC(), out);
                out.printf("%s: %d dead letters examined, %d selected, %d re-driven before, %d %s%n", app, r.examined(),
                        r.selected(), r.alreadyRedriven(), dryRun ? r.selected() - r.alreadyRedriven() : r.redriven(),
                        dryRun ? "would be re-driven" : "re-driven now");
                out.flush();
                return 0;
            }
        }
    }
}
