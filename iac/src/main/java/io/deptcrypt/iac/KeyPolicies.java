package io.deptcrypt.iac;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.Governance.Department;
import java.util.ArrayList;
import java.util.List;

/**
 * KMS key policies from the governance file, with the rules localkms enforces:
 * <ul>
 *   <li>the owner (encryptor) may {@code kms:GenerateDataKey} and {@code kms:Encrypt} only with
 *       {@code kms:EncryptionContext:department} equal to the key's department ({@code _quarantine} for the
 *       quarantine key);</li>
 *   <li>only that department's readers may {@code kms:Decrypt}, with the same condition;</li>
 *   <li>owner and readers may {@code kms:DescribeKey} (apps resolve aliases);</li>
 *   <li>key administrators manage the key and cannot use it: no cryptographic action and no {@code kms:CreateGrant}
 *       (a grant is a way to use);</li>
 *   <li>every principal is a named role ARN; nothing is granted to {@code *}.</li>
 * </ul>
 * Optionally ({@link RenderSettings#accountAdministersKeys()}) the account root may administer, never use, the key.
 */
public final class KeyPolicies {

    public static final String CONTEXT_CONDITION = "kms:EncryptionContext:department";
    public static final String QUARANTINE_CONTEXT = "_quarantine";
    public static final List<String> ENCRYPT_ACTIONS = List.of("kms:Encrypt", "kms:GenerateDataKey");
    public static final List<String> DECRYPT_ACTIONS = List.of("kms:Decrypt");
    public static final List<String> DESCRIBE_ACTIONS = List.of("kms:DescribeKey");
    /** Management without use. Listed one by one: no wildcard could silently grow to include a use. */
    public static final List<String> ADMIN_ACTIONS = List.of(
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
            "kms:RevokeGrant",
            "kms:RotateKeyOnDemand",
            "kms:ScheduleKeyDeletion",
            "kms:TagResource",
            "kms:UntagResource",
            "kms:UpdateAlias",
            "kms:UpdateKeyDescription");

    private KeyPolicies() {}

    public static ObjectNode forDepartment(Governance g, Department d, RenderSettings settings) {
        return policy(g, settings, "deptcrypt-" + d.name(), d.name(), AppRole.logicalName(d.name()), d.readers());
    }

    public static ObjectNode forQuarantine(Governance g, RenderSettings settings) {
        return policy(g, settings, "deptcrypt-quarantine", QUARANTINE_CONTEXT, "Quarantine", g.quarantine().readers());
    }

    private static ObjectNode policy(Governance g, RenderSettings settings, String id, String context, String label,
                                     List<String> readers) {
        ObjectNode p = Statements.policy(id);
        Statements.add(p, Statements.allowPrincipals("KeyAdministratorsManageNotUse", roles(g, g.keyAdmins()),
                ADMIN_ACTIONS, "*"));
        if (settings.accountAdministersKeys()) {
            Statements.add(p, Statements.allowPrincipals("AccountAdministersThroughIamNotUse",
                    List.of("arn:" + partition(g) + ":iam::" + g.account() + ":root"), ADMIN_ACTIONS, "*"));
        }
        String owner = g.ownerApplication().role();
        Statements.condition(Statements.add(p, Statements.allowPrincipals("OwnerEncryptsOnlyFor" + label,
                List.of(owner), ENCRYPT_ACTIONS, "*")), "StringEquals", CONTEXT_CONDITION, context);
        if (!readers.isEmpty()) {
            Statements.condition(Statements.add(p, Statements.allowPrincipals("ReadersDecryptOnly" + label,
                    roles(g, readers), DECRYPT_ACTIONS, "*")), "StringEquals", CONTEXT_CONDITION, context);
        }
        List<String> describers = new ArrayList<>();
        describers.add(owner);
        describers.addAll(roles(g, readers));
        Statements.add(p, Statements.allowPrincipals("OwnerAndReadersDescribeKey", describers, DESCRIBE_ACTIONS, "*"));
        return p;
    }

    static List<String> roles(Governance g, List<String> applications) {
        return applications.stream().map(a -> g.application(a).role()).toList();
    }

    static String partition(Governance g) {
        return g.quarantine().key().partition();
    }
}
