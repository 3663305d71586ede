package io.deptcrypt.iac;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The checked-in iac/rendered/ must be exactly what config/governance.yaml gives. */
class RenderedFilesAreCurrentTest {

    @Test
    void checkedInRenderingMatchesTheGovernanceFile() {
        Rendering fresh = IacRenderer.render(Fixtures.GOVERNANCE_FILE, RenderSettings.defaults());
        List<String> differences = fresh.differencesFrom(Fixtures.RENDERED);
        assertThat(differences)
                .withFailMessage(() -> "iac/rendered/ is out of date with config/governance.yaml:\n  "
                        + String.join("\n  ", differences)
                        + "\nRe-render and commit the result:\n  ./deptcrypt iac render\n"
                        + "or: mvn -B -q -pl iac -am install -DskipTests && java -cp \"iac/target/deptcrypt-iac.jar:$(cat iac/target/classpath.txt)\""
                        + " io.deptcrypt.iac.IacRender --governance config/governance.yaml --out iac/rendered")
                .isEmpty();
    }

    @Test
    void renderingIsDeterministic() {
        String text = Fixtures.governanceText();
        Rendering first = Fixtures.render(text);
        Rendering second = Fixtures.render(text);
        assertThat(second.files()).isEqualTo(first.files());
        Rendering richFirst = Fixtures.render(Fixtures.richGovernance());
        assertThat(Fixtures.render(Fixtures.richGovernance()).files()).isEqualTo(richFirst.files());
        // Line endings and the final newline are fixed, whatever the platform.
        first.files().forEach((path, content) -> {
            assertThat(content).as(path).doesNotContain("\r").endsWith("\n");
        });
    }

    @Test
    void renderedFilesParseBackToTheSameDocuments() {
        Rendering r = Fixtures.render(Fixtures.governanceText());
        r.files().forEach((path, content) -> {
            if (path.endsWith(".json")) {
                assertThat(Documents.toJson(Documents.parseJson(content))).as(path).isEqualTo(content);
            } else if (path.endsWith(".yaml")) {
                assertThat(Documents.toYaml(Documents.parseYaml(content))).as(path).isEqualTo(content);
            }
        });
    }
}
