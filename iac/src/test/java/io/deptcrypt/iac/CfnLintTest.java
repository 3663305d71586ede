package io.deptcrypt.iac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cfn-lint (AWS's CloudFormation linter: resource schemas, property types, intrinsic functions, best practices) on
 * every template in one process: the hand-written ones, the checked-in rendering, and renderings of two other
 * governance files. Where cfn-lint is not installed the test is reported as skipped with that reason, never green.
 */
@Tag("integration")
class CfnLintTest {

    private static final Path PYENV_SHIM = Path.of("/root/.pyenv/shims/cfn-lint");

    static Optional<Path> cfnLint() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "cfn-lint");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Files.isExecutable(PYENV_SHIM) ? Optional.of(PYENV_SHIM) : Optional.empty();
    }

    @Test
    void everyTemplatePassesCfnLint(@TempDir Path tmp) throws Exception {
        Optional<Path> lint = cfnLint();
        assumeTrue(lint.isPresent(), "cfn-lint is not installed (not on PATH, not at " + PYENV_SHIM
                + "): the CloudFormation templates were NOT linted. Install it with: pip install cfn-lint");

        List<String> command = new ArrayList<>(List.of(lint.get().toString(), "--format", "parseable", "--"));
        try (Stream<Path> hand = Files.list(Fixtures.TEMPLATES)) {
            hand.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(p -> command.add(p.toString()));
        }
        try (Stream<Path> rendered = Files.list(Fixtures.RENDERED.resolve("cloudformation"))) {
            rendered.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(p -> command.add(p.toString()));
        }
        int handAndChecked = command.size() - 4;
        Fixtures.render(Fixtures.withThirdDepartment()).writeTo(tmp.resolve("third"));
        Fixtures.render(Fixtures.richGovernance()).writeTo(tmp.resolve("rich"));
        for (String variant : List.of("third", "rich")) {
            command.add(tmp.resolve(variant).resolve(IacRenderer.GOVERNANCE_STACK).toString());
            command.add(tmp.resolve(variant).resolve(IacRenderer.APPS_STACK).toString());
        }
        assertThat(handAndChecked).as("hand-written + checked-in templates").isGreaterThanOrEqualTo(7);

        Path output = tmp.resolve("cfn-lint.out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("cfn-lint did not finish within 120 s");
        }
        String findings = read(output);
        assertThat(process.exitValue())
                .withFailMessage(() -> "cfn-lint found problems (exit " + process.exitValue() + "):\n" + findings)
                .isZero();
        assertThat(findings).isBlank();
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
