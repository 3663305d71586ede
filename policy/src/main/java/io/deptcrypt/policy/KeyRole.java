package io.deptcrypt.policy;

import java.util.List;

/**
 * What one application may do with one governed key. Every rule of the key policies is here, once: the access
 * matrix ({@link KmsAccess}) and the rendered policies ({@link KeyPolicyRenderer}) both derive from it.
 * An application holds exactly one role per key (governance validation forbids an owner or key admin that reads).
 */
public enum KeyRole {
    /**
     * A governance key admin: manages the key (policy, aliases, rotation, enable/disable, deletion, revoking grants)
     * and can neither use it nor grant its use. Every action is named: a wildcard such as {@code kms:Create*} would
     * include {@code kms:CreateGrant}, which lets its holder grant anyone, itself included, Decrypt.
     */
    ADMINISTRATOR(List.of(), List.of(
            "kms:CancelKeyDeletion",
            "kms:CreateAlias",
            "kms:DeleteAlias",
            "kms:DescribeKey",
            "kms:DisableKey",
            "kms:DisableKeyRotation",
            "kms:EnableKey",
            "kms:EnableKeyRotation",
            "kms:GetKeyPolicy",
            "kms:GetKeyRotationStatus",
            "kms:ListGrants",
            "kms:ListKeyRotations",
            "kms:ListResourceTags",
            "kms:PutKeyPolicy",
            "kms:RetireGrant",
            "kms:RevokeGrant",
            "kms:RotateKeyOnDemand",
            "kms:ScheduleKeyDeletion",
            "kms:TagResource",
            "kms:UntagResource",
            "kms:UpdateAlias",
            "kms:UpdateKeyDescription")),
    /** The governance owner (the encryptor): generates and wraps data keys for the key's department only. */
    OWNER(List.of("kms:GenerateDataKey", "kms:Encrypt"), List.of("kms:DescribeKey")),
    /** A reader of the key's department: unwraps that department's data keys only. */
    READER(List.of("kms:Decrypt"), List.of("kms:DescribeKey")),
    /** Any other application: nothing. */
    NONE(List.of(), List.of());

    private final List<String> contextBoundActions;
    private final List<String> actions;

    KeyRole(List<String> contextBoundActions, List<String> actions) {
        this.contextBoundActions = contextBoundActions;
        this.actions = actions;
    }

    /** IAM actions allowed only when the encryption context names the key's department. */
    public List<String> contextBoundActions() {
        return contextBoundActions;
    }

    /** IAM actions allowed without condition. */
    public List<String> actions() {
        return actions;
    }

    /** What this role may do with the matrix operation {@code action}. */
    public Decision decision(KmsAction action) {
        if (actions.containsAll(action.iamActions())) {
            return Decision.ALLOW;
        }
        if (contextBoundActions.containsAll(action.iamActions())) {
            return Decision.ALLOW_WITH_DEPARTMENT_CONTEXT;
        }
        return Decision.DENY;
    }

    /** One cell of the access matrix. */
    public enum Decision {
        ALLOW("yes"),
        /** Allowed only with the encryption context {@code department=<the key's department>}. */
        ALLOW_WITH_DEPARTMENT_CONTEXT("ctx"),
        DENY("-");

        private final String symbol;

        Decision(String symbol) {
            this.symbol = symbol;
        }

        /** How the matrix prints it: {@code yes}, {@code ctx} or {@code -}. */
        public String symbol() {
            return symbol;
        }

        public static Decision ofSymbol(String s) {
            for (Decision d : values()) {
                if (d.symbol.equals(s)) {
                    return d;
                }
            }
            throw new IllegalArgumentException("'" + s + "' is not a matrix cell (yes, ctx or -)");
        }
    }
}
