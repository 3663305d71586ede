package io.deptcrypt.localkms.state;

import io.deptcrypt.localkms.crypto.KeyMaterial;
import io.deptcrypt.localkms.policy.KeyPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One KMS key: metadata, state, policy (text and parsed), rotation settings and every material version.
 * Immutable; the {@code with...} methods return changed copies.
 *
 * @param policy             the key policy as stored and returned by GetKeyPolicy
 * @param parsedPolicy       {@code policy}, parsed once
 * @param nextRotationDate   when automatic rotation next adds a material version (null when rotation is off)
 * @param onDemandRotations  when RotateKeyOnDemand was called (AWS caps these at 10 per key)
 * @param materials          version i at index i; the last one seals new data
 */
public record KeyRecord(
        String keyId,
        String arn,
        Instant creationDate,
        String description,
        KeyState state,
        Instant deletionDate,
        Integer pendingWindowInDays,
        String policy,
        KeyPolicy parsedPolicy,
        boolean rotationEnabled,
        int rotationPeriodInDays,
        Instant nextRotationDate,
        List<Instant> onDemandRotations,
        List<KeyMaterial> materials,
        Map<String, String> tags) {

    /** The only key spec (and encryption algorithm) localkms keys have. */
    public static final String SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT";
    /** The only key usage localkms keys have. */
    public static final String KEY_USAGE = "ENCRYPT_DECRYPT";
    /** localkms generates all key material itself. */
    public static final String ORIGIN = "AWS_KMS";

    public KeyRecord {
        onDemandRotations = List.copyOf(onDemandRotations);
        materials = List.copyOf(materials);
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        if (materials.isEmpty()) {
            throw new IllegalArgumentException("key " + keyId + " has no key material");
        }
    }

    public KeyMaterial currentMaterial() {
        return materials.get(materials.size() - 1);
    }

    public Optional<KeyMaterial> material(int version) {
        return version >= 0 && version < materials.size() ? Optional.of(materials.get(version)) : Optional.empty();
    }

    public KeyRecord withState(KeyState newState, Instant newDeletionDate, Integer newPendingWindow) {
        return new KeyRecord(keyId, arn, creationDate, description, newState, newDeletionDate, newPendingWindow, policy,
                parsedPolicy, rotationEnabled, rotationPeriodInDays, nextRotationDate, onDemandRotations, materials, tags);
    }

    public KeyRecord withPolicy(String newPolicy, KeyPolicy parsed) {
        return new KeyRecord(keyId, arn, creationDate, description, state, deletionDate, pendingWindowInDays, newPolicy,
                parsed, rotationEnabled, rotationPeriodInDays, nextRotationDate, onDemandRotations, materials, tags);
    }

    public KeyRecord withRotation(boolean enabled, int periodInDays, Instant next) {
        return new KeyRecord(keyId, arn, creationDate, description, state, deletionDate, pendingWindowInDays, policy,
                parsedPolicy, enabled, periodInDays, next, onDemandRotations, materials, tags);
    }

    /** Adds a new material version; {@code onDemand} records it against the on-demand limit. */
    public KeyRecord rotated(Instant now, boolean onDemand) {
        List<KeyMaterial> more = new ArrayList<>(materials);
        more.add(KeyMaterial.generate(materials.size(), now));
        List<Instant> demands = new ArrayList<>(onDemandRotations);
        if (onDemand) {
            demands.add(now);
        }
        Instant next = rotationEnabled && !onDemand ? now.plus(Duration.ofDays(rotationPeriodInDays)) : nextRotationDate;
        return new KeyRecord(keyId, arn, creationDate, description, state, deletionDate, pendingWindowInDays, policy,
                parsedPolicy, rotationEnabled, rotationPeriodInDays, next, demands, more, tags);
    }

    public KeyRecord withTags(Map<String, String> newTags) {
        return new KeyRecord(keyId, arn, creationDate, description, state, deletionDate, pendingWindowInDays, policy,
                parsedPolicy, rotationEnabled, rotationPeriodInDays, nextRotationDate, onDemandRotations, materials, newTags);
    }

    /** The next instant at which housekeeping must act on this key (deletion or automatic rotation), if any. */
    public Optional<Instant> nextDue() {
        if (state == KeyState.PendingDeletion) {
            return Optional.of(deletionDate);
        }
        if (state == KeyState.Enabled && rotationEnabled && nextRotationDate != null) {
            return Optional.of(nextRotationDate);
        }
        return Optional.empty();
    }
}
