package io.deptcrypt.control.redrive;

import java.util.Set;

/**
 * Which dead letters to re-drive: those with one of {@code reasons}, or one of {@code eventIds}, or at one of
 * {@code positions} ({@code <partition>@<offset>} in the dead-letter topic). Empty sets select nothing by that
 * criterion; at least one criterion must be given.
 */
public record Selection(Set<String> reasons, Set<String> eventIds, Set<String> positions) {

    public Selection {
        reasons = Set.copyOf(reasons);
        eventIds = Set.copyOf(eventIds);
        positions = Set.copyOf(positions);
        if (reasons.isEmpty() && eventIds.isEmpty() && positions.isEmpty()) {
            throw new IllegalArgumentException("choose the dead letters to re-drive: --reason, --event-id or --position");
        }
        for (String p : positions) {
            if (!p.matches("\\d+@\\d+")) {
                throw new IllegalArgumentException("position '" + p + "' is not <partition>@<offset>, e.g. 0@42");
            }
        }
    }

    public boolean matches(String reason, String eventId, String position) {
        return reasons.contains(reason) || eventIds.contains(eventId) || positions.contains(position);
    }
}
