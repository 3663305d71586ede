package io.deptcrypt.localkms.service;

import io.deptcrypt.localkms.crypto.KeyMaterial;
import io.deptcrypt.localkms.policy.KeyPolicy;
import io.deptcrypt.localkms.policy.MalformedPolicyException;
import io.deptcrypt.localkms.state.KeyRecord;
import io.deptcrypt.localkms.state.KeyState;
import io.deptcrypt.localkms.state.StateFile;
import io.deptcrypt.localkms.state.StateStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a new key is made of: a fresh enabled key record, and a policy document checked as AWS checks it (well formed,
 * naming only roles of this account that exist, i.e. principals localkms currently knows).
 */
public final class KeyFactory {

    private static final int MAX_POLICY_LENGTH = 32768;
    private static final Pattern ACCOUNT_PRINCIPAL = Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):(role|user)/.+");

    private final ServiceSettings settings;
    private final StateFile naming;
    private final StateStore store;

    public KeyFactory(ServiceSettings settings, StateFile naming, StateStore store) {
        this.settings = settings;
        this.naming = naming;
        this.store = store;
    }

    /** A new enabled symmetric key with one material version. */
    public KeyRecord newKey(String keyId, String description, String policyText, KeyPolicy policy, Map<String, String> tags) {
        Instant now = settings.now();
        return new KeyRecord(keyId, naming.keyArn(keyId), now, description, KeyState.Enabled, null, null, policyText, policy,
                false, 365, null, List.of(), List.of(KeyMaterial.generate(0, now)), tags);
    }

    /**
     * Parses and checks a policy document against the principals known now.
     *
     * @throws KmsException ValidationException (too long) or MalformedPolicyDocumentException
     */
    public KeyPolicy parsePolicy(String text) {
        if (text.length() > MAX_POLICY_LENGTH) {
            throw KmsException.constraint("'...'", "policy", "Member must have length less than or equal to " + MAX_POLICY_LENGTH);
        }
        KeyPolicy policy;
        try {
            policy = KeyPolicy.parse(text);
        } catch (MalformedPolicyException e) {
            throw new KmsException(KmsErrorCode.MALFORMED_POLICY_DOCUMENT, e.getMessage());
        }
        for (String p : policy.principalEntries()) {
            Matcher m = ACCOUNT_PRINCIPAL.matcher(p);
            if (m.matches() && m.group(1).equals(settings.account()) && !store.current().knowsRole(p)) {
                throw new KmsException(KmsErrorCode.MALFORMED_POLICY_DOCUMENT,
                        "Policy contains a statement with one or more invalid principals: " + p + " does not exist");
            }
        }
        return policy;
    }

    /**
     * AWS's default key policy: the account root may do everything, i.e. every principal of the account whose identity
     * policy allows it (a principal without one: every principal if {@link ServiceSettings#rootMeansAccount()}, else
     * no one).
     */
    public static String defaultPolicy(String account) {
        return "{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n  \"Statement\" : [ {\n"
                + "    \"Sid\" : \"Enable IAM User Permissions\",\n    \"Effect\" : \"Allow\",\n"
                + "    \"Principal\" : {\n      \"AWS\" : \"arn:aws:iam::" + account + ":root\"\n    },\n"
                + "    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  } ]\n}";
    }
}
