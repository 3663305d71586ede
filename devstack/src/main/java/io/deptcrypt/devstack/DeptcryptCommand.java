package io.deptcrypt.devstack;

import io.deptcrypt.control.GovernanceCli;
import io.deptcrypt.control.audit.AuditCli;
import io.deptcrypt.control.redrive.QuarantineCli;
import io.deptcrypt.governance.GovernanceException;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code ./deptcrypt demo|up|governance|audit|iac render}: the devstack's command line. */
@Command(name = "deptcrypt", mixinStandardHelpOptions = true, version = "deptcrypt 0.1.0-SNAPSHOT",
        description = "Runs deptcrypt on embedded real parts: a KRaft broker, ElasticMQ, localkms, Kafka Connect with the SQS "
                + "source connector, the encryptor and one consumer per department.",
        subcommands = {DeptcryptCommand.DemoCommand.class, DeptcryptCommand.UpCommand.class,
                DeptcryptCommand.GovernanceCommand.class, DeptcryptCommand.AuditCommand.class,
                DeptcryptCommand.QuarantineCommand.class, DeptcryptCommand.IacCommand.class,
                SoakCommand.class})
public final class DeptcryptCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line; a failure the user can act on is one line naming what is wrong, not a stack trace. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new DeptcryptCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof StackException || e instanceof GovernanceException
                    || e instanceof IllegalArgumentException) {
                commandLine.getErr().println("deptcrypt: " + e.getMessage());
                commandLine.getErr().flush();
                return 1;
            }
            throw e;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "Start the stack, send events through SQS, show each department reading only its own events, "
                    + "show a cross-department read denied by KMS, print a summary. Exit 0 only if every event reached "
                    + "exactly its department exactly once.")
    static final class DemoCommand implements Callable<Integer> {
        @Mixin
        StackOptions stack;

        @Option(names = "--events", paramLabel = "N", defaultValue = "50", description = "Events to send (default: ${DEFAULT-VALUE}).")
        int events;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
                description = "Give up waiting for deliveries after this long (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Option(names = "--quiet-events", description = "Do not print the three-block form of every decrypted event.")
        boolean quietEvents;

        @Override
        public Integer call() {
            if (events < 1) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--events must be at least 1, was " + events);
            }
            StackConfig cfg = stack.toConfig();
            Console console = Console.system();
            DemoResult result = new Demo(cfg, console, events, Duration.ofSeconds(timeoutSeconds), !quietEvents).run();
            return result.ok() ? 0 : 1;
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Start the stack and keep it running until SIGINT (Ctrl-C), SIGTERM or SIGHUP. Prints the endpoints and "
                    + "writes <state-dir>/endpoints.env for the AWS CLI, kcat or any client.")
    static final class UpCommand implements Callable<Integer> {
        @Mixin
        StackOptions stack;

        @Option(names = "--metrics-every", paramLabel = "SECONDS",
                description = "Every SECONDS, print one line per app from its Kafka metrics (docs/metrics.md).")
        Integer metricsEverySeconds;

        @Override
        public Integer call() throws InterruptedException {
            if (metricsEverySeconds != null && metricsEverySeconds < 1) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "--metrics-every must be at least 1 second, was " + metricsEverySeconds);
            }
            StackConfig cfg = stack.toConfig();
            Console console = Console.system();
            Stack running = Stack.start(cfg, console, System.out);
            CountDownLatch stopped = new CountDownLatch(1);
            // Runs on SIGINT, SIGTERM and SIGHUP (the JVM's shutdown signals), not on SIGKILL.
            Thread hook = new Thread(() -> {
                console.line("");
                console.line("stopping...");
                running.close();
                stopped.countDown();
            }, "deptcrypt-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            console.line("");
            console.line("stack running; endpoints (also in %s):", cfg.endpointsFile());
            running.endpoints().variables().forEach((k, v) -> {
                if (!k.endsWith("_SECRET_ACCESS_KEY") && !k.endsWith("_PASSWORD")) {
                    console.line("  %-40s %s", k, v);
                }
            });
            console.line("  (secret keys and Kafka passwords are in the file only; the Kafka administrator's in %s)",
                    cfg.kafkaAdminFile());
            console.line("");
            console.line("try (AWS CLI, kcat):");
            console.line("  source %s", cfg.endpointsFile());
            console.line("  AWS_ACCESS_KEY_ID=any AWS_SECRET_ACCESS_KEY=any aws sqs send-message --endpoint-url \"$SQS_ENDPOINT\" "
                    + "--queue-url \"$SQS_QUEUE_URL\" --message-body '{\"department\":\"finance\",\"data\":{\"amount\":1}}'");
            console.line("  kcat -b \"$KAFKA_BOOTSTRAP_SERVERS\" -X security.protocol=\"$KAFKA_SECURITY_PROTOCOL\" -X sasl.mechanism=\"$KAFKA_SASL_MECHANISM\" "
                    + "-X sasl.username=\"$FINANCE_CONSUMER_KAFKA_USERNAME\" -X sasl.password=\"$FINANCE_CONSUMER_KAFKA_PASSWORD\" "
                    + "-C -t \"$SHARED_TOPIC\" -e -X isolation.level=read_committed -f '%k %h %S bytes\\n'");
            console.line("  AWS_ACCESS_KEY_ID=$SALES_CONSUMER_AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$SALES_CONSUMER_AWS_SECRET_ACCESS_KEY "
                    + "aws kms list-aliases --endpoint-url \"$KMS_ENDPOINT\"");
            console.line("each decrypted event is printed below as it arrives.");
            long pid = ProcessHandle.current().pid();
            if (IgnoredSignals.sigint()) {
                console.line("this process ignores SIGINT (started in the background by a script): stop it with kill %d (SIGTERM)", pid);
            } else {
                console.line("Ctrl-C (or kill %d) stops the stack; the next start reuses %s", pid, cfg.stateDir());
            }
            if (metricsEverySeconds != null) {
                MetricsReport report = MetricsReport.every(Duration.ofSeconds(metricsEverySeconds), running, console);
                Runtime.getRuntime().addShutdownHook(new Thread(report::close, "deptcrypt-metrics-report-stop"));
            }
            stopped.await();
            return 0;
        }
    }

    /** Delegates to the control plane's {@link GovernanceCli}, which owns the options. */
    @Command(name = "governance", description = "Plan or apply governance changes to the running stack: keys, key policies,"
            + " principals, Kafka users and ACLs (`./deptcrypt governance --help`; --state-dir DIR for a stack not on"
            + " .deptcrypt).")
    static final class GovernanceCommand implements Callable<Integer> {
        @Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            return GovernanceCli.run(new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                    withStateDir(args, dir -> List.of("--endpoints", dir.resolve("endpoints.env").toString(),
                            "--kafka-admin", dir.resolve("kafka-admin.env").toString())));
        }
    }

    /** Delegates to the control plane's {@link AuditCli}, which owns the options. */
    @Command(name = "audit", description = "Who unwrapped which department's data keys, who was refused, every policy change,"
            + " from localkms's audit log (`./deptcrypt audit --help`; --state-dir DIR for a stack not on .deptcrypt).")
    static final class AuditCommand implements Callable<Integer> {
        @Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            return AuditCli.run(new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                    withStateDir(args, dir -> List.of("--log", dir.resolve("kms").resolve("audit.log").toString(),
                            "--endpoints", dir.resolve("endpoints.env").toString())));
        }
    }

    /** Delegates to the control plane's {@link QuarantineCli}, which owns the options. */
    @Command(name = "quarantine", description = "A quarantine reader's commands: `quarantine redrive` re-drives chosen dead"
            + " letters into the ingest topic, exactly once (`./deptcrypt quarantine redrive --help`; --state-dir DIR for"
            + " a stack not on .deptcrypt).")
    static final class QuarantineCommand implements Callable<Integer> {
        @Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            return QuarantineCli.run(new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                    withStateDir(args, dir -> List.of("--endpoints", dir.resolve("endpoints.env").toString())));
        }
    }

    /**
     * The control commands name each state file on its own; {@code --state-dir DIR} (as {@code up} takes it) stands for
     * those in DIR. Options given after it still win (picocli keeps the last value of an option).
     */
    static String[] withStateDir(List<String> args, Function<Path, List<String>> files) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--state-dir") || a.startsWith("--state-dir=")) {
                String dir = null;
                if (a.contains("=")) {
                    dir = a.substring(a.indexOf('=') + 1);
                } else if (i + 1 < args.size()) {
                    dir = args.get(++i);
                }
                if (dir == null || dir.isEmpty()) {
                    throw new IllegalArgumentException("--state-dir needs a directory");
                }
                out.addAll(files.apply(Path.of(dir)));
            } else {
                out.add(a);
            }
        }
        return out.toArray(String[]::new);
    }

    @Command(name = "iac", mixinStandardHelpOptions = true, description = "Infrastructure as code for AWS.",
            subcommands = IacRenderCommand.class)
    static final class IacCommand implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.out);
        }
    }

    /** Delegates to {@code io.deptcrypt.iac.IacRender} (module {@code iac/}), which owns the options. */
    @Command(name = "render", description = "Render KMS key policies and IAM policies from the governance file "
            + "(options: see `./deptcrypt iac render --help`).")
    static final class IacRenderCommand implements Callable<Integer> {
        @Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            return delegate("io.deptcrypt.iac.IacRender", args.toArray(String[]::new));
        }
    }

    /**
     * Runs another module's entry point found on the class path: a static
     * {@code int run(PrintWriter out, PrintWriter err, String... args)} if it has one (its result is the exit code),
     * else its {@code main(String[])}.
     */
    static int delegate(String className, String[] args) throws Exception {
        Class<?> c;
        try {
            c = Class.forName(className);
        } catch (ClassNotFoundException e) {
            System.err.println("deptcrypt: " + className + " is not on the class path; build every module (./deptcrypt build)");
            return 2;
        }
        try {
            Method run = c.getMethod("run", PrintWriter.class, PrintWriter.class, String[].class);
            if (Modifier.isStatic(run.getModifiers()) && run.getReturnType() == int.class) {
                return (int) run.invoke(null, new PrintWriter(System.out, true), new PrintWriter(System.err, true), (Object) args);
            }
        } catch (NoSuchMethodException ignored) {
            // fall through to main
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
        try {
            c.getMethod("main", String[].class).invoke(null, (Object) args);
            return 0;
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }
}
