package io.deptcrypt.localkms.service;

import io.deptcrypt.localkms.state.AliasRecord;
import io.deptcrypt.localkms.state.KeyRecord;
import io.deptcrypt.localkms.state.KeyState;
import io.deptcrypt.localkms.state.KmsState;
import io.deptcrypt.localkms.state.StateFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a request's key id (key id, key ARN, {@code alias/<name>} or alias ARN) into the key, in AWS's wording when
 * it cannot, and checks that a key is in a state the operation accepts.
 */
final class KeyResolver {

    private static final Pattern KMS_ARN = Pattern.compile("arn:([a-z-]+):kms:([a-z0-9-]+):(\\d{12}):(key|alias)/(.+)");

    private final ServiceSettings settings;
    private final StateFile naming;

    KeyResolver(ServiceSettings settings, StateFile naming) {
        this.settings = settings;
        this.naming = naming;
    }

    /**
     * @param aliasAllowed whether the operation accepts alias forms (crypto operations and DescribeKey do; management
     *                     operations want the key id or key ARN and answer NotFound for an alias)
     * @throws KmsException ValidationException or NotFoundException
     */
    ResolvedKey resolve(KmsState s, String input, boolean aliasAllowed, AuditEntry audit) {
        if (input.isEmpty() || input.length() > 2048) {
            throw KmsException.constraint("'" + input + "'", "keyId", "Member must have length between 1 and 2048");
        }
        String keyId;
        String alias = null;
        if (input.startsWith("arn:")) {
            Matcher m = KMS_ARN.matcher(input);
            if (!m.matches()) {
                throw KmsException.notFound("Invalid arn " + input);
            }
            boolean ours = m.group(1).equals(settings.partition()) && m.group(2).equals(settings.region())
                    && m.group(3).equals(settings.account());
            if (m.group(4).equals("alias")) {
                if (!aliasAllowed) {
                    throw KmsException.notFound("Invalid keyId " + input);
                }
                if (!ours) {
                    throw KmsException.notFound("Alias " + input + " is not found.");
                }
                alias = "alias/" + m.group(5);
            } else if (!ours) {
                throw KmsException.notFound("Key '" + input + "' does not exist");
            }
            keyId = m.group(4).equals("key") ? m.group(5) : null;
        } else if (input.startsWith("alias/")) {
            if (!aliasAllowed) {
                throw KmsException.notFound("Invalid keyId " + input);
            }
            alias = input;
            keyId = null;
        } else {
            keyId = input;
        }
        if (alias != null) {
            keyId = alias(s, alias).targetKeyId();
        }
        String displayArn = naming.keyArn(keyId);
        KeyRecord key = s.key(keyId).orElseThrow(() -> KmsException.notFound("Key '" + displayArn + "' does not exist"));
        audit.key(key.arn());
        return new ResolvedKey(key, alias);
    }

    /** @throws KmsException NotFoundException in AWS's wording */
    AliasRecord alias(KmsState s, String name) {
        return s.alias(name).orElseThrow(() -> KmsException.notFound("Alias " + aliasArn(name) + " is not found."));
    }

    String aliasArn(String aliasName) {
        return "arn:" + settings.partition() + ":kms:" + settings.region() + ":" + settings.account() + ":" + aliasName;
    }

    /** Cryptographic operations need an enabled key. */
    static void requireEnabled(KeyRecord k) {
        switch (k.state()) {
            case Enabled -> { }
            case Disabled -> throw new KmsException(KmsErrorCode.DISABLED, k.arn() + " is disabled.");
            case PendingDeletion -> throw KmsException.invalidState(k.arn() + " is pending deletion.");
        }
    }

    static void requireNotPendingDeletion(KeyRecord k) {
        if (k.state() == KeyState.PendingDeletion) {
            throw KmsException.invalidState(k.arn() + " is pending deletion.");
        }
    }
}
