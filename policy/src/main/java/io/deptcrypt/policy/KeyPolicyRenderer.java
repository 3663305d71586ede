package io.deptcrypt.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.governance.Governance;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The key policy of each governed key, rendered from the roles of the access matrix ({@link KmsAccess},
 * {@link KeyRole}): the one generator that localkms, {@code governance apply} and the IaC all use.
 *
 * <p>Per role that some application holds on the key, one statement for its context-bound actions (condition
 * {@code StringEquals kms:EncryptionContext:department = <department>}) and one for its other actions, each naming
 * the applications' role ARNs. Nothing is granted to {@code *}. The Sids are stable (tools and docs name them).
 * {@link Options#accountAdministers()} adds AWS's "the account administers through IAM" statement with the key
 * admins' actions only (never use): in AWS it lets CloudFormation and a replaced key-admin role keep managing keys;
 * in AWS, and in localkms when it is given identity policies, it grants an account principal only what that
 * principal's own IAM policy also allows.
 */
public final class KeyPolicyRenderer {

    public static final String SID_ADMINISTRATORS = "KeyAdministratorsManageNotUse";
    public static final String SID_ACCOUNT = "AccountAdministersThroughIamNotUse";
    public static final String SID_OWNER_ENCRYPT = "OwnerEncryptsForThisDepartmentOnly";
    public static final String SID_OWNER_DESCRIBE = "OwnerDescribesKey";
    public static final String SID_READERS_DECRYPT = "ReadersDecryptThisDepartmentOnly";
    public static final String SID_READERS_DESCRIBE = "ReadersDescribeKey";

    /** @param accountAdministers add the account-root statement (AWS's IAM delegation), management actions only */
    public record Options(boolean accountAdministers) {
        /** Governance principals only. */
        public static final Options GOVERNANCE_ONLY = new Options(false);
        /** Plus the account root, administering through IAM: what the AWS deployment renders by default. */
        public static final Options WITH_ACCOUNT = new Options(true);
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private KeyPolicyRenderer() {}

    /** The policy of {@code key} as a JSON tree (for templates). */
    public static ObjectNode render(Governance g, GovernedKey key, Options options) {
        KmsAccess access = KmsAccess.of(g);
        ObjectNode policy = JSON.createObjectNode();
        policy.put("Version", PolicyNames.POLICY_VERSION);
        policy.put("Id", "deptcrypt-" + key.label());
        ArrayNode statements = policy.putArray("Statement");
        for (KeyRole role : List.of(KeyRole.ADMINISTRATOR, KeyRole.OWNER, KeyRole.READER)) {
            List<String> principals = access.applications().stream()
                    .filter(app -> access.role(app, key.label()) == role)
                    .map(app -> g.application(app).role())
                    .toList();
            if (principals.isEmpty()) {
                continue;
            }
            if (!role.contextBoundActions().isEmpty()) {
                statement(statements, boundSid(role), principals, role.contextBoundActions())
                        .putObject("Condition").putObject("StringEquals")
                        .put(PolicyNames.CONTEXT_CONDITION, key.contextValue());
            }
            if (!role.actions().isEmpty()) {
                statement(statements, sid(role), principals, role.actions());
            }
            if (role == KeyRole.ADMINISTRATOR && options.accountAdministers()) {
                statement(statements, SID_ACCOUNT, List.of(accountRoot(g)), role.actions());
            }
        }
        return policy;
    }

    /** The policy of {@code key} as the JSON text KMS takes in CreateKey and PutKeyPolicy. */
    public static String json(Governance g, GovernedKey key, Options options) {
        try {
            return JSON.writeValueAsString(render(g, key, options));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code arn:<partition>:iam::<account>:root}. */
    public static String accountRoot(Governance g) {
        return "arn:" + g.quarantine().key().partition() + ":iam::" + g.account() + ":root";
    }

    private static String sid(KeyRole role) {
        return switch (role) {
            case ADMINISTRATOR -> SID_ADMINISTRATORS;
            case OWNER -> SID_OWNER_DESCRIBE;
            case READER -> SID_READERS_DESCRIBE;
            case NONE -> throw new IllegalArgumentException("no statement for NONE");
        };
    }

    private static String boundSid(KeyRole role) {
        return switch (role) {
            case OWNER -> SID_OWNER_ENCRYPT;
            case READER -> SID_READERS_DECRYPT;
            default -> throw new IllegalArgumentException(role + " has no context-bound actions");
        };
    }

    private static ObjectNode statement(ArrayNode statements, String sid, List<String> principals, List<String> actions) {
        ObjectNode s = statements.addObject();
        s.put("Sid", sid);
        s.put("Effect", "Allow");
        ArrayNode aws = s.putObject("Principal").putArray("AWS");
        principals.forEach(aws::add);
        ArrayNode action = s.putArray("Action");
        actions.forEach(action::add);
        s.put("Resource", "*");
        return s;
    }
}
