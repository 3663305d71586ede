package io.deptcrypt.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.control.redrive.QuarantineCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The re-drive command refuses, before touching anything, what cannot be right. */
class QuarantineCliTest {

    private static String[] run(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = QuarantineCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        assertThat(exit).as("exit; stderr: %s", err).isEqualTo(expectedExit);
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void onlyAQuarantineReaderMayRedriveAndOnlyWhatItChose() {
        String gov = GovernanceApplyTest.CONFIG.toString();
        assertThat(run(2, "redrive", "--governance", gov, "--as", "finance-consumer", "--reason", "NOT_JSON")[1])
                .contains("'finance-consumer' is not a quarantine reader").contains("[security-auditor]");
        assertThat(run(2, "redrive", "--governance", gov)[1]).contains("choose what to re-drive");
        assertThat(run(2, "redrive", "--governance", gov, "--reason", "NOT_JSON", "--endpoints", "/nonexistent/endpoints.env")[1])
                .contains("/nonexistent/endpoints.env");
    }
}
