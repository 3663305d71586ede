package io.deptcrypt.localkms.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.localkms.policy.Principal;
import io.deptcrypt.localkms.state.KeyRecord;
import io.deptcrypt.localkms.state.StateStore;
import io.deptcrypt.localkms.state.StateStore.Change;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The shape of every management operation on one key: under the state lock, resolve {@code KeyId} (key id or key
 * ARN), authorize {@code kms:<operation>}, apply the change, persist, answer from the changed key.
 */
final class KeyMutation {

    private final StateStore store;
    private final KeyResolver resolver;
    private final Authorizer authorizer;

    KeyMutation(StateStore store, KeyResolver resolver, Authorizer authorizer) {
        this.store = store;
        this.resolver = resolver;
        this.authorizer = authorizer;
    }

    /** @param change may throw a {@link KmsException}, in which case nothing changes */
    ObjectNode apply(Principal caller, KmsRequest r, AuditEntry audit, String operation, UnaryOperator<KeyRecord> change,
                     Function<KeyRecord, ObjectNode> response) {
        String keyId = r.requiredString("KeyId");
        KeyRecord after = store.update(s -> {
            ResolvedKey k = resolver.resolve(s, keyId, false, audit);
            authorizer.authorize(s, caller, operation, k, null, audit);
            KeyRecord changed = change.apply(k.key());
            return new Change<>(s.withKey(changed), changed);
        });
        return response.apply(after);
    }
}
