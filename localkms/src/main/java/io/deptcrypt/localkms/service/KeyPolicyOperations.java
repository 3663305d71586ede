package io.deptcrypt.localkms.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.localkms.policy.KeyPolicy;
import io.deptcrypt.localkms.policy.Principal;
import io.deptcrypt.localkms.state.KmsState;
import io.deptcrypt.localkms.state.StateStore;
import java.util.LinkedHashMap;
import java.util.Map;

/** GetKeyPolicy and PutKeyPolicy (policy name {@code default} only, as AWS). */
final class KeyPolicyOperations {

    private static final String POLICY_NAME = "default";

    private final StateStore store;
    private final KeyFactory factory;
    private final KeyResolver resolver;
    private final Authorizer authorizer;
    private final KeyMutation mutation;

    KeyPolicyOperations(StateStore store, KeyFactory factory, KeyResolver resolver, Authorizer authorizer, KeyMutation mutation) {
        this.store = store;
        this.factory = factory;
        this.resolver = resolver;
        this.authorizer = authorizer;
        this.mutation = mutation;
    }

    Map<String, Operation> operations() {
        Map<String, Operation> ops = new LinkedHashMap<>();
        ops.put("GetKeyPolicy", this::getKeyPolicy);
        ops.put("PutKeyPolicy", this::putKeyPolicy);
        return ops;
    }

    private ObjectNode getKeyPolicy(Principal caller, KmsRequest r, AuditEntry audit) {
        KmsState s = store.current();
        ResolvedKey k = resolver.resolve(s, r.requiredString("KeyId"), false, audit);
        String name = policyName(r);
        authorizer.authorize(s, caller, "GetKeyPolicy", k, null, audit);
        return AwsJson.object().put("Policy", k.key().policy()).put("PolicyName", name);
    }

    private ObjectNode putKeyPolicy(Principal caller, KmsRequest r, AuditEntry audit) {
        policyName(r);
        String text = r.requiredString("Policy");
        audit.policy(text);
        boolean bypass = r.bool("BypassPolicyLockoutSafetyCheck");
        return mutation.apply(caller, r, audit, "PutKeyPolicy", k -> {
            KeyResolver.requireNotPendingDeletion(k);
            KeyPolicy policy = factory.parsePolicy(text);
            if (!bypass) {
                authorizer.checkLockout(store.current(), policy, caller, k.arn());
            }
            return k.withPolicy(text, policy);
        }, k -> AwsJson.object());
    }

    private static String policyName(KmsRequest r) {
        String name = r.string("PolicyName").orElse(POLICY_NAME);
        if (!name.equals(POLICY_NAME)) {
            throw KmsException.notFound("No such policy exists");
        }
        return name;
    }
}
