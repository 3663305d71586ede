package io.deptcrypt.control.live;

import java.time.Instant;
import java.util.Optional;

/**
 * A governed key as KMS reports it.
 *
 * @param keyArn       the key ARN
 * @param state        KMS key state ({@code Enabled}, {@code Disabled}, {@code PendingDeletion}, ...)
 * @param policy       the key policy text as KMS returns it
 * @param deletionDate when a key pending deletion goes
 */
public record LiveKey(String keyArn, String state, String policy, Optional<Instant> deletionDate) {

    public boolean pendingDeletion() {
        return state.equals("PendingDeletion");
    }

    public boolean enabled() {
        return state.equals("Enabled");
    }
}
