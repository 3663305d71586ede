package io.deptcrypt.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GovernanceLoaderTest {

    static final String VALID = """
            account: "111122223333"
            region: us-east-1
            topics:
              ingest: in
              shared: shared
              deadLetter: dlq
              partitions: 6
            applications:
              - name: encryptor
                role: arn:aws:iam::111122223333:role/enc
              - name: finance-consumer
                role: arn:aws:iam::111122223333:role/fin
              - name: sales-consumer
                role: arn:aws:iam::111122223333:role/sales
              - name: auditor
                role: arn:aws:iam::111122223333:role/aud
              - name: key-admin
                role: arn:aws:iam::111122223333:role/admin
            owner: encryptor
            keyAdmins: [key-admin]
            quarantine:
              key: arn:aws:kms:us-east-1:111122223333:alias/q
              readers: [auditor]
            departments:
              - name: finance
                key: arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555
                readers: [finance-consumer]
              - name: sales
                key: arn:aws:kms:us-east-1:111122223333:alias/sales
                readers: [sales-consumer]
            """;

    @Test
    void parsesValidFile() {
        Governance g = GovernanceLoader.parse(VALID, "g.yaml");
        assertThat(g.account()).isEqualTo("111122223333");
        assertThat(g.topics()).isEqualTo(new Governance.Topics("in", "shared", "dlq", 6));
        assertThat(g.topics().governance()).isEqualTo(Governance.Topics.DEFAULT_GOVERNANCE);
        assertThat(GovernanceLoader.parse(VALID.replace("  partitions: 6", "  partitions: 6\n  governance: gov\n  keys: k"),
                "g.yaml").topics()).isEqualTo(new Governance.Topics("in", "shared", "dlq", 6, "gov", "k"));
        assertThat(g.departmentNames()).containsExactly("finance", "sales");
        assertThat(g.department("finance").key().type()).isEqualTo(KmsArn.Type.KEY);
        assertThat(g.department("sales").key().aliasName()).isEqualTo("alias/sales");
        assertThat(g.departmentsReadBy("sales-consumer")).extracting(Governance.Department::name).containsExactly("sales");
        assertThat(g.ownerApplication().role()).isEqualTo("arn:aws:iam::111122223333:role/enc");
        assertThat(g.quarantine().readers()).containsExactly("auditor");
        assertThat(Governance.envName("finance-consumer")).isEqualTo("FINANCE_CONSUMER");
    }

    @Test
    void theCheckedInGovernanceFileIsValid() {
        Path file = Path.of("..", "config", "governance.yaml");
        Governance g = GovernanceLoader.load(file);
        assertThat(g.departmentNames()).contains("finance", "sales");
        assertThat(g.owner()).isEqualTo("encryptor");
    }

    @Test
    void unknownDepartmentIsNamed() {
        Governance g = GovernanceLoader.parse(VALID, "g.yaml");
        assertThatThrownBy(() -> g.department("hr")).hasMessageContaining("unknown department 'hr'");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown top-level field   | 'region: us-east-1'                            | 'region: us-east-1\\ncolour: blue'                    | colour: unknown field
            unknown nested field      | '    readers: [sales-consumer]'                 | '    readers: [sales-consumer]\\n    extra: 1'        | departments[1].extra: unknown field
            duplicate department      | '  - name: sales\\n'                            | '  - name: finance\\n'                                | departments[1].name: duplicate department 'finance'
            reader not declared       | 'readers: [sales-consumer]'                     | 'readers: [sales-reader]'                             | departments[1].readers[0]: 'sales-reader' is not a declared application
            key not an ARN            | 'arn:aws:kms:us-east-1:111122223333:alias/sales' | 'sales-key'                                         | departments[1].key: 'sales-key' is not a KMS key ARN
            key in other account      | 'arn:aws:kms:us-east-1:111122223333:alias/sales' | 'arn:aws:kms:us-east-1:999999999999:alias/sales'    | departments[1].key: 'arn:aws:kms:us-east-1:999999999999:alias/sales' is not in account
            shared key                | 'arn:aws:kms:us-east-1:111122223333:alias/sales' | 'arn:aws:kms:us-east-1:111122223333:alias/q'        | departments[1].key: 'arn:aws:kms:us-east-1:111122223333:alias/q' is already used
            missing topic             | '  deadLetter: dlq\\n'                          | ''                                                    | topics.deadLetter: is missing
            same topic twice          | 'deadLetter: dlq'                               | 'deadLetter: shared'                                  | topics: ingest, shared, deadLetter, governance and keys must be five different topics
            governance topic reused   | '  partitions: 6'                               | '  partitions: 6\n  governance: shared'               | topics: ingest, shared, deadLetter, governance and keys must be five different topics
            bad keys topic            | '  partitions: 6'                               | '  partitions: 6\n  keys: "no spaces"'               | topics.keys: 'no spaces' must be a Kafka topic name
            bad partitions            | 'partitions: 6'                                 | 'partitions: zero'                                    | topics.partitions: must be a whole number
            owner undeclared          | 'owner: encryptor'                              | 'owner: nobody'                                       | owner: 'nobody' is not a declared application
            owner reads               | 'readers: [finance-consumer]'                   | 'readers: [finance-consumer, encryptor]'              | departments[0].readers: the owner 'encryptor' encrypts and must not be a reader
            admin reads               | 'readers: [finance-consumer]'                   | 'readers: [key-admin]'                                | departments[0].readers: 'key-admin' is a key administrator
            bad account               | 'account: "111122223333"'                       | 'account: "12"'                                       | account: '12' must be a 12-digit AWS account id
            role not a role ARN       | 'role: arn:aws:iam::111122223333:role/aud'      | 'role: aud'                                           | applications[3].role: 'aud' must be an IAM role ARN
            duplicate yaml key        | 'region: us-east-1'                             | 'region: us-east-1\\nregion: eu-west-1'               | not valid YAML: Duplicate field 'region'
            no departments            | 'departments:'                                  | 'departments: []\\nunused:'                           | unknown field
            empty readers             | 'readers: [sales-consumer]'                     | 'readers: []'                                         | departments[1].readers: must not be empty
            """)
    void badFileIsRefusedNamingTheField(String what, String from, String to, String expected) {
        String yaml = VALID.replace(from.replace("\\n", "\n"), to.replace("\\n", "\n"));
        assertThat(yaml).as("test edit applied").isNotEqualTo(VALID);
        assertThatThrownBy(() -> GovernanceLoader.parse(yaml, "bad.yaml"))
                .isInstanceOf(GovernanceException.class)
                .hasMessageStartingWith("bad.yaml: ")
                .hasMessageContaining(expected);
    }

    @Test
    void emptyDepartmentListIsRefused() {
        String yaml = VALID.substring(0, VALID.indexOf("departments:")) + "departments: []\n";
        assertThatThrownBy(() -> GovernanceLoader.parse(yaml, "bad.yaml")).hasMessage("bad.yaml: departments: must not be empty");
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> GovernanceLoader.load(dir.resolve("nope.yaml"))).hasMessageEndingWith("nope.yaml: file not found");
    }

    @Test
    void emptyFileIsRefused(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("g.yaml"), "");
        assertThatThrownBy(() -> GovernanceLoader.load(f)).hasMessageContaining("the file is empty");
    }

    @Test
    void arnRoundTrips() {
        String s = "arn:aws:kms:eu-west-1:123456789012:key/abc-123";
        assertThat(KmsArn.parse(s).toString()).isEqualTo(s);
        assertThatThrownBy(() -> KmsArn.parse("arn:aws:s3:::bucket")).hasMessageContaining("is not a KMS key ARN");
    }
}
