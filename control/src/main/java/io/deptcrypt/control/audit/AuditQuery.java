package io.deptcrypt.control.audit;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;

/** Which audit records to show: filters by application, department, time and outcome (all optional). */
public record AuditQuery(Optional<String> application, Optional<String> department, Optional<Instant> since,
                         Optional<Instant> until, boolean deniedOnly) implements Predicate<AuditRecord> {

    public static AuditQuery all() {
        return new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false);
    }

    @Override
    public boolean test(AuditRecord r) {
        return application.map(a -> r.application().map(a::equals).orElse(false)).orElse(true)
                && department.map(d -> r.department().map(d::equals).orElse(false)).orElse(true)
                && since.map(s -> !r.time().isBefore(s)).orElse(true)
                && until.map(u -> r.time().isBefore(u)).orElse(true)
                && (!deniedOnly || r.denied());
    }
}
