package io.deptcrypt.governance;

import java.util.Map;

/**
 * The KMS encryption context of every deptcrypt data key: exactly one pair, {@code {"department": <name>}}. The
 * encryptor sends it with GenerateDataKey, readers with Decrypt, and the key policies generated from the governance
 * file allow both only when {@code kms:EncryptionContext:department} equals the key's department.
 */
public final class EncryptionContext {

    /** The only encryption-context key. */
    public static final String DEPARTMENT_KEY = "department";

    /**
     * The department value of records sealed under the quarantine key (the dead-letter topic). It can never clash with
     * a real department: governance names start with a lower-case letter.
     */
    public static final String QUARANTINE_DEPARTMENT = "_quarantine";

    private EncryptionContext() {}

    /** {@code {"department": department}}. */
    public static Map<String, String> of(String department) {
        return Map.of(DEPARTMENT_KEY, department);
    }
}
