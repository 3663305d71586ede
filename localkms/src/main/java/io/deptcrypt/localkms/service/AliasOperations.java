package io.deptcrypt.localkms.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.localkms.policy.Principal;
import io.deptcrypt.localkms.state.AliasRecord;
import io.deptcrypt.localkms.state.KmsState;
import io.deptcrypt.localkms.state.StateStore;
import io.deptcrypt.localkms.state.StateStore.Change;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Alias operations: CreateAlias, UpdateAlias, DeleteAlias, ListAliases. Changing an alias needs the permission on
 * every key involved (UpdateAlias: on the old and the new target).
 */
final class AliasOperations {

    private static final Pattern ALIAS_NAME = Pattern.compile("alias/[a-zA-Z0-9/_-]{1,250}");

    private final ServiceSettings settings;
    private final StateStore store;
    private final KeyResolver resolver;
    private final Authorizer authorizer;

    AliasOperations(ServiceSettings settings, StateStore store, KeyResolver resolver, Authorizer authorizer) {
        this.settings = settings;
        this.store = store;
        this.resolver = resolver;
        this.authorizer = authorizer;
    }

    Map<String, Operation> operations() {
        Map<String, Operation> ops = new LinkedHashMap<>();
        ops.put("CreateAlias", this::createAlias);
        ops.put("UpdateAlias", this::updateAlias);
        ops.put("DeleteAlias", this::deleteAlias);
        ops.put("ListAliases", this::listAliases);
        return ops;
    }

    private ObjectNode createAlias(Principal caller, KmsRequest r, AuditEntry audit) {
        String name = aliasName(r.requiredString("AliasName"));
        String target = r.requiredString("TargetKeyId");
        store.update(s -> {
            ResolvedKey k = resolver.resolve(s, target, false, audit);
            authorizer.authorizeAlias(s, caller, "CreateAlias", resolver.aliasArn(name), audit);
            authorizer.authorize(s, caller, "CreateAlias", k, null, audit);
            KeyResolver.requireNotPendingDeletion(k.key());
            if (s.alias(name).isPresent()) {
                throw new KmsException(KmsErrorCode.ALREADY_EXISTS, "An alias with the name " + resolver.aliasArn(name)
                        + " already exists");
            }
            Instant now = settings.now();
            return new Change<>(s.withAlias(new AliasRecord(name, k.key().keyId(), now, now)), null);
        });
        return AwsJson.object();
    }

    private ObjectNode updateAlias(Principal caller, KmsRequest r, AuditEntry audit) {
        String name = aliasName(r.requiredString("AliasName"));
        String target = r.requiredString("TargetKeyId");
        store.update(s -> {
            AliasRecord alias = resolver.alias(s, name);
            ResolvedKey current = new ResolvedKey(s.key(alias.targetKeyId()).orElseThrow(), name);
            ResolvedKey next = resolver.resolve(s, target, false, audit);
            authorizer.authorizeAlias(s, caller, "UpdateAlias", resolver.aliasArn(name), audit);
            authorizer.authorize(s, caller, "UpdateAlias", current, null, audit);
            authorizer.authorize(s, caller, "UpdateAlias", next, null, audit);
            KeyResolver.requireNotPendingDeletion(next.key());
            return new Change<>(s.withAlias(alias.retarget(next.key().keyId(), settings.now())), null);
        });
        return AwsJson.object();
    }

    private ObjectNode deleteAlias(Principal caller, KmsRequest r, AuditEntry audit) {
        String name = aliasName(r.requiredString("AliasName"));
        store.update(s -> {
            AliasRecord alias = resolver.alias(s, name);
            ResolvedKey target = new ResolvedKey(s.key(alias.targetKeyId()).orElseThrow(), name);
            authorizer.authorizeAlias(s, caller, "DeleteAlias", resolver.aliasArn(name), audit);
            authorizer.authorize(s, caller, "DeleteAlias", target, null, audit);
            return new Change<>(s.withoutAlias(name), null);
        });
        return AwsJson.object();
    }

    private ObjectNode listAliases(Principal caller, KmsRequest r, AuditEntry audit) {
        KmsState s = store.current();
        authorizer.authorizeIdentity(s, caller, "kms:ListAliases", audit);
        Optional<String> keyFilter = r.string("KeyId").map(id -> resolver.resolve(s, id, false, audit).key().keyId());
        List<AliasRecord> aliases = s.aliases().stream()
                .filter(a -> keyFilter.isEmpty() || a.targetKeyId().equals(keyFilter.get())).toList();
        Page page = Page.of(r, aliases.size(), 100, 50);
        ObjectNode out = AwsJson.object();
        ArrayNode list = out.putArray("Aliases");
        for (AliasRecord a : aliases.subList(page.from, page.to)) {
            ObjectNode n = list.addObject();
            n.put("AliasName", a.name());
            n.put("AliasArn", resolver.aliasArn(a.name()));
            n.put("TargetKeyId", a.targetKeyId());
            n.set("CreationDate", AwsJson.epochSeconds(a.creationDate()));
            n.set("LastUpdatedDate", AwsJson.epochSeconds(a.lastUpdatedDate()));
        }
        page.finish(out);
        return out;
    }

    private static String aliasName(String name) {
        if (name.startsWith("alias/aws/")) {
            throw new KmsException(KmsErrorCode.NOT_AUTHORIZED,
                    "Alias names beginning with alias/aws/ are reserved for AWS managed keys");
        }
        if (!ALIAS_NAME.matcher(name).matches()) {
            throw KmsException.constraint("'" + name + "'", "aliasName",
                    "Member must satisfy regular expression pattern: ^alias/[a-zA-Z0-9/_-]+$");
        }
        return name;
    }
}
