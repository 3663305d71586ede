package io.deptcrypt.localkms.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.localkms.policy.IdentityPolicy;
import io.deptcrypt.localkms.policy.MalformedPolicyException;
import io.deptcrypt.localkms.policy.Principal;
import io.deptcrypt.localkms.state.CredentialsFile;
import io.deptcrypt.localkms.state.PrincipalRecord;
import io.deptcrypt.localkms.state.StateStore;
import io.deptcrypt.localkms.state.StateStore.Change;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * localkms-only operations standing in for IAM (target prefix {@code DeptcryptLocalIam.}), signed with SigV4 like
 * every KMS call. {@code SyncPrincipals} makes the known principals exactly the given list (see {@link PrincipalSync}),
 * persists it, rewrites {@code credentials.env} and answers every principal's access key: in AWS, roles come from IAM
 * (CloudFormation) and their credentials from STS; here a control-plane command learns them from this answer. Each
 * entry may carry an {@code IdentityPolicy} (the role's IAM policy, as JSON text), which the {@link Authorizer}
 * then evaluates with the key policies as AWS does. Only a current key admin may call it.
 */
final class LocalIamOperations {

    private final ServiceSettings settings;
    private final StateStore store;
    private final Authorizer authorizer;
    private final CredentialsFile credentials;

    LocalIamOperations(ServiceSettings settings, StateStore store, Authorizer authorizer, CredentialsFile credentials) {
        this.settings = settings;
        this.store = store;
        this.authorizer = authorizer;
        this.credentials = credentials;
    }

    Map<String, Operation> operations() {
        return Map.of("SyncPrincipals", this::syncPrincipals);
    }

    private ObjectNode syncPrincipals(Principal caller, KmsRequest r, AuditEntry audit) {
        Map<String, PrincipalRecord> synced = store.update(s -> {
            // Inside the update: a concurrent sync that removed the caller's admin right counts.
            authorizer.authorizeIdentity(s, caller, Authorizer.SYNC_PRINCIPALS_ACTION, audit);
            Map<String, PrincipalRecord> next = PrincipalSync.next(s, wanted(r), settings.account());
            return new Change<>(s.withPrincipals(next), next);
        });
        synchronized (credentials) {
            // Always the newest state, so concurrent syncs cannot leave an older file behind.
            credentials.write(store.current().accessKeys().values());
        }
        ObjectNode out = AwsJson.object();
        ArrayNode list = out.putArray("Principals");
        for (PrincipalRecord p : synced.values()) {
            list.addObject()
                    .put("Name", p.name())
                    .put("RoleArn", p.roleArn())
                    .put("KeyAdmin", p.keyAdmin())
                    .put("AccessKeyId", p.accessKey().accessKeyId())
                    .put("SecretAccessKey", p.accessKey().secretAccessKey());
        }
        return out;
    }

    private static List<PrincipalSync.Spec> wanted(KmsRequest r) {
        if (!r.has("Principals")) {
            throw KmsException.constraint("null", "principals", "Member must not be null");
        }
        List<KmsRequest> entries = r.objectList("Principals");
        List<PrincipalSync.Spec> wanted = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            KmsRequest p = entries.get(i);
            wanted.add(new PrincipalSync.Spec(member(p, i, "Name"), member(p, i, "RoleArn"), p.bool("KeyAdmin"),
                    identityPolicy(p, i)));
        }
        return wanted;
    }

    /** The optional {@code IdentityPolicy}: a policy document as JSON text, like KMS's {@code Policy} parameters. */
    private static IdentityPolicy identityPolicy(KmsRequest p, int index) {
        Optional<String> text = p.string("IdentityPolicy");
        if (text.isEmpty()) {
            return null;
        }
        try {
            return IdentityPolicy.parse(text.get());
        } catch (MalformedPolicyException e) {
            throw new KmsException(KmsErrorCode.MALFORMED_POLICY_DOCUMENT,
                    "Principals[" + index + "].IdentityPolicy: " + e.getMessage());
        }
    }

    private static String member(KmsRequest p, int index, String name) {
        return p.string(name).orElseThrow(() -> KmsException.validation("Principals[" + index + "]." + name + " is missing"));
    }
}
