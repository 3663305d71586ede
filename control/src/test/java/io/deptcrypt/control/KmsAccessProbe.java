package io.deptcrypt.control;

import io.deptcrypt.policy.KeyRole.Decision;
import io.deptcrypt.policy.KmsAction;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GrantOperation;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * Finds out with real KMS calls what a principal may do with a key: each matrix action is tried with the key's
 * department context and, if that is allowed, with another context; AccessDenied means the policy refused, anything
 * else (success, or a refusal of the data such as InvalidCiphertext) means it allowed the call. An action that
 * succeeds on a key's life (ScheduleKeyDeletion) is undone at once by the key admin.
 */
final class KmsAccessProbe {

    private static final SdkBytes DATA_KEY = SdkBytes.fromByteArray(new byte[32]);

    private final KmsClient owner;
    private final KmsClient admin;

    /** @param owner generates the ciphertexts to decrypt; @param admin undoes a deletion some call scheduled */
    KmsAccessProbe(KmsClient owner, KmsClient admin) {
        this.owner = owner;
        this.admin = admin;
    }

    Decision probe(KmsClient caller, String callerRole, String keyArn, String context, KmsAction action) {
        if (!allowed(caller, callerRole, keyArn, context, action)) {
            return Decision.DENY;
        }
        if (!action.takesContext()) {
            return Decision.ALLOW;
        }
        return allowed(caller, callerRole, keyArn, "not-" + context, action) ? Decision.ALLOW
                : Decision.ALLOW_WITH_DEPARTMENT_CONTEXT;
    }

    private boolean allowed(KmsClient c, String callerRole, String keyArn, String context, KmsAction action) {
        Map<String, String> ec = Map.of("department", context);
        try {
            switch (action) {
                case GENERATE_DATA_KEY -> c.generateDataKey(r -> r.keyId(keyArn).numberOfBytes(32).encryptionContext(ec));
                case ENCRYPT -> c.encrypt(r -> r.keyId(keyArn).plaintext(DATA_KEY).encryptionContext(ec));
                case DECRYPT -> c.decrypt(r -> r.keyId(keyArn).ciphertextBlob(blob(keyArn, context)).encryptionContext(ec));
                case RE_ENCRYPT -> c.reEncrypt(r -> r.ciphertextBlob(blob(keyArn, context)).sourceKeyId(keyArn)
                        .sourceEncryptionContext(ec).destinationKeyId(keyArn).destinationEncryptionContext(ec));
                case CREATE_GRANT -> c.createGrant(r -> r.keyId(keyArn).granteePrincipal(callerRole)
                        .operations(GrantOperation.DECRYPT));
                case PUT_KEY_POLICY -> {
                    String policy = admin.getKeyPolicy(r -> r.keyId(keyArn).policyName("default")).policy();
                    c.putKeyPolicy(r -> r.keyId(keyArn).policyName("default").policy(policy));
                }
                case SCHEDULE_KEY_DELETION -> {
                    c.scheduleKeyDeletion(r -> r.keyId(keyArn).pendingWindowInDays(7));
                    admin.cancelKeyDeletion(r -> r.keyId(keyArn));
                    admin.enableKey(r -> r.keyId(keyArn));
                }
                case DESCRIBE_KEY -> c.describeKey(r -> r.keyId(keyArn));
            }
            return true;
        } catch (KmsException e) {
            return !"AccessDeniedException".equals(e.awsErrorDetails().errorCode());
        }
    }

    /** A ciphertext of the key for {@code context}; for a context the owner may not use, one for the key's own. */
    private SdkBytes blob(String keyArn, String context) {
        String real = context.startsWith("not-") ? context.substring(4) : context;
        return owner.generateDataKey(r -> r.keyId(keyArn).numberOfBytes(32).encryptionContext(Map.of("department", real)))
                .ciphertextBlob();
    }
}
