package io.deptcrypt.iac;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IacRenderCliTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return IacRender.run(new PrintWriter(out), new PrintWriter(err), args);
    }

    @Test
    void rendersThenChecksThenDetectsDrift(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("rendered");
        String gov = Fixtures.GOVERNANCE_FILE.toString();
        assertThat(run("--governance", gov, "--out", dir.toString())).isZero();
        assertThat(out.toString()).contains("rendered 18 files");
        assertThat(dir.resolve("kms/finance.key-policy.json")).exists();
        assertThat(run("--governance", gov, "--out", dir.toString(), "--check")).isZero();
        assertThat(out.toString()).contains("is up to date");

        Files.writeString(dir.resolve("iam/encryptor.policy.json"), "{}\n");
        Files.writeString(dir.resolve("kms/marketing.key-policy.json"), "{}\n");
        Files.delete(dir.resolve("kms/sales.key-policy.json"));
        assertThat(run("--governance", gov, "--out", dir.toString(), "--check")).isEqualTo(1);
        assertThat(out.toString())
                .contains("differs:  iam/encryptor.policy.json")
                .contains("missing:  kms/sales.key-policy.json")
                .contains("obsolete: kms/marketing.key-policy.json")
                .contains("re-render: ./deptcrypt iac render");

        // Writing again repairs all three, removing the obsolete file.
        assertThat(run("--governance", gov, "--out", dir.toString())).isZero();
        assertThat(dir.resolve("kms/marketing.key-policy.json")).doesNotExist();
        assertThat(run("--governance", gov, "--out", dir.toString(), "--check")).isZero();
    }

    @Test
    void settingsChangeWhatIsRendered(@TempDir Path tmp) {
        Path dir = tmp.resolve("r");
        assertThat(run("--governance", Fixtures.GOVERNANCE_FILE.toString(), "--out", dir.toString(),
                "--cluster-name", "prod-kafka", "--ingest-queue", "events-in", "--no-account-key-administration")).isZero();
        String encryptor = Fixtures.read(dir.resolve("iam/encryptor.policy.json"));
        assertThat(encryptor).contains("cluster/prod-kafka/*").doesNotContain("cluster/deptcrypt/");
        assertThat(Fixtures.read(dir.resolve("iam/sqs-connector.policy.json"))).contains(":events-in\"");
        assertThat(Fixtures.read(dir.resolve("kms/finance.key-policy.json"))).doesNotContain(":root");
    }

    @Test
    void invalidInputExitsTwoWithAMessageNamingTheProblem(@TempDir Path tmp) throws Exception {
        assertThat(run("--governance", tmp.resolve("none.yaml").toString(), "--out", tmp.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("none.yaml: file not found");

        Path gov = tmp.resolve("governance.yaml");
        Files.writeString(gov, Fixtures.governanceText());
        assertThat(run("--governance", gov.toString(), "--out", tmp.resolve("o").toString(), "--connector-app", "kinesis-connector"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("the connector application 'kinesis-connector' is not declared");

        assertThat(run("--governance", gov.toString(), "--out", tmp.resolve("o").toString(), "--connector-app", "encryptor"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("'encryptor' must not encrypt, read or administer keys");

        assertThat(run("--governance", gov.toString(), "--cluster-name", "bad name!")).isEqualTo(2);
        assertThat(err.toString()).contains("cluster name 'bad name!' is invalid");

        Files.writeString(gov, Fixtures.governanceText().replace("owner: encryptor", "owner: nobody"));
        assertThat(run("--governance", gov.toString(), "--out", tmp.resolve("o").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("owner: 'nobody' is not a declared application");
    }
}
