package io.deptcrypt.topology;

import io.deptcrypt.crypto.Sealer;
import io.deptcrypt.governance.AppliedGovernance;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.runtime.GovernanceWatcher;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The encryptor's reaction to a governance version applied while it runs: the {@link Sealer} takes it (departments
 * added are sealed, removed ones refused, a changed key gets a new data key) and the {@link IngestParser} accepts
 * exactly its departments; each department that lost a reader is counted ({@link EncryptorCounters#revocations()}).
 * Ingest for a department removed is dead-lettered (UNKNOWN_DEPARTMENT) from then on.
 */
final class GovernanceFollower implements GovernanceWatcher.Listener, Supplier<List<String>> {

    private static final Logger LOG = LoggerFactory.getLogger(GovernanceFollower.class);

    private final Sealer sealer;
    private final EncryptorCounters counters;
    private volatile Governance current;
    /** What the parser accepts; never more than the sealer can seal, so no valid event meets a refusing sealer. */
    private volatile List<String> accepted;
    /** The last version reacted to: set once the reaction is done. */
    private volatile long version;

    GovernanceFollower(Sealer sealer, Governance running, EncryptorCounters counters) {
        this.sealer = Objects.requireNonNull(sealer, "sealer");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.current = running;
        this.accepted = running.departmentNames();
    }

    /** The departments the parser accepts now. */
    @Override
    public List<String> get() {
        return accepted;
    }

    /** The last applied version this app has reacted to (0: none yet). */
    long version() {
        return version;
    }

    @Override
    public void applied(AppliedGovernance applied, Governance next) {
        Governance before = current;
        List<String> kept = before.departmentNames().stream().filter(next.departmentNames()::contains).toList();
        accepted = kept; // removed departments stop being accepted before the sealer refuses them
        try {
            sealer.update(next);
        } catch (RuntimeException e) {
            accepted = before.departmentNames(); // the sealer kept the governance in force: so does the parser
            throw e;
        }
        accepted = next.departmentNames(); // added ones only once the sealer knows their keys
        Sealer.lostReaders(before, next).stream().sorted().forEach(counters::countRevocation); // the sealer's rule
        current = next;
        version = applied.version();
        LOG.info("governance version {}: sealing for {}{}", applied.version(), next.departmentNames(),
                describe(before, next).map(c -> " (" + c + ")").orElse(" (no department or key changed)"));
    }

    /** Departments added, removed and whose key changed, or empty if none. */
    static Optional<String> describe(Governance before, Governance after) {
        List<String> added = after.departmentNames().stream().filter(d -> before.findDepartment(d).isEmpty()).toList();
        List<String> removed = before.departmentNames().stream().filter(d -> after.findDepartment(d).isEmpty()).toList();
        List<String> rekeyed = after.departments().stream()
                .filter(d -> before.findDepartment(d.name()).filter(b -> !b.key().equals(d.key())).isPresent())
                .map(Governance.Department::name).toList();
        StringBuilder s = new StringBuilder();
        append(s, "added", added);
        append(s, "removed", removed);
        append(s, "key changed", rekeyed);
        if (!before.quarantine().key().equals(after.quarantine().key())) {
            append(s, "key changed", List.of("quarantine"));
        }
        return s.isEmpty() ? Optional.empty() : Optional.of(s.toString());
    }

    private static void append(StringBuilder s, String what, List<String> departments) {
        if (!departments.isEmpty()) {
            s.append(s.isEmpty() ? "" : "; ").append(what).append(' ').append(departments);
        }
    }
}
