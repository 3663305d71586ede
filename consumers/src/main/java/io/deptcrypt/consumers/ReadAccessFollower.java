package io.deptcrypt.consumers;

import io.deptcrypt.crypto.Opener;
import io.deptcrypt.governance.AppliedGovernance;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.runtime.GovernanceWatcher;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A department consumer's reaction to a governance version applied while it runs: when the application's read access
 * to its department, or the department's key, changed, the {@link Opener} forgets the department's cached data keys
 * and remembered refusals. The next record then costs a KMS Decrypt, answered under the new key policy: refused after
 * a revocation (the record meets {@code failure.action.access.denied}), allowed again after a re-grant. Nothing here
 * grants anything; KMS decides. A lost read access is counted ({@link ConsumerCounters#revocations()}).
 */
final class ReadAccessFollower implements GovernanceWatcher.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(ReadAccessFollower.class);

    private final String application;
    private final String department;
    private final Opener opener;
    private final ConsumerCounters counters;
    /** Only the watcher's thread reads and writes it. */
    private Governance previous;
    /** The last version reacted to: set once the reaction is done. */
    private volatile long version;

    ReadAccessFollower(String application, String department, Opener opener, Governance running,
                       ConsumerCounters counters) {
        this.application = Objects.requireNonNull(application, "application");
        this.department = Objects.requireNonNull(department, "department");
        this.opener = Objects.requireNonNull(opener, "opener");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.previous = running;
    }

    /** The last applied version this app has reacted to (0: none yet). */
    long version() {
        return version;
    }

    @Override
    public void applied(AppliedGovernance applied, Governance next) {
        Optional<String> change = change(previous, next, application, department);
        boolean revoked = revokes(previous, next, application, department);
        previous = next;
        if (change.isPresent()) {
            opener.forget(department);
            if (revoked) {
                counters.countRevocation();
            }
            LOG.info("governance version {}: {}; cached {} data keys dropped, the next record asks KMS",
                    applied.version(), change.get(), department);
        } else {
            LOG.info("governance version {}: nothing changes for {} reading {}", applied.version(), application,
                    department);
        }
        version = applied.version();
    }

    /** Whether {@code application} could read {@code department} before and cannot after (revoked or removed). */
    static boolean revokes(Governance before, Governance after, String application, String department) {
        boolean wasReader = before.findDepartment(department).filter(d -> d.readers().contains(application)).isPresent();
        boolean isReader = after.findDepartment(department).filter(d -> d.readers().contains(application)).isPresent();
        return wasReader && !isReader;
    }

    /** What changed for {@code application} reading {@code department} from {@code before} to {@code after}, if anything. */
    static Optional<String> change(Governance before, Governance after, String application, String department) {
        Optional<Governance.Department> was = before.findDepartment(department);
        Optional<Governance.Department> is = after.findDepartment(department);
        if (is.isEmpty()) {
            return was.map(d -> "department " + department + " was removed from governance");
        }
        boolean wasReader = was.filter(d -> d.readers().contains(application)).isPresent();
        boolean isReader = is.get().readers().contains(application);
        if (wasReader && !isReader) {
            return Optional.of(application + " is no longer a reader of " + department + " (revoked)");
        }
        if (!wasReader && isReader) {
            return Optional.of(application + " is a reader of " + department + " again");
        }
        if (was.isPresent() && !was.get().key().equals(is.get().key())) {
            return Optional.of("the key of " + department + " changed from " + was.get().key() + " to " + is.get().key());
        }
        return Optional.empty();
    }
}
