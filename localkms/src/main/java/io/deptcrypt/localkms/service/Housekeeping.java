package io.deptcrypt.localkms.service;

import io.deptcrypt.localkms.state.KeyRecord;
import io.deptcrypt.localkms.state.KeyState;
import io.deptcrypt.localkms.state.KmsState;
import io.deptcrypt.localkms.state.StateStore;
import io.deptcrypt.localkms.state.StateStore.Change;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on dates that passed: deletes keys whose deletion date is reached (with their aliases and grants; their
 * material is gone, so everything sealed under them is unreadable) and rotates keys whose rotation date is reached.
 * Runs before every operation, so a due change is in place before the call that would notice it; cheap when nothing
 * is due. Each action leaves an audit line with principal {@code localkms}.
 */
final class Housekeeping {

    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);

    private final ServiceSettings settings;
    private final StateStore store;
    private final AuditLog auditLog;

    Housekeeping(ServiceSettings settings, StateStore store, AuditLog auditLog) {
        this.settings = settings;
        this.store = store;
        this.auditLog = auditLog;
    }

    void run() {
        Instant now = settings.now();
        if (now.isBefore(store.current().nextDue())) {
            return;
        }
        List<AuditEntry> events = new ArrayList<>();
        store.update(s -> {
            KmsState next = s;
            for (KeyRecord k : s.keys()) {
                if (k.state() == KeyState.PendingDeletion && !now.isBefore(k.deletionDate())) {
                    next = next.withoutKey(k.keyId());
                    events.add(internalEvent(now, "DeleteKey", k.arn(), "scheduled deletion reached"));
                    LOG.info("deleted key {} (scheduled deletion date {} reached); data sealed under it is now unreadable",
                            k.arn(), k.deletionDate());
                } else if (k.state() == KeyState.Enabled && k.rotationEnabled() && k.nextRotationDate() != null
                        && !now.isBefore(k.nextRotationDate())) {
                    next = next.withKey(k.rotated(now, false));
                    events.add(internalEvent(now, "RotateKey", k.arn(), "automatic rotation"));
                }
            }
            return new Change<>(next, null);
        });
        events.forEach(auditLog::write);
    }

    private static AuditEntry internalEvent(Instant now, String operation, String keyArn, String reason) {
        AuditEntry e = new AuditEntry(now, UUID.randomUUID().toString(), null);
        e.caller(null, "localkms", null);
        e.operation(operation);
        e.key(keyArn);
        e.decided(AuditEntry.Decision.allow, reason);
        return e;
    }
}
