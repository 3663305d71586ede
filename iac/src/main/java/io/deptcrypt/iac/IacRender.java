package io.deptcrypt.iac;

import io.deptcrypt.governance.GovernanceException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code iac render}: writes KMS key policies, IAM policies and the governance-derived CloudFormation stacks for the
 * governance file. With {@code --check}, writes nothing and exits 1 when the directory is out of date.
 *
 * <pre>
 * java -cp ... io.deptcrypt.iac.IacRender --governance config/governance.yaml --out iac/rendered [--check]
 * </pre>
 * Exit codes: 0 done (or up to date), 1 out of date ({@code --check}), 2 invalid governance file or option.
 */
@Command(name = "iac render", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Render KMS key policies, IAM policies and CloudFormation stacks from the governance file.")
public final class IacRender implements Callable<Integer> {

    @Option(names = "--governance", paramLabel = "FILE", defaultValue = "config/governance.yaml",
            description = "The governance file (default: ${DEFAULT-VALUE}).")
    Path governance;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "iac/rendered",
            description = "Where to write the rendering (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--check", description = "Write nothing; exit 1 and list the files that differ when DIR is out of date.")
    boolean check;

    @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = RenderSettings.DEFAULT_CLUSTER_NAME,
            description = "MSK cluster name the IAM kafka-cluster resources are scoped to (default: ${DEFAULT-VALUE}).")
    String clusterName;

    @Option(names = "--ingest-queue", paramLabel = "NAME", defaultValue = RenderSettings.DEFAULT_INGEST_QUEUE,
            description = "SQS ingest queue name (default: ${DEFAULT-VALUE}).")
    String ingestQueue;

    @Option(names = "--connector-app", paramLabel = "APP", defaultValue = RenderSettings.DEFAULT_CONNECTOR_APPLICATION,
            description = "Governance application that runs the SQS connector in MSK Connect (default: ${DEFAULT-VALUE}).")
    String connectorApp;

    @Option(names = "--name-prefix", paramLabel = "PREFIX", defaultValue = RenderSettings.DEFAULT_NAME_PREFIX,
            description = "Prefix of application ids, ECS names and log groups (default: ${DEFAULT-VALUE}).")
    String namePrefix;

    @Option(names = "--account-key-administration", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Let the account (through IAM) administer, never use, the keys, so CloudFormation can update"
                    + " key policies as an account administrator (default: on).")
    boolean accountKeyAdministration;

    private PrintWriter stdout = new PrintWriter(System.out, true);

    @Override
    public Integer call() {
        RenderSettings settings = new RenderSettings(clusterName, ingestQueue, connectorApp, namePrefix, accountKeyAdministration);
        Rendering rendering = IacRenderer.render(governance, settings);
        if (check) {
            List<String> diff = rendering.differencesFrom(out);
            if (diff.isEmpty()) {
                stdout.println(out + " is up to date with " + governance);
                return 0;
            }
            stdout.println(out + " is out of date with " + governance + ":");
            diff.forEach(d -> stdout.println("  " + d));
            stdout.println("re-render: ./deptcrypt iac render (or IacRender --governance " + governance + " --out " + out + ")");
            return 1;
        }
        rendering.writeTo(out);
        stdout.println("rendered " + rendering.files().size() + " files from " + governance + " to " + out);
        return 0;
    }

    /** Runs the command as the launcher does; returns the exit code instead of exiting. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        IacRender command = new IacRender();
        command.stdout = out;
        CommandLine cli = new CommandLine(command);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof GovernanceException || e instanceof IacException || e instanceof IllegalArgumentException) {
                err.println("iac render: " + e.getMessage());
                err.flush();
                return 2;
            }
            throw e;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }
}
