package io.deptcrypt.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A demo-sized run (50 events) with the interop format: the encryptor writes a standard AWS Encryption SDK message per
 * record and every event reaches exactly its department, exactly once. The endpoints.env the run leaves is then read
 * with a plain line parser and holds exactly the variables docs/devstack.md documents.
 */
@Tag("integration")
class EsdkDemoTest {

    private static final Path REPO = Path.of("").toAbsolutePath().getParent();

    @Test
    void fiftyEventsSealedAsEsdkMessagesReachExactlyTheirDepartmentOnce(@TempDir Path state) throws Exception {
        StackConfig cfg = StackConfig.defaults(state, REPO.resolve("config/governance.yaml"))
                .withEnvelopeFormat(EnvelopeFormatId.ESDK_MESSAGE_V1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DemoResult r = new Demo(cfg, new Console(new PrintStream(out, true, StandardCharsets.UTF_8), false), 50,
                Duration.ofSeconds(120), false).run();
        String console = out.toString(StandardCharsets.UTF_8);

        assertThat(r.problems()).as(console).isEmpty();
        assertThat(r.sent()).isEqualTo(50);
        assertThat(r.encryptedAs()).as("this run's records on the shared topic by envelope format")
                .isEqualTo(Map.of(EnvelopeFormatId.ESDK_MESSAGE_V1.name(), 50));
        assertThat(r.delivered().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(50);
        assertThat(r.crossReadsDenied()).isEqualTo(2);
        assertThat(console).contains("as encryptor, deptcrypt.ingest -> deptcrypt.shared, ESDK_MESSAGE_V1 envelopes");

        Map<String, String> env = EndpointsTest.parse(Files.readAllLines(cfg.endpointsFile()));
        assertThat(List.copyOf(env.keySet())).as("variables of the written endpoints.env, in order")
                .isEqualTo(List.copyOf(documentedVariables()));
        assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS")).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(env.get("FINANCE_KEY_ARN")).startsWith("arn:aws:kms:us-east-1:111122223333:key/");
        assertThat(env.get("CONNECT_REST_URL")).startsWith("http://127.0.0.1:");
    }

    /**
     * The variables of the endpoints.env table in docs/devstack.md, with {@code <DEPT>} and {@code <APP>} expanded for
     * the governance file's departments and applications.
     */
    static Set<String> documentedVariables() throws IOException {
        Governance g = GovernanceLoader.load(REPO.resolve("config/governance.yaml"));
        String doc = Files.readString(REPO.resolve("docs/devstack.md"));
        int start = doc.indexOf("| variable | value |");
        assertThat(start).as("docs/devstack.md has the endpoints.env variable table").isNotNegative();
        Set<String> vars = new LinkedHashSet<>();
        Pattern name = Pattern.compile("`([A-Z<>_]+)`");
        for (String row : doc.substring(start).lines().skip(2).takeWhile(l -> l.startsWith("|")).toList()) {
            List<String> names = new ArrayList<>();
            Matcher m = name.matcher(row.split("\\|")[1]);
            while (m.find()) {
                names.add(m.group(1));
            }
            // a row's placeholders per department or application (its names in turn), then its plain names
            for (String prefix : List.of("<DEPT>", "<APP>")) {
                List<String> entities = prefix.equals("<DEPT>") ? g.departmentNames()
                        : g.applications().stream().map(Governance.Application::name).toList();
                for (String entity : entities) {
                    names.stream().filter(n -> n.startsWith(prefix))
                            .forEach(n -> vars.add(Governance.envName(entity) + n.substring(prefix.length())));
                }
            }
            names.stream().filter(n -> !n.startsWith("<")).forEach(vars::add);
        }
        assertThat(vars).as("documented variables").hasSizeGreaterThan(10);
        return vars;
    }

    @Test
    void theDocumentedVariablesCoverEveryGovernanceKeyAndApplication() throws IOException {
        assertThat(documentedVariables()).contains("FINANCE_KEY_ARN", "SALES_KEY_ARN", "QUARANTINE_KEY_ARN",
                "ENCRYPTOR_AWS_ACCESS_KEY_ID", "KEY_ADMIN_AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION");
    }
}
