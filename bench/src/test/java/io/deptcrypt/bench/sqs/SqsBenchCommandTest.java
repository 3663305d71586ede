package io.deptcrypt.bench.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.bench.BenchCommand;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code sqs} subcommand's options and the JVM it starts; no benchmark runs here. */
class SqsBenchCommandTest {

    static SqsBenchCommand parse(String... args) {
        SqsBenchCommand command = new SqsBenchCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void isASubcommandOfTheBenchCommand() {
        assertThat(new CommandLine(new BenchCommand()).getSubcommands()).containsKey("sqs");
    }

    @Test
    void defaultsQuickAndExplicitValues() {
        assertThat(parse().settings()).isEqualTo(new SqsBenchSettings(10_000, 8, 2));
        assertThat(parse("--quick").settings()).isEqualTo(new SqsBenchSettings(2_000, 8, 1));
        assertThat(parse("--quick", "--messages", "500", "--concurrency", "4", "--rounds", "3").settings())
                .isEqualTo(new SqsBenchSettings(500, 4, 3));
    }

    @Test
    void badOptionsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> parse("--messages", "0").settings()).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--messages must be > 0");
        assertThatThrownBy(() -> parse("--concurrency", "65").settings()).hasMessageContaining("--concurrency must be at most 64");
        assertThatThrownBy(() -> parse("--rounds", "-1").settings()).hasMessageContaining("--rounds must be > 0");
    }

    @Test
    void theBenchmarkJvmGetsTheLibDirectoryAndTheSettings() {
        SqsBenchSettings settings = new SqsBenchSettings(300, 2, 1);
        Path lib = Path.of("target", SqsBenchCommand.LIB_DIR);
        List<String> cmd = SqsBenchCommand.childCommand(settings, lib);

        int cp = cmd.indexOf("-cp");
        assertThat(cp).isPositive();
        assertThat(cmd.get(cp + 1)).startsWith(System.getProperty("java.class.path"))
                .endsWith(File.pathSeparator + lib.resolve("*"));
        assertThat(cmd.subList(cp + 2, cmd.size())).containsExactly(SqsThroughputBench.class.getName(), "300", "2", "1");
        assertThat(SqsBenchSettings.fromArgs(settings.toArgs().toArray(String[]::new))).isEqualTo(settings);
    }
}
