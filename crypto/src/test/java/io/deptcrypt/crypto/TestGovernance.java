package io.deptcrypt.crypto;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.Governance.Application;
import io.deptcrypt.governance.Governance.Department;
import io.deptcrypt.governance.Governance.Quarantine;
import io.deptcrypt.governance.Governance.Topics;
import io.deptcrypt.governance.KmsArn;
import java.util.List;

/** The shape of config/governance.yaml: finance and sales, keys as alias ARNs, a quarantine key. */
final class TestGovernance {
    static final String ACCOUNT = "111122223333";
    static final KmsArn FINANCE = KmsArn.parse("arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-finance");
    static final KmsArn SALES = KmsArn.parse("arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-sales");
    static final KmsArn QUARANTINE = KmsArn.parse("arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-quarantine");
    static final String SHARED = "deptcrypt.shared";

    private TestGovernance() {}

    static Governance governance() {
        return new Governance("test-governance.yaml", ACCOUNT, "us-east-1",
                new Topics("deptcrypt.ingest", SHARED, "deptcrypt.dead-letter", 6),
                List.of(app("encryptor"), app("finance-consumer"), app("sales-consumer"), app("security-auditor")),
                "encryptor", List.of(),
                new Quarantine(QUARANTINE, List.of("security-auditor")),
                List.of(new Department("finance", FINANCE, List.of("finance-consumer")),
                        new Department("sales", SALES, List.of("sales-consumer"))));
    }

    private static Application app(String name) {
        return new Application(name, "arn:aws:iam::111122223333:role/deptcrypt-" + name);
    }
}
