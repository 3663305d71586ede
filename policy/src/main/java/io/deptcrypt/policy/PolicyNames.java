package io.deptcrypt.policy;

import io.deptcrypt.governance.EncryptionContext;

/** Names the key policies and the envelope share. */
public final class PolicyNames {

    /** The encryption-context key every deptcrypt data key is bound to. */
    public static final String CONTEXT_KEY = EncryptionContext.DEPARTMENT_KEY;
    /** The key policy condition key on it. */
    public static final String CONTEXT_CONDITION = "kms:EncryptionContext:" + CONTEXT_KEY;
    /** The {@value #CONTEXT_KEY} value of data keys sealing dead-lettered input (not a valid department name). */
    public static final String QUARANTINE_DEPARTMENT = EncryptionContext.QUARANTINE_DEPARTMENT;
    /** IAM policy language version of every rendered document. */
    public static final String POLICY_VERSION = "2012-10-17";

    private PolicyNames() {}
}
