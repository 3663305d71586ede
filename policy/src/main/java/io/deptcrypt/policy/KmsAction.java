package io.deptcrypt.policy;

import java.util.List;

/**
 * The KMS operations the access matrix answers for, each with the IAM actions a caller needs for it. The
 * cryptographic ones take an encryption context, which key policies bind to the key's department.
 */
public enum KmsAction {
    GENERATE_DATA_KEY(true, "kms:GenerateDataKey"),
    DECRYPT(true, "kms:Decrypt"),
    ENCRYPT(true, "kms:Encrypt"),
    /** Re-encrypting a ciphertext of the key under the same key: needs both halves. */
    RE_ENCRYPT(true, "kms:ReEncryptFrom", "kms:ReEncryptTo"),
    CREATE_GRANT(false, "kms:CreateGrant"),
    PUT_KEY_POLICY(false, "kms:PutKeyPolicy"),
    SCHEDULE_KEY_DELETION(false, "kms:ScheduleKeyDeletion"),
    DESCRIBE_KEY(false, "kms:DescribeKey");

    private final boolean takesContext;
    private final List<String> iamActions;

    KmsAction(boolean takesContext, String... iamActions) {
        this.takesContext = takesContext;
        this.iamActions = List.of(iamActions);
    }

    /** Whether the operation carries an encryption context (so a key policy condition on it applies). */
    public boolean takesContext() {
        return takesContext;
    }

    /** The IAM actions a caller must be allowed, e.g. {@code kms:Decrypt}. */
    public List<String> iamActions() {
        return iamActions;
    }

    /** The KMS API operation name, e.g. {@code GenerateDataKey}, {@code ReEncrypt}. */
    public String operation() {
        return this == RE_ENCRYPT ? "ReEncrypt" : iamActions.get(0).substring("kms:".length());
    }
}
