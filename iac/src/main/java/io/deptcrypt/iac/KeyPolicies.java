package io.deptcrypt.iac;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.policy.GovernedKey;
import io.deptcrypt.policy.KeyPolicyRenderer;
import java.util.List;

/**
 * The KMS key policies of the AWS deployment: exactly what {@link KeyPolicyRenderer} renders for localkms and
 * {@code governance apply} (the one generator), plus the account-root statement when
 * {@link RenderSettings#accountAdministersKeys()} asks for it.
 */
final class KeyPolicies {

    private KeyPolicies() {}

    static ObjectNode forKey(Governance g, GovernedKey key, RenderSettings settings) {
        return KeyPolicyRenderer.render(g, key, settings.accountAdministersKeys()
                ? KeyPolicyRenderer.Options.WITH_ACCOUNT : KeyPolicyRenderer.Options.GOVERNANCE_ONLY);
    }

    static List<String> roles(Governance g, List<String> applications) {
        return applications.stream().map(a -> g.application(a).role()).toList();
    }

    static String partition(Governance g) {
        return g.quarantine().key().partition();
    }
}
