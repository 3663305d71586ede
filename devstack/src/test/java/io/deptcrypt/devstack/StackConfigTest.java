package io.deptcrypt.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The instance counts and the queue name: validated once, each error naming what is wrong. */
class StackConfigTest {

    private static final StackConfig DEFAULTS = StackConfig.defaults(Path.of("state"), Path.of("governance.yaml"));

    @Test
    void oneInstanceOfEachByDefaultAndTheCopiesChangeOnlyTheirCount() {
        assertThat(DEFAULTS.encryptors()).isEqualTo(1);
        assertThat(DEFAULTS.consumersPerDepartment()).isEqualTo(1);
        assertThat(DEFAULTS.connectWorkers()).isEqualTo(1);

        StackConfig c = DEFAULTS.withBrokers(3).withEncryptors(2).withConsumersPerDepartment(3).withConnectWorkers(4);
        assertThat(c.encryptors()).isEqualTo(2);
        assertThat(c.consumersPerDepartment()).isEqualTo(3);
        assertThat(c.connectWorkers()).isEqualTo(4);
        assertThat(c.brokers()).isEqualTo(3);
        assertThat(c.withBrokers(1).withEncryptorSettings(Map.of("a", "b")).encryptors()).isEqualTo(2);
    }

    @Test
    void countsOutsideTheirRangeAreRefusedByName() {
        assertThatThrownBy(() -> DEFAULTS.withEncryptors(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("encryptors must be 1-8 (all run in this JVM), was 0");
        assertThatThrownBy(() -> DEFAULTS.withEncryptors(9)).hasMessageContaining("encryptors must be 1-8");
        assertThatThrownBy(() -> DEFAULTS.withConsumersPerDepartment(9))
                .hasMessage("consumers per department must be 1-8 (all run in this JVM), was 9");
        assertThatThrownBy(() -> DEFAULTS.withConnectWorkers(6))
                .hasMessage("connect workers must be 1-5 (all run in this JVM), was 6");
        assertThat(DEFAULTS.withEncryptors(8).withConsumersPerDepartment(8).withConnectWorkers(5).connectWorkers()).isEqualTo(5);
    }

    @Test
    void aQueueNameEndingInFifoIsAFifoQueueAndOtherDotsAreRefused() {
        assertThat(DEFAULTS.fifoQueue()).isFalse();
        assertThat(DEFAULTS.withQueue("ingest.fifo").fifoQueue()).isTrue();
        assertThat(DEFAULTS.withQueue("a".repeat(75) + ".fifo").queueName()).hasSize(80);
        assertThatThrownBy(() -> DEFAULTS.withQueue("a".repeat(76) + ".fifo")).hasMessageContaining("at most 75 of them, then '.fifo'");
        assertThatThrownBy(() -> DEFAULTS.withQueue("ingest.queue")).hasMessageContaining("queue name 'ingest.queue' must be");
        assertThatThrownBy(() -> DEFAULTS.withQueue(".fifo")).hasMessageContaining("queue name '.fifo' must be");
    }

    @Test
    void theCommandLineNamesABadCountWithoutStartingAnything() {
        Map<String, List<String>> said = Map.of(
                "encryptors must be 1-8 (all run in this JVM), was 0", List.of("up", "--encryptors", "0"),
                "consumers per department must be 1-8 (all run in this JVM), was 12", List.of("demo", "--consumers-per-department", "12"),
                "connect workers must be 1-5 (all run in this JVM), was 9", List.of("up", "--connect-workers", "9"),
                "queue name 'in.gest' must be", List.of("up", "--queue", "in.gest"));
        said.forEach((message, args) -> {
            StringWriter err = new StringWriter();
            CommandLine cli = DeptcryptCommand.commandLine();
            cli.setErr(new PrintWriter(err));
            assertThat(cli.execute(args.toArray(String[]::new))).as("exit of %s", args).isEqualTo(2);
            assertThat(err.toString()).as("error of %s", args).contains(message).doesNotContain("Exception");
        });
    }

    @Test
    void theInstanceOptionsAreInTheHelp() {
        StringWriter out = new StringWriter();
        CommandLine cli = DeptcryptCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("up", "--help")).isZero();
        assertThat(out.toString()).contains("--encryptors=N", "--consumers-per-department=N", "--connect-workers=N", "NAME.fifo");
    }
}
