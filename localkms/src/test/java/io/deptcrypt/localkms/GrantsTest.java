package io.deptcrypt.localkms;

import static io.deptcrypt.localkms.LocalKmsFixture.ADMIN;
import static io.deptcrypt.localkms.LocalKmsFixture.AUDITOR;
import static io.deptcrypt.localkms.LocalKmsFixture.ENCRYPTOR;
import static io.deptcrypt.localkms.LocalKmsFixture.FINANCE_READER;
import static io.deptcrypt.localkms.LocalKmsFixture.SALES_READER;
import static io.deptcrypt.localkms.LocalKmsFixture.assertKmsError;
import static io.deptcrypt.localkms.LocalKmsFixture.department;
import static io.deptcrypt.localkms.LocalKmsFixture.role;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.model.CreateGrantResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.GrantListEntry;
import software.amazon.awssdk.services.kms.model.GrantOperation;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/**
 * Grants, on a key whose own policy lets its administrator grant (governance keys let nobody grant: see the last
 * test): delegating reading without a policy change; a revoked or retired grant denies on the next call.
 */
class GrantsTest {

    @TempDir
    static Path stateDir;
    static LocalKmsFixture f;
    /** Not a governance key: its policy gives the key admin kms:* (including CreateGrant) and the owner GenerateDataKey. */
    static String sales;

    @BeforeAll
    static void start() {
        f = LocalKmsFixture.start(stateDir);
        sales = f.client(ADMIN).createKey(r -> r.policy("""
                {"Version":"2012-10-17","Statement":[
                 {"Sid":"GrantingAdmin","Effect":"Allow","Principal":{"AWS":"%s"},"Action":"kms:*","Resource":"*"},
                 {"Sid":"Owner","Effect":"Allow","Principal":{"AWS":"%s"},"Action":"kms:GenerateDataKey*","Resource":"*"}]}
                """.formatted(role(ADMIN), role(ENCRYPTOR)))).keyMetadata().arn();
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    static GenerateDataKeyResponse salesDataKey() {
        return f.client(ENCRYPTOR).generateDataKey(r -> r.keyId(sales).numberOfBytes(32).encryptionContext(department("sales")));
    }

    @Test
    void grantThenRevoke() {
        GenerateDataKeyResponse k = salesDataKey();
        var finance = f.client(FINANCE_READER);
        assertKmsError(() -> finance.decrypt(r -> r.ciphertextBlob(k.ciphertextBlob()).encryptionContext(department("sales"))),
                "AccessDeniedException");
        CreateGrantResponse grant = f.client(ADMIN).createGrant(r -> r.keyId(sales).granteePrincipal(role(FINANCE_READER))
                .operations(GrantOperation.DECRYPT).constraints(c -> c.encryptionContextEquals(department("sales"))).name("finance-reads-sales"));
        assertThat(grant.grantId()).hasSize(64);
        assertThat(grant.grantToken()).isNotEmpty();
        assertThat(finance.decrypt(r -> r.ciphertextBlob(k.ciphertextBlob()).encryptionContext(department("sales"))).plaintext())
                .isEqualTo(k.plaintext());
        // The grant allows only Decrypt: not generating data keys.
        assertKmsError(() -> finance.generateDataKey(r -> r.keyId(sales).numberOfBytes(32).encryptionContext(department("sales"))),
                "AccessDeniedException");
        GrantListEntry listed = f.client(ADMIN).listGrants(r -> r.keyId(sales)).grants().stream()
                .filter(g -> g.grantId().equals(grant.grantId())).findFirst().orElseThrow();
        assertThat(listed.granteePrincipal()).isEqualTo(role(FINANCE_READER));
        assertThat(listed.operations()).containsExactly(GrantOperation.DECRYPT);
        assertThat(listed.constraints().encryptionContextEquals()).isEqualTo(department("sales"));
        assertThat(listed.keyId()).isEqualTo(sales);
        assertThat(listed.name()).isEqualTo("finance-reads-sales");
        // Same name and parameters: AWS returns the existing grant.
        assertThat(f.client(ADMIN).createGrant(r -> r.keyId(sales).granteePrincipal(role(FINANCE_READER))
                .operations(GrantOperation.DECRYPT).constraints(c -> c.encryptionContextEquals(department("sales")))
                .name("finance-reads-sales")).grantId()).isEqualTo(grant.grantId());

        f.client(ADMIN).revokeGrant(r -> r.keyId(sales).grantId(grant.grantId()));
        assertKmsError(() -> finance.decrypt(r -> r.ciphertextBlob(k.ciphertextBlob()).encryptionContext(department("sales"))),
                "AccessDeniedException");
        assertThat(f.client(ADMIN).listGrants(r -> r.keyId(sales)).grants()).noneMatch(g -> g.grantId().equals(grant.grantId()));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.client(ADMIN).revokeGrant(r -> r.keyId(sales).grantId(grant.grantId())))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void constraintsAreEnforced() {
        String key = f.client(ADMIN).createKey(r -> r.policy("""
                {"Version":"2012-10-17","Statement":[
                 {"Sid":"Admin","Effect":"Allow","Principal":{"AWS":"%s"},"Action":"kms:*","Resource":"*"},
                 {"Sid":"Owner","Effect":"Allow","Principal":{"AWS":"%s"},"Action":"kms:GenerateDataKey*","Resource":"*"}]}
                """.formatted(role(ADMIN), role(ENCRYPTOR)))).keyMetadata().arn();
        Map<String, String> ctx = Map.of("department", "sales", "Batch", "7");
        GenerateDataKeyResponse k = f.client(ENCRYPTOR).generateDataKey(r -> r.keyId(key).numberOfBytes(32).encryptionContext(ctx));
        // Subset: the pair must be present (key case-insensitive, value exact).
        f.client(ADMIN).createGrant(r -> r.keyId(key).granteePrincipal(role(SALES_READER)).operations(GrantOperation.DECRYPT)
                .constraints(c -> c.encryptionContextSubset(Map.of("DEPARTMENT", "sales"))));
        assertThat(f.client(SALES_READER).decrypt(r -> r.ciphertextBlob(k.ciphertextBlob()).encryptionContext(ctx)).keyId()).isEqualTo(key);
        // Equals: anything more or less than the exact context is refused.
        f.client(ADMIN).createGrant(r -> r.keyId(key).granteePrincipal(role(AUDITOR)).operations(GrantOperation.DECRYPT)
                .constraints(c -> c.encryptionContextEquals(department("sales"))));
        assertKmsError(() -> f.client(AUDITOR).decrypt(r -> r.ciphertextBlob(k.ciphertextBlob()).encryptionContext(ctx)), "AccessDeniedException");
        f.client(ADMIN).createGrant(r -> r.keyId(key).granteePrincipal(role(FINANCE_READER)).operations(GrantOperation.DECRYPT)
                .constraints(c -> c.encryptionContextSubset(Map.of("department", "Sales"))));
        assertKmsError(() -> f.client(FINANCE_READER).decrypt(r -> r.ciphertextBlob(k.ciphertextBlob()).encryptionContext(ctx)),
                "AccessDeniedException");
    }

    @Test
    void retiringPrincipalAndGranteeWithRetireGrantMayRetire() {
        GenerateDataKeyResponse k = salesDataKey();
        CreateGrantResponse byRetiree = f.client(ADMIN).createGrant(r -> r.keyId(sales).granteePrincipal(role(AUDITOR))
                .operations(GrantOperation.DECRYPT).retiringPrincipal(role(FINANCE_READER)));
        assertThat(f.client(AUDITOR).decrypt(r -> r.ciphertextBlob(k.ciphertextBlob()).encryptionContext(department("sales"))).keyId())
                .isEqualTo(sales);
        // The grantee without RetireGrant may not retire it; the retiring principal may.
        assertKmsError(() -> f.client(AUDITOR).retireGrant(r -> r.grantToken(byRetiree.grantToken())), "AccessDeniedException");
        f.client(FINANCE_READER).retireGrant(r -> r.grantToken(byRetiree.grantToken()));
        assertKmsError(() -> f.client(AUDITOR).decrypt(r -> r.ciphertextBlob(k.ciphertextBlob()).encryptionContext(department("sales"))),
                "AccessDeniedException");
        assertKmsError(() -> f.client(FINANCE_READER).retireGrant(r -> r.grantToken(byRetiree.grantToken())), "InvalidGrantTokenException");

        CreateGrantResponse selfRetiring = f.client(ADMIN).createGrant(r -> r.keyId(sales).granteePrincipal(role(AUDITOR))
                .operations(GrantOperation.DECRYPT, GrantOperation.RETIRE_GRANT));
        f.client(AUDITOR).retireGrant(r -> r.keyId(sales).grantId(selfRetiring.grantId()));
        assertThat(f.client(ADMIN).listGrants(r -> r.keyId(sales)).grants()).noneMatch(g -> g.grantId().equals(selfRetiring.grantId()));
    }

    @Test
    void granteeWithCreateGrantMayOnlyDelegateWhatItHas() {
        GenerateDataKeyResponse k = salesDataKey();
        f.client(ADMIN).createGrant(r -> r.keyId(sales).granteePrincipal(role(SALES_READER))
                .operations(GrantOperation.DECRYPT, GrantOperation.CREATE_GRANT)
                .constraints(c -> c.encryptionContextSubset(department("sales"))));
        // Wider operations or a looser constraint: refused.
        assertKmsError(() -> f.client(SALES_READER).createGrant(r -> r.keyId(sales).granteePrincipal(role(FINANCE_READER))
                .operations(GrantOperation.DECRYPT, GrantOperation.ENCRYPT).constraints(c -> c.encryptionContextSubset(department("sales")))),
                "AccessDeniedException");
        assertKmsError(() -> f.client(SALES_READER).createGrant(r -> r.keyId(sales).granteePrincipal(role(FINANCE_READER))
                .operations(GrantOperation.DECRYPT)), "AccessDeniedException");
        CreateGrantResponse delegated = f.client(SALES_READER).createGrant(r -> r.keyId(sales).granteePrincipal(role(FINANCE_READER))
                .operations(GrantOperation.DECRYPT).constraints(c -> c.encryptionContextEquals(department("sales"))));
        assertThat(f.client(FINANCE_READER).decrypt(r -> r.ciphertextBlob(k.ciphertextBlob()).encryptionContext(department("sales"))).keyId())
                .isEqualTo(sales);
        f.client(ADMIN).revokeGrant(r -> r.keyId(sales).grantId(delegated.grantId()));
    }

    @Test
    void governanceKeysCannotBeGrantedEvenByTheirKeyAdmins() {
        for (String department : f.kms.governance().departmentNames()) {
            String key = f.kms.keyArn(department);
            assertKmsError(() -> f.client(ADMIN).createGrant(r -> r.keyId(key).granteePrincipal(role(ADMIN))
                    .operations(GrantOperation.DECRYPT)), "AccessDeniedException");
            assertKmsError(() -> f.client(ADMIN).createGrant(r -> r.keyId(key).granteePrincipal(role(FINANCE_READER))
                    .operations(GrantOperation.DECRYPT)), "AccessDeniedException");
            assertThat(f.client(ADMIN).listGrants(r -> r.keyId(key)).grants()).isEmpty();
        }
    }

    @Test
    void onlyKeyAdminsMayGrantOrList() {
        assertKmsError(() -> f.client(ENCRYPTOR).createGrant(r -> r.keyId(sales).granteePrincipal(role(FINANCE_READER))
                .operations(GrantOperation.DECRYPT)), "AccessDeniedException");
        assertKmsError(() -> f.client(FINANCE_READER).listGrants(r -> r.keyId(sales)), "AccessDeniedException");
        assertKmsError(() -> f.client(ADMIN).createGrant(r -> r.keyId(sales).granteePrincipal("not-an-arn")
                .operations(GrantOperation.DECRYPT)), "ValidationException");
        assertKmsError(() -> f.client(ADMIN).createGrant(r -> r.keyId(sales).granteePrincipal(role(FINANCE_READER))
                .operationsWithStrings("Dance")), "ValidationException");
    }
}
