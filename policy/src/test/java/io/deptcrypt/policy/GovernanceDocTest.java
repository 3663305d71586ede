package io.deptcrypt.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/governance.md shows the access matrix of config/governance.yaml as the code computes it. Regenerate with
 * {@code mvn -B -pl policy test -Dtest=GovernanceDocTest -Ddeptcrypt.docs.write=true}.
 */
class GovernanceDocTest {

    static final Path DOC = Path.of("../docs/governance.md");
    static final String START = "<!-- kms-access-matrix -->\n";
    static final String END = "<!-- /kms-access-matrix -->";

    @Test
    void theDocumentedMatrixIsTheComputedOne() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int from = doc.indexOf(START);
        int to = doc.indexOf(END);
        assertThat(from).as("markers in " + DOC).isNotNegative();
        assertThat(to).isGreaterThan(from);
        String wanted = KmsAccess.of(KmsAccessTest.governance()).markdownTable();
        String current = doc.substring(from + START.length(), to);
        if (Boolean.getBoolean("deptcrypt.docs.write")) {
            Files.writeString(DOC, doc.substring(0, from + START.length()) + wanted + doc.substring(to), StandardCharsets.UTF_8);
            current = wanted;
        }
        assertThat(current).as(DOC + " shows another matrix than the code computes; regenerate with: mvn -B -pl policy"
                + " test -Dtest=GovernanceDocTest -Ddeptcrypt.docs.write=true").isEqualTo(wanted);
    }
}
