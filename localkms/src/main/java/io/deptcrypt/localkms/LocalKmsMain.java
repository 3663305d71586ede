package io.deptcrypt.localkms;

import io.deptcrypt.governance.GovernanceException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar localkms/target/localkms.jar --governance config/governance.yaml --port 4599 --state-dir .deptcrypt/kms}
 * — runs localkms until interrupted (Ctrl-C / SIGTERM stop it cleanly).
 */
@Command(name = "localkms", mixinStandardHelpOptions = true, version = "localkms 0.1.0",
        description = "An AWS-KMS-compatible server (AWS JSON 1.1 + SigV4) that creates the governance keys and enforces"
                + " their key policies and grants.")
public final class LocalKmsMain implements Callable<Integer> {

    @Option(names = "--governance", required = true, paramLabel = "FILE", description = "The governance file (config/governance.yaml).")
    Path governance;

    @Option(names = "--port", defaultValue = "4599", paramLabel = "PORT", description = "Port to listen on; 0 = any free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--state-dir", defaultValue = ".deptcrypt/kms", paramLabel = "DIR",
            description = "Keys, grants, access keys, audit.log and credentials.env (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--bind", defaultValue = LocalKmsConfig.DEFAULT_BIND_ADDRESS, paramLabel = "ADDRESS",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--threads", defaultValue = "16", paramLabel = "N", description = "Request threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LocalKms kms;
        try {
            LocalKmsConfig config = LocalKmsConfig.of(governance, stateDir).withPort(port).withBindAddress(bind).withThreads(threads);
            kms = LocalKms.start(config);
        } catch (GovernanceException | LocalKmsStartException | IllegalArgumentException e) {
            err.println("localkms: " + e.getMessage());
            err.flush();
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kms.stop();
            stopped.countDown();
        }, "localkms-shutdown"));
        out.println("localkms listening on " + kms.endpoint());
        out.println("credentials: " + kms.credentialsFile());
        out.println("audit log: " + kms.auditLog());
        out.flush();
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        int code = new CommandLine(new LocalKmsMain()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
