package io.deptcrypt.topology;

import io.deptcrypt.crypto.KmsKeyringProvider;
import io.deptcrypt.runtime.CliLogging;
import io.deptcrypt.runtime.StreamsAppLauncher;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar topology/target/deptcrypt-topology.jar --config config/topology.properties}.
 * Exit codes: 0 after a clean stop (SIGTERM/Ctrl-C), 1 when the app stopped on an error (for example KMS access
 * denied), 2 for a bad command line or configuration.
 */
@Command(name = "deptcrypt-topology", mixinStandardHelpOptions = true, version = "deptcrypt-topology 0.1.0",
        description = "The deptcrypt encryptor: seals ingest events per department onto the shared topic.")
public final class EncryptorCli implements Callable<Integer> {

    public static final int EXIT_FAILED = StreamsAppLauncher.EXIT_FAILED;
    public static final int EXIT_CONFIG = StreamsAppLauncher.EXIT_CONFIG;

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "encryptor properties file, e.g. config/topology.properties")
    Path config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CliLogging.applyDefaults();
        int code = run(args);
        // After a SIGTERM the JVM is already exiting (System.exit would block); exit explicitly only on failure.
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs the CLI without exiting the JVM; returns the exit code. */
    public static int run(String... args) {
        return new CommandLine(new EncryptorCli()).execute(args);
    }

    /** As {@link #run(String...)}, writing messages to {@code out} and {@code err}. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return new CommandLine(new EncryptorCli()).setOut(out).setErr(err).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        return StreamsAppLauncher.run(spec.name(), config, spec.commandLine().getErr(), EncryptorConfig::load, EncryptorConfig::kms,
                (cfg, kms) -> EncryptorApp.start(cfg, new KmsKeyringProvider(kms, cfg.governance())),
                EncryptorApp::describeFailure);
    }
}
