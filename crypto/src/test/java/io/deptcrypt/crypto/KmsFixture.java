package io.deptcrypt.crypto;

import io.deptcrypt.governance.EncryptionContext;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.testkit.TestGovernance;
import java.util.Set;

/** A fake KMS with the three governance keys, and keyring providers acting as the governance applications. */
final class KmsFixture {
    final Governance governance = TestGovernance.governance();
    final FakeKms kms = new FakeKms();
    final String financeKeyArn = kms.createKey(TestGovernance.FINANCE.toString(), "finance");
    final String salesKeyArn = kms.createKey(TestGovernance.SALES.toString(), "sales");
    final String quarantineKeyArn = kms.createKey(TestGovernance.QUARANTINE.toString(),
            EncryptionContext.QUARANTINE_DEPARTMENT);
    final FakeKms.Client encryptorClient = kms.client("deptcrypt-encryptor", Set.of(
            TestGovernance.FINANCE.toString(), TestGovernance.SALES.toString(), TestGovernance.QUARANTINE.toString()));
    final KmsKeyringProvider encryptor = new KmsKeyringProvider(encryptorClient, governance);

    /** A reader allowed to decrypt under the given key or alias ARNs. */
    KmsKeyringProvider reader(String principal, String... keys) {
        return new KmsKeyringProvider(kms.client(principal, Set.of(keys)), governance);
    }

    KmsKeyringProvider financeReader() {
        return reader("deptcrypt-finance-consumer", TestGovernance.FINANCE.toString());
    }
}
