package io.deptcrypt.iac;

import com.fasterxml.jackson.databind.JsonNode;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Paths of the module under test and governance variants the tests render. */
final class Fixtures {

    /** Surefire runs in the module directory (iac/). */
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path REPO = MODULE.getParent();
    static final Path GOVERNANCE_FILE = REPO.resolve("config/governance.yaml");
    static final Path RENDERED = MODULE.resolve("rendered");
    static final Path TEMPLATES = MODULE.resolve("cloudformation");

    private Fixtures() {}

    static String governanceText() {
        return read(GOVERNANCE_FILE);
    }

    static Governance governance() {
        return GovernanceLoader.parse(governanceText(), GOVERNANCE_FILE.toString());
    }

    static Rendering render(String governanceYaml) {
        return IacRenderer.render(GovernanceLoader.parse(governanceYaml, "test-governance.yaml"), governanceYaml,
                RenderSettings.defaults());
    }

    /** The real governance file plus an hr department read by a new hr-consumer: the doc's "third department". */
    static String withThirdDepartment() {
        String text = governanceText();
        String keyAdmin = "  - name: key-admin\n    role: arn:aws:iam::111122223333:role/deptcrypt-key-admin\n";
        require(text.contains(keyAdmin), "config/governance.yaml no longer declares key-admin as the tests expect");
        return text.replace(keyAdmin, keyAdmin
                        + "  - name: hr-consumer\n    role: arn:aws:iam::111122223333:role/deptcrypt-hr-consumer\n")
                + "  - name: hr\n    key: arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-hr\n    readers: [hr-consumer]\n";
    }

    /**
     * Exercises the other paths: a reader of two departments (role under an IAM path), a department whose key is an
     * existing key ARN, a quarantine reader that is also a department reader.
     */
    static String richGovernance() {
        return """
                account: "111122223333"
                region: us-east-1
                topics: {ingest: in.events, shared: all.sealed, deadLetter: all.dead, partitions: 12}
                applications:
                  - {name: encryptor, role: "arn:aws:iam::111122223333:role/deptcrypt-encryptor"}
                  - {name: finance-consumer, role: "arn:aws:iam::111122223333:role/deptcrypt-finance-consumer"}
                  - {name: sales-consumer, role: "arn:aws:iam::111122223333:role/deptcrypt-sales-consumer"}
                  - {name: controller, role: "arn:aws:iam::111122223333:role/team/finance/deptcrypt-controller"}
                  - {name: sqs-connector, role: "arn:aws:iam::111122223333:role/deptcrypt-sqs-connector"}
                  - {name: key-admin, role: "arn:aws:iam::111122223333:role/deptcrypt-key-admin"}
                  - {name: idle, role: "arn:aws:iam::111122223333:role/deptcrypt-idle"}
                owner: encryptor
                keyAdmins: [key-admin]
                quarantine: {key: "arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-quarantine", readers: [sales-consumer]}
                departments:
                  - {name: finance, key: "arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-finance", readers: [finance-consumer, controller]}
                  - {name: sales, key: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", readers: [sales-consumer, controller]}
                """;
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every hand-written template: file name → parsed document. */
    static Map<String, JsonNode> handWrittenTemplates() {
        Map<String, JsonNode> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(TEMPLATES)) {
            files.filter(p -> p.toString().endsWith(".yaml")).sorted()
                    .forEach(p -> out.put(p.getFileName().toString(), Documents.parseYaml(read(p))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        require(out.size() >= 5, "expected the hand-written templates in " + TEMPLATES + ", found " + out.keySet());
        return out;
    }

    /** Every template of a rendering: path → parsed document. */
    static Map<String, JsonNode> renderedTemplates(Rendering r) {
        Map<String, JsonNode> out = new TreeMap<>();
        r.files().forEach((path, text) -> {
            if (path.startsWith("cloudformation/")) {
                out.put(path, Documents.parseYaml(text));
            }
        });
        return out;
    }

    /** Every policy document (an object with Version and Statement) anywhere inside {@code node}. */
    static List<JsonNode> policyDocuments(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        walk(node, n -> {
            if (n.isObject() && n.has("Version") && n.has("Statement")) {
                out.add(n);
            }
        });
        return out;
    }

    static List<JsonNode> statements(JsonNode policy) {
        List<JsonNode> out = new ArrayList<>();
        JsonNode s = policy.get("Statement");
        if (s.isArray()) {
            s.forEach(out::add);
        } else {
            out.add(s);
        }
        return out;
    }

    /** A string or list field as a list of strings (Action, Resource, Principal.AWS). */
    static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n == null || n.isMissingNode()) {
            return out;
        }
        if (n.isArray()) {
            n.forEach(e -> out.add(e.asText()));
        } else {
            out.add(n.asText());
        }
        return out;
    }

    static void walk(JsonNode n, Consumer<JsonNode> visit) {
        visit.accept(n);
        if (n.isContainerNode()) {
            for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
                walk(it.next(), visit);
            }
        }
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }
}
