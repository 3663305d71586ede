package io.deptcrypt.devstack;

import io.deptcrypt.devstack.soak.SoakFault;
import io.deptcrypt.devstack.soak.SoakFaults;
import io.deptcrypt.devstack.soak.SoakReport;
import io.deptcrypt.devstack.soak.SoakResult;
import io.deptcrypt.devstack.soak.SoakRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ./deptcrypt soak}: a long run at a steady rate with faults on a schedule (docs/performance.md, Soak). */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Start the stack, send R events/s through SQS for M minutes while faults are injected on a schedule, "
                + "drain, then report sent, delivered, throughput, lag, lost, duplicated, out-of-order and each fault's "
                + "recovery time. Exit 0 only if nothing was lost and nothing delivered out of order. Runs on a fresh "
                + SoakCommand.DEFAULT_STATE_DIR_NAME + " unless --state-dir is given, with the FIFO queue "
                + SoakCommand.DEFAULT_QUEUE + " unless --queue is given. Not a test.")
final class SoakCommand implements Callable<Integer> {

    /** Where a soak runs unless --state-dir is given: a fresh directory of its own, apart from {@code up}'s. */
    static final String DEFAULT_STATE_DIR_NAME = ".deptcrypt/soak";
    static final Path DEFAULT_STATE_DIR = Path.of(DEFAULT_STATE_DIR_NAME);

    @Spec
    CommandSpec spec;

    /** The soak's queue unless --queue is given: FIFO, so the per-key order it checks is one the stack promises. */
    static final String DEFAULT_QUEUE = "deptcrypt-soak" + StackConfig.FIFO_SUFFIX;

    @Mixin
    StackOptions stack;

    @Option(names = "--minutes", paramLabel = "M", defaultValue = "10", description = "How long to send (default: ${DEFAULT-VALUE}).")
    int minutes;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "100", description = "Events per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--faults", paramLabel = "SPEC",
            description = "Faults to cycle through, comma-separated: broker (the node leading most shared partitions stops "
                    + "uncontrolled for 15 s; needs --brokers 3+), kms (localkms stops for 20 s), encryptor (stopped and "
                    + "started), or none. Default: every one the stack supports.")
    String faults;

    @Option(names = "--fault-every", paramLabel = "SECONDS", defaultValue = "60",
            description = "A fault begins every SECONDS, the first after SECONDS (default: ${DEFAULT-VALUE}).")
    int faultEverySeconds;

    @Option(names = "--progress-every", paramLabel = "SECONDS", defaultValue = "10",
            description = "Print a progress line every SECONDS (default: ${DEFAULT-VALUE}).")
    int progressEverySeconds;

    @Option(names = "--drain-timeout", paramLabel = "SECONDS", defaultValue = "180",
            description = "After sending, wait at most SECONDS for the remaining deliveries (default: ${DEFAULT-VALUE}).")
    int drainTimeoutSeconds;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the report as Markdown to FILE.")
    Path report;

    @Override
    public Integer call() throws InterruptedException {
        atLeast("--minutes", minutes, 1);
        atLeast("--rate", rate, 1);
        atLeast("--fault-every", faultEverySeconds, 1);
        atLeast("--progress-every", progressEverySeconds, 1);
        atLeast("--drain-timeout", drainTimeoutSeconds, 1);
        if (!spec.commandLine().getParseResult().hasMatchedOption("--state-dir")) {
            stack.stateDir = DEFAULT_STATE_DIR;
            stack.fresh = true;
        }
        if (!spec.commandLine().getParseResult().hasMatchedOption("--queue")) {
            stack.queue = DEFAULT_QUEUE; // per-key order is only kept from a FIFO queue
        }
        StackConfig cfg = stack.toConfig();
        List<SoakFault> chosen;
        try {
            chosen = SoakFaults.parse(faults, cfg);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        SoakRun.Settings settings = new SoakRun.Settings(Duration.ofMinutes(minutes), rate, chosen,
                Duration.ofSeconds(faultEverySeconds), Duration.ofSeconds(progressEverySeconds),
                Duration.ofSeconds(drainTimeoutSeconds));
        Console console = Console.system();
        SoakResult result;
        Stack running = Stack.start(cfg, console);
        AtomicBoolean closed = new AtomicBoolean();
        // SIGINT/SIGTERM mid-run: stop the stack cleanly (no report then).
        Thread hook = new Thread(() -> {
            if (closed.compareAndSet(false, true)) {
                running.close();
            }
        }, "deptcrypt-soak-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            result = new SoakRun(running, settings, console).run();
        } finally {
            if (closed.compareAndSet(false, true)) {
                running.close();
            }
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        console.line("");
        console.out().print(SoakReport.text(result));
        console.out().flush();
        if (report != null) {
            writeReport(result);
        }
        return result.ok() ? 0 : 1;
    }

    private void writeReport(SoakResult result) {
        List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        if (!args.isEmpty() && args.get(0).equals("soak")) {
            args.remove(0);
        }
        String command = "./deptcrypt soak" + (args.isEmpty() ? "" : " " + String.join(" ", args));
        try {
            if (report.getParent() != null) {
                Files.createDirectories(report.getParent());
            }
            Files.writeString(report, SoakReport.markdown(result, command));
        } catch (IOException e) {
            throw new StackException("cannot write the soak report " + report + ": " + e.getMessage(), e);
        }
    }

    private void atLeast(String option, int value, int min) {
        if (value < min) {
            throw new ParameterException(spec.commandLine(), option + " must be at least " + min + ", was " + value);
        }
    }
}
