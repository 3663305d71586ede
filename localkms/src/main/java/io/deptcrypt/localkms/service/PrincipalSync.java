package io.deptcrypt.localkms.service;

import io.deptcrypt.localkms.AccessKey;
import io.deptcrypt.localkms.policy.IdentityPolicy;
import io.deptcrypt.localkms.state.KmsState;
import io.deptcrypt.localkms.state.PrincipalRecord;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * localkms's stand-in for IAM roles: makes the set of known principals exactly a given list. A principal already
 * known by name keeps its access key (and picks up a changed role ARN, key-admin flag and identity policy); a new one
 * gets a fresh access key; one left out loses its access key at once, so its next call is
 * UnrecognizedClientException. The same rules apply to the
 * start-up sync from governance and to {@code SyncPrincipals} at run time.
 */
public final class PrincipalSync {

    /**
     * One wanted principal: an application name, its IAM role, whether it is a key admin, and its IAM identity
     * policy (null for none).
     */
    public record Spec(String name, String roleArn, boolean keyAdmin, IdentityPolicy identityPolicy) {
        /** A principal without an identity policy (what the start-up sync from governance gives). */
        public Spec(String name, String roleArn, boolean keyAdmin) {
            this(name, roleArn, keyAdmin, null);
        }
    }

    // The governance file's rules for application names and roles. Names of this form also give distinct
    // credentials.env variables, which never collide with the fixed ones or the departments' *_KEY_ARN.
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:(aws|aws-cn|aws-us-gov):iam::(\\d{12}):role/[\\w+=,.@/-]{1,512}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final char[] SECRET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

    private PrincipalSync() {}

    /**
     * The principals after syncing {@code state} to {@code wanted}, in the list's order.
     *
     * @param account the only account whose roles localkms serves
     * @throws KmsException ValidationException naming the entry that is wrong, or saying that no key admin would be left
     */
    public static Map<String, PrincipalRecord> next(KmsState state, List<Spec> wanted, String account) {
        validate(wanted, account);
        Map<String, PrincipalRecord> next = new LinkedHashMap<>();
        for (Spec p : wanted) {
            AccessKey existing = state.accessKeys().get(p.name());
            AccessKey key = existing != null
                    ? new AccessKey(p.name(), p.roleArn(), existing.accessKeyId(), existing.secretAccessKey())
                    : new AccessKey(p.name(), p.roleArn(), "AKIA" + random(BASE32, 16), random(SECRET, 40));
            next.put(p.name(), new PrincipalRecord(key, p.keyAdmin(), p.identityPolicy()));
        }
        return next;
    }

    private static void validate(List<Spec> wanted, String account) {
        Set<String> names = new HashSet<>();
        Set<String> roles = new HashSet<>();
        for (int i = 0; i < wanted.size(); i++) {
            Spec p = wanted.get(i);
            String at = "Principals[" + i + "]";
            if (!NAME.matcher(p.name()).matches()) {
                throw KmsException.validation(at + ".Name '" + p.name() + "' must be 1-63 lower-case letters, digits and '-',"
                        + " starting with a letter");
            }
            if (!names.add(p.name())) {
                throw KmsException.validation(at + ".Name '" + p.name() + "' appears twice; each principal needs its own name");
            }
            Matcher m = ROLE_ARN.matcher(p.roleArn());
            if (!m.matches()) {
                throw KmsException.validation(at + ".RoleArn '" + p.roleArn() + "' is not an IAM role ARN"
                        + " (arn:aws:iam::<account>:role/<name>)");
            }
            if (!m.group(2).equals(account)) {
                throw KmsException.validation(at + ".RoleArn '" + p.roleArn() + "' is in account " + m.group(2)
                        + "; this localkms serves account " + account);
            }
            if (!roles.add(p.roleArn())) {
                throw KmsException.validation(at + ".RoleArn '" + p.roleArn() + "' is already used by another principal;"
                        + " each principal needs its own role");
            }
        }
        if (wanted.stream().noneMatch(Spec::keyAdmin)) {
            throw KmsException.validation("The principal list has no key admin (KeyAdmin: true); localkms refuses to remove"
                    + " the last key admin, since no one could then create keys or sync principals");
        }
    }

    private static String random(char[] alphabet, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet[RANDOM.nextInt(alphabet.length)]);
        }
        return b.toString();
    }
}
