package io.deptcrypt.localkms;

import static io.deptcrypt.localkms.LocalKmsFixture.ADMIN;
import static io.deptcrypt.localkms.LocalKmsFixture.ENCRYPTOR;
import static io.deptcrypt.localkms.LocalKmsFixture.FINANCE_READER;
import static io.deptcrypt.localkms.LocalKmsFixture.SALES_READER;
import static io.deptcrypt.localkms.LocalKmsFixture.department;
import static io.deptcrypt.localkms.LocalKmsFixture.role;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.model.GrantOperation;
import software.amazon.awssdk.services.kms.model.KmsException;

/** Several threads at once: data keys, decrypts, denials and state changes, none lost or corrupted. */
class ConcurrencyTest {

    @TempDir
    Path dir;

    @Test
    void concurrentCryptoDenialsAndMutations() throws Exception {
        String grantable;
        try (LocalKmsFixture f = LocalKmsFixture.start(dir)) {
            String finance = f.kms.keyArn("finance");
            String sales = f.kms.keyArn("sales");
            int threads = 6;
            int perThread = 40;
            AtomicInteger decrypted = new AtomicInteger();
            AtomicInteger denied = new AtomicInteger();
            AtomicInteger grants = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                boolean isFinance = t % 2 == 0;
                futures.add(pool.submit(() -> {
                    String dept = isFinance ? "finance" : "sales";
                    String key = isFinance ? finance : sales;
                    for (int i = 0; i < perThread; i++) {
                        var dk = f.client(ENCRYPTOR).generateDataKey(r -> r.keyId(key).numberOfBytes(32).encryptionContext(department(dept)));
                        var opened = f.client(isFinance ? FINANCE_READER : SALES_READER).decrypt(r -> r.ciphertextBlob(dk.ciphertextBlob())
                                .encryptionContext(department(dept)));
                        assertThat(opened.plaintext()).isEqualTo(dk.plaintext());
                        decrypted.incrementAndGet();
                        try {
                            f.client(isFinance ? SALES_READER : FINANCE_READER).decrypt(r -> r.ciphertextBlob(dk.ciphertextBlob())
                                    .encryptionContext(department(dept)));
                        } catch (KmsException e) {
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                            denied.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            // Meanwhile, state changes: grants created and revoked on a third key, each persisted.
            // (Governance keys let nobody grant: a key of its own whose policy lets the admin.)
            String q = f.client(ADMIN).createKey(r -> r.policy("""
                    {"Version":"2012-10-17","Statement":[{"Sid":"Admin","Effect":"Allow","Principal":{"AWS":"%s"},
                     "Action":"kms:*","Resource":"*"}]}""".formatted(role(ADMIN)))).keyMetadata().arn();
            futures.add(pool.submit(() -> {
                for (int i = 0; i < 20; i++) {
                    String id = f.client(ADMIN).createGrant(r -> r.keyId(q).granteePrincipal(role("security-auditor"))
                            .operations(GrantOperation.DESCRIBE_KEY)).grantId();
                    grants.incrementAndGet();
                    if (i % 2 == 0) {
                        f.client(ADMIN).revokeGrant(r -> r.keyId(q).grantId(id));
                    }
                }
                return null;
            }));
            for (Future<?> fu : futures) {
                fu.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(decrypted.get()).isEqualTo(threads * perThread);
            assertThat(denied.get()).isEqualTo(threads * perThread);
            assertThat(grants.get()).isEqualTo(20);
            assertThat(f.client(ADMIN).listGrants(r -> r.keyId(q)).grants()).hasSize(10);
            grantable = q;
            // One complete JSON line per call.
            List<String> audit = Files.readAllLines(f.kms.auditLog());
            assertThat(audit).allSatisfy(l -> assertThat(l).startsWith("{\"time\":").endsWith("}"));
            assertThat(audit.size()).isGreaterThanOrEqualTo(threads * perThread * 3 + 30);
        }
        // The persisted state survived the concurrent writes intact.
        try (LocalKmsFixture again = LocalKmsFixture.start(dir)) {
            String q = grantable;
            assertThat(again.client(ADMIN).listGrants(r -> r.keyId(q)).grants()).hasSize(10);
        }
    }
}
