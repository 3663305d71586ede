package io.deptcrypt.localkms.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.Governance.Department;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The key policies governance implies, as JSON documents AWS KMS accepts ({@code PutKeyPolicy}/{@code CreateKey}).
 * localkms attaches them to the governance keys; anyone else (tests, tools) may call these to see or compare them.
 * Statement Sids are stable; {@code docs/localkms.md} documents them.
 *
 * <ul>
 *   <li>{@value #SID_KEY_ADMINISTRATION}: the key admins manage the key ({@link #ADMIN_ACTIONS}) but may not use it.</li>
 *   <li>{@value #SID_OWNER_ENCRYPT}: the owner (encryptor) may {@code kms:GenerateDataKey*} and {@code kms:Encrypt}
 *       only when {@code kms:EncryptionContext:department} equals the department.</li>
 *   <li>{@value #SID_READERS_DECRYPT}: the department's readers may {@code kms:Decrypt} only with that same
 *       condition (omitted when there are no readers).</li>
 *   <li>{@value #SID_USERS_DESCRIBE}: owner and readers may {@code kms:DescribeKey}.</li>
 * </ul>
 * The quarantine key has the same shape with the department value {@value #QUARANTINE_DEPARTMENT} and the
 * quarantine readers. There is deliberately no account-root ("enable IAM policies") statement: governance alone
 * decides who uses a department key.
 */
public final class KeyPolicies {

    /** The encryption context key every deptcrypt data key is bound to. */
    public static final String DEPARTMENT_CONTEXT_KEY = "department";
    /** The {@value #DEPARTMENT_CONTEXT_KEY} value of records sealed under the quarantine key. */
    public static final String QUARANTINE_DEPARTMENT = "_quarantine";

    public static final String SID_KEY_ADMINISTRATION = "KeyAdministration";
    public static final String SID_OWNER_ENCRYPT = "OwnerEncryptForDepartment";
    public static final String SID_READERS_DECRYPT = "ReadersDecryptDepartment";
    public static final String SID_USERS_DESCRIBE = "UsersDescribeKey";

    /** Manage, never use: no Encrypt, Decrypt, ReEncrypt or GenerateDataKey*. */
    public static final List<String> ADMIN_ACTIONS = List.of(
            "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*",
            "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion",
            "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand", "kms:RetireGrant");
    public static final List<String> OWNER_ACTIONS = List.of("kms:GenerateDataKey*", "kms:Encrypt");
    public static final List<String> READER_ACTIONS = List.of("kms:Decrypt");
    public static final List<String> USER_DESCRIBE_ACTIONS = List.of("kms:DescribeKey");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private KeyPolicies() {}

    /** The policy of {@code department}'s key. */
    public static String forDepartment(Governance governance, Department department) {
        return forKey(governance, "deptcrypt-" + department.name(), department.name(), department.readers());
    }

    /** The policy of the quarantine key (dead-lettered input, department value {@value #QUARANTINE_DEPARTMENT}). */
    public static String forQuarantine(Governance governance) {
        return forKey(governance, "deptcrypt-quarantine", QUARANTINE_DEPARTMENT, governance.quarantine().readers());
    }

    /**
     * The policy of a key whose data keys carry {@code department=<departmentValue>}.
     *
     * @param policyId the policy document's {@code Id}
     * @param readers  application names allowed to decrypt
     */
    public static String forKey(Governance governance, String policyId, String departmentValue, List<String> readers) {
        ObjectNode policy = JSON.createObjectNode();
        policy.put("Version", "2012-10-17");
        policy.put("Id", policyId);
        ArrayNode statements = policy.putArray("Statement");
        List<String> admins = roles(governance, governance.keyAdmins());
        if (!admins.isEmpty()) {
            statement(statements, SID_KEY_ADMINISTRATION, admins, ADMIN_ACTIONS, null);
        }
        String owner = governance.ownerApplication().role();
        statement(statements, SID_OWNER_ENCRYPT, List.of(owner), OWNER_ACTIONS, departmentValue);
        List<String> readerRoles = roles(governance, readers);
        if (!readerRoles.isEmpty()) {
            statement(statements, SID_READERS_DECRYPT, readerRoles, READER_ACTIONS, departmentValue);
        }
        Set<String> users = new LinkedHashSet<>();
        users.add(owner);
        users.addAll(readerRoles);
        statement(statements, SID_USERS_DESCRIBE, new ArrayList<>(users), USER_DESCRIBE_ACTIONS, null);
        try {
            return JSON.writeValueAsString(policy);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> roles(Governance governance, List<String> applications) {
        return applications.stream().map(a -> governance.application(a).role()).distinct().toList();
    }

    private static void statement(ArrayNode statements, String sid, List<String> principals, List<String> actions,
                                  String departmentValue) {
        ObjectNode s = statements.addObject();
        s.put("Sid", sid);
        s.put("Effect", "Allow");
        ArrayNode aws = s.putObject("Principal").putArray("AWS");
        principals.forEach(aws::add);
        ArrayNode action = s.putArray("Action");
        actions.forEach(action::add);
        s.put("Resource", "*");
        if (departmentValue != null) {
            s.putObject("Condition").putObject("StringEquals")
                    .put("kms:EncryptionContext:" + DEPARTMENT_CONTEXT_KEY, departmentValue);
        }
    }
}
