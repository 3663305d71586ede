package io.deptcrypt.testkit;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.governance.KmsArn;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one governance file of the tests ({@value #RESOURCE}): the shape of config/governance.yaml, with applications
 * encryptor, finance-consumer, sales-consumer, sqs-connector, security-auditor and key-admin, departments finance and
 * sales, keys as alias ARNs, and a quarantine key read by security-auditor.
 * <p>
 * It is a class-path resource (inside the testkit jar for other modules), so code that needs a file path gets a copy:
 * {@link #file()} or {@link #copyTo(Path)}.
 */
public final class TestGovernance {

    public static final String RESOURCE = "/io/deptcrypt/testkit/governance.yaml";
    public static final String ACCOUNT = "111122223333";
    public static final KmsArn FINANCE = KmsArn.parse("arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-finance");
    public static final KmsArn SALES = KmsArn.parse("arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-sales");
    public static final KmsArn QUARANTINE = KmsArn.parse("arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-quarantine");
    public static final String SHARED = "deptcrypt.shared";

    private static final String YAML = read();
    private static final Governance GOVERNANCE = GovernanceLoader.parse(YAML, "testkit:governance.yaml");
    private static Path file;

    private TestGovernance() {}

    /** The file's text. */
    public static String yaml() {
        return YAML;
    }

    /** The file, parsed and validated (immutable, shared). */
    public static Governance governance() {
        return GOVERNANCE;
    }

    /** A copy named {@code governance.yaml} in a temporary directory of this JVM, written on first use. */
    public static synchronized Path file() {
        if (file == null) {
            try {
                Path dir = Files.createTempDirectory("deptcrypt-testkit-");
                dir.toFile().deleteOnExit();
                file = copyTo(dir);
                file.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the test governance file", e);
            }
        }
        return file;
    }

    /** Writes {@code dir/governance.yaml} (replacing it) and returns its path. */
    public static Path copyTo(Path dir) throws IOException {
        return Files.writeString(dir.resolve("governance.yaml"), YAML);
    }

    private static String read() {
        try (InputStream in = TestGovernance.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("test governance " + RESOURCE + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the test governance " + RESOURCE, e);
        }
    }
}
