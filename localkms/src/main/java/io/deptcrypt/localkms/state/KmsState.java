package io.deptcrypt.localkms.state;

import io.deptcrypt.localkms.AccessKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Everything localkms knows at one moment: keys, aliases, grants and principals with their access keys. Immutable,
 * so requests read a consistent snapshot without locks; changes build a new state ({@code with...}) that
 * {@link StateStore} persists and then publishes.
 */
public final class KmsState {

    private final Map<String, KeyRecord> keys;             // by key id, creation order
    private final Map<String, AliasRecord> aliases;        // by alias name, sorted
    private final Map<String, GrantRecord> grants;         // by grant id, creation order
    private final Map<String, PrincipalRecord> principals; // by application name, sync order
    private final Map<String, AccessKey> accessKeys;       // by application name
    private final Map<String, AccessKey> byAccessKeyId;
    private final Set<String> roles;
    private final Map<String, List<GrantRecord>> grantsByKey;
    private final Map<String, List<String>> aliasNamesByKey;
    private final Map<String, GrantRecord> grantsByToken;
    private final Instant nextDue;

    public KmsState(Map<String, KeyRecord> keys, Map<String, AliasRecord> aliases, Map<String, GrantRecord> grants,
                    Map<String, PrincipalRecord> principals) {
        this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        this.aliases = Collections.unmodifiableMap(new TreeMap<>(aliases));
        this.grants = Collections.unmodifiableMap(new LinkedHashMap<>(grants));
        this.principals = Collections.unmodifiableMap(new LinkedHashMap<>(principals));
        Map<String, AccessKey> byName = new LinkedHashMap<>();
        Map<String, AccessKey> ids = new HashMap<>();
        for (PrincipalRecord p : this.principals.values()) {
            byName.put(p.name(), p.accessKey());
            ids.put(p.accessKey().accessKeyId(), p.accessKey());
        }
        this.accessKeys = Collections.unmodifiableMap(byName);
        this.roles = this.principals.values().stream().map(PrincipalRecord::roleArn).collect(Collectors.toUnmodifiableSet());
        this.byAccessKeyId = Map.copyOf(ids);
        Map<String, List<GrantRecord>> perKey = new HashMap<>();
        Map<String, GrantRecord> tokens = new HashMap<>();
        for (GrantRecord g : this.grants.values()) {
            perKey.computeIfAbsent(g.keyId(), k -> new ArrayList<>()).add(g);
            tokens.put(g.grantToken(), g);
        }
        perKey.replaceAll((k, v) -> List.copyOf(v));
        this.grantsByKey = Map.copyOf(perKey);
        Map<String, List<String>> names = new HashMap<>();
        for (AliasRecord a : this.aliases.values()) {
            names.computeIfAbsent(a.targetKeyId(), k -> new ArrayList<>()).add(a.name());
        }
        names.replaceAll((k, v) -> List.copyOf(v));
        this.aliasNamesByKey = Map.copyOf(names);
        this.grantsByToken = Map.copyOf(tokens);
        this.nextDue = this.keys.values().stream().flatMap(k -> k.nextDue().stream()).min(Instant::compareTo).orElse(Instant.MAX);
    }

    public static KmsState empty() {
        return new KmsState(Map.of(), Map.of(), Map.of(), Map.of());
    }

    public Optional<KeyRecord> key(String keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }

    public Collection<KeyRecord> keys() {
        return keys.values();
    }

    public Optional<AliasRecord> alias(String name) {
        return Optional.ofNullable(aliases.get(name));
    }

    public Collection<AliasRecord> aliases() {
        return aliases.values();
    }

    /** The names ({@code alias/...}) of the aliases pointing at the key now, sorted; what {@code kms:ResourceAliases} holds. */
    public List<String> aliasNamesOf(String keyId) {
        return aliasNamesByKey.getOrDefault(keyId, List.of());
    }

    public Optional<GrantRecord> grant(String grantId) {
        return Optional.ofNullable(grants.get(grantId));
    }

    public Optional<GrantRecord> grantByToken(String token) {
        return Optional.ofNullable(grantsByToken.get(token));
    }

    public Collection<GrantRecord> grants() {
        return grants.values();
    }

    public List<GrantRecord> grantsFor(String keyId) {
        return grantsByKey.getOrDefault(keyId, List.of());
    }

    /** The known principals by application name: exactly the last sync's list (governance on start, or SyncPrincipals). */
    public Map<String, PrincipalRecord> principals() {
        return principals;
    }

    public Optional<PrincipalRecord> principal(String name) {
        return Optional.ofNullable(principals.get(name));
    }

    /** Whether {@code roleArn} belongs to a known principal (policies and grants may name only those of this account). */
    public boolean knowsRole(String roleArn) {
        return roles.contains(roleArn);
    }

    /** Access keys by application name. */
    public Map<String, AccessKey> accessKeys() {
        return accessKeys;
    }

    public Optional<AccessKey> accessKeyById(String accessKeyId) {
        return Optional.ofNullable(byAccessKeyId.get(accessKeyId));
    }

    /** The earliest pending deletion or automatic rotation; {@link Instant#MAX} when nothing is scheduled. */
    public Instant nextDue() {
        return nextDue;
    }

    public KmsState withKey(KeyRecord key) {
        Map<String, KeyRecord> k = new LinkedHashMap<>(keys);
        k.put(key.keyId(), key);
        return new KmsState(k, aliases, grants, principals);
    }

    /** Deletes a key for good, with its aliases and grants: its material is gone (crypto-shredding). */
    public KmsState withoutKey(String keyId) {
        Map<String, KeyRecord> k = new LinkedHashMap<>(keys);
        k.remove(keyId);
        Map<String, AliasRecord> a = new TreeMap<>(aliases);
        a.values().removeIf(alias -> alias.targetKeyId().equals(keyId));
        Map<String, GrantRecord> g = new LinkedHashMap<>(grants);
        g.values().removeIf(grant -> grant.keyId().equals(keyId));
        return new KmsState(k, a, g, principals);
    }

    public KmsState withAlias(AliasRecord alias) {
        Map<String, AliasRecord> a = new TreeMap<>(aliases);
        a.put(alias.name(), alias);
        return new KmsState(keys, a, grants, principals);
    }

    public KmsState withoutAlias(String name) {
        Map<String, AliasRecord> a = new TreeMap<>(aliases);
        a.remove(name);
        return new KmsState(keys, a, grants, principals);
    }

    public KmsState withGrant(GrantRecord grant) {
        Map<String, GrantRecord> g = new LinkedHashMap<>(grants);
        g.put(grant.grantId(), grant);
        return new KmsState(keys, aliases, g, principals);
    }

    public KmsState withoutGrant(String grantId) {
        Map<String, GrantRecord> g = new LinkedHashMap<>(grants);
        g.remove(grantId);
        return new KmsState(keys, aliases, g, principals);
    }

    /** Makes the known principals exactly {@code byName}. */
    public KmsState withPrincipals(Map<String, PrincipalRecord> byName) {
        return new KmsState(keys, aliases, grants, byName);
    }
}
