package io.deptcrypt.localkms.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.localkms.policy.Principal;
import io.deptcrypt.localkms.state.KmsState;
import io.deptcrypt.localkms.state.StateStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Key rotation: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand. Each rotation adds a
 * material version; older ones keep opening what they sealed.
 */
final class RotationOperations {

    private static final int MAX_ON_DEMAND_ROTATIONS = 10;
    private static final int DEFAULT_PERIOD_DAYS = 365;

    private final ServiceSettings settings;
    private final StateStore store;
    private final KeyResolver resolver;
    private final Authorizer authorizer;
    private final KeyMutation mutation;

    RotationOperations(ServiceSettings settings, StateStore store, KeyResolver resolver, Authorizer authorizer, KeyMutation mutation) {
        this.settings = settings;
        this.store = store;
        this.resolver = resolver;
        this.authorizer = authorizer;
        this.mutation = mutation;
    }

    Map<String, Operation> operations() {
        Map<String, Operation> ops = new LinkedHashMap<>();
        ops.put("EnableKeyRotation", (c, r, a) -> setRotation(c, r, a, true));
        ops.put("DisableKeyRotation", (c, r, a) -> setRotation(c, r, a, false));
        ops.put("GetKeyRotationStatus", this::getKeyRotationStatus);
        ops.put("RotateKeyOnDemand", this::rotateKeyOnDemand);
        return ops;
    }

    private ObjectNode setRotation(Principal caller, KmsRequest r, AuditEntry audit, boolean enable) {
        Optional<Integer> period = r.integer("RotationPeriodInDays");
        if (period.isPresent() && (period.get() < 90 || period.get() > 2560)) {
            throw KmsException.constraint(String.valueOf(period.get()), "rotationPeriodInDays",
                    "Member must have value between 90 and 2560 (inclusive)");
        }
        return mutation.apply(caller, r, audit, enable ? "EnableKeyRotation" : "DisableKeyRotation", k -> {
            KeyResolver.requireEnabled(k);
            if (!enable) {
                return k.withRotation(false, k.rotationPeriodInDays(), null);
            }
            int days = period.orElse(k.rotationEnabled() ? k.rotationPeriodInDays() : DEFAULT_PERIOD_DAYS);
            return k.withRotation(true, days, settings.now().plus(Duration.ofDays(days)));
        }, k -> AwsJson.object());
    }

    private ObjectNode getKeyRotationStatus(Principal caller, KmsRequest r, AuditEntry audit) {
        KmsState s = store.current();
        ResolvedKey k = resolver.resolve(s, r.requiredString("KeyId"), false, audit);
        authorizer.authorize(s, caller, "GetKeyRotationStatus", k, null, audit);
        ObjectNode out = AwsJson.object();
        out.put("KeyRotationEnabled", k.key().rotationEnabled());
        out.put("KeyId", k.key().arn());
        if (k.key().rotationEnabled()) {
            out.put("RotationPeriodInDays", k.key().rotationPeriodInDays());
            out.set("NextRotationDate", AwsJson.epochSeconds(k.key().nextRotationDate()));
        }
        return out;
    }

    private ObjectNode rotateKeyOnDemand(Principal caller, KmsRequest r, AuditEntry audit) {
        return mutation.apply(caller, r, audit, "RotateKeyOnDemand", k -> {
            KeyResolver.requireEnabled(k);
            if (k.onDemandRotations().size() >= MAX_ON_DEMAND_ROTATIONS) {
                throw new KmsException(KmsErrorCode.LIMIT_EXCEEDED, "The on-demand rotations limit has been reached for the"
                        + " given keyId. No more on-demand rotations can be performed for this key: " + k.arn());
            }
            return k.rotated(settings.now(), true);
        }, k -> AwsJson.object().put("KeyId", k.arn()));
    }
}
