package io.deptcrypt.localkms.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One statement of a key policy or of an IAM identity policy, parsed and validated, and the tests of its parts.
 * A key-policy statement names its principals and only {@code kms:} actions; an identity-policy statement has no
 * principal (it is attached to one) and may name actions of any service, which simply never match a KMS call.
 */
final class Statement {

    enum Kind { KEY_POLICY, IDENTITY_POLICY }

    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern ROOT = Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):root");
    private static final Pattern IAM_ENTITY = Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):(role|user)/(?:[\\w+=,.@-]+/)*([\\w+=,.@-]+)");
    private static final Pattern ASSUMED_ROLE = Pattern.compile("arn:aws[a-z-]*:sts::(\\d{12}):assumed-role/([\\w+=,.@-]+)/[\\w+=,.@-]+");
    private static final Pattern IAM_ACTION = Pattern.compile("[A-Za-z0-9-]+:[A-Za-z0-9*?]+");
    private static final Set<String> FIELDS = Set.of("Sid", "Effect", "Principal", "NotPrincipal", "Action",
            "NotAction", "Resource", "NotResource", "Condition");

    final String sid;
    final int index;
    final boolean deny;
    private final boolean anyPrincipal;
    private final boolean notPrincipal;
    final List<String> principals;
    private final List<Pattern> actions;
    private final boolean notAction;
    private final List<Pattern> resources;
    private final boolean notResource;
    private final List<Condition> conditions;

    private Statement(String sid, int index, boolean deny, boolean anyPrincipal, boolean notPrincipal,
                      List<String> principals, List<Pattern> actions, boolean notAction, List<Pattern> resources,
                      boolean notResource, List<Condition> conditions) {
        this.sid = sid;
        this.index = index;
        this.deny = deny;
        this.anyPrincipal = anyPrincipal;
        this.notPrincipal = notPrincipal;
        this.principals = principals;
        this.actions = actions;
        this.notAction = notAction;
        this.resources = resources;
        this.notResource = notResource;
        this.conditions = conditions;
    }

    /** The Sid, or {@code #<index>} for a statement without one. */
    String name() {
        return sid != null && !sid.isEmpty() ? sid : "#" + index;
    }

    /** Whether the statement's Principal (or NotPrincipal) reaches {@code caller}; account entries as {@code account} says. */
    boolean reaches(Principal caller, AccountScope account) {
        boolean named = anyPrincipal || principals.stream().anyMatch(p -> names(p, caller, account));
        return named != notPrincipal;
    }

    /** Whether action, resource and every condition apply to the request. */
    boolean covers(String action, String resource, RequestContext context) {
        if (actions.stream().anyMatch(a -> a.matcher(action).matches()) == notAction) {
            return false;
        }
        if (resources.stream().anyMatch(r -> r.matcher(resource).matches()) == notResource) {
            return false;
        }
        for (Condition c : conditions) {
            if (!c.holds(context)) {
                return false;
            }
        }
        return true;
    }

    private boolean names(String entry, Principal caller, AccountScope account) {
        if (entry.equals(caller.arn())) {
            return true;
        }
        Matcher root = ROOT.matcher(entry);
        String entryAccount = root.matches() ? root.group(1) : ACCOUNT.matcher(entry).matches() ? entry : null;
        if (entryAccount != null) {
            return entryAccount.equals(caller.account()) && account.matches(deny);
        }
        // A session ARN names one session of a role; localkms callers are roles, never sessions.
        return false;
    }

    static Statement parse(JsonNode node, int index, Kind kind) throws MalformedPolicyException {
        String where = "Statement[" + index + "]";
        if (!node.isObject()) {
            throw new MalformedPolicyException(where + " must be an object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new MalformedPolicyException(where + " has an unknown element '" + f + "'");
            }
        }
        String sid = null;
        if (node.has("Sid")) {
            if (!node.get("Sid").isTextual()) {
                throw new MalformedPolicyException(where + ".Sid must be a string");
            }
            sid = node.get("Sid").asText();
        }
        JsonNode effect = node.get("Effect");
        if (effect == null || !effect.isTextual() || !(effect.asText().equals("Allow") || effect.asText().equals("Deny"))) {
            throw new MalformedPolicyException(where + ".Effect must be \"Allow\" or \"Deny\"");
        }
        boolean anyPrincipal = false;
        List<String> principals = new ArrayList<>();
        if (kind == Kind.KEY_POLICY) {
            anyPrincipal = principals(exactlyOne(node, where, "Principal", "NotPrincipal"), where, principals);
        } else if (node.has("Principal") || node.has("NotPrincipal")) {
            throw new MalformedPolicyException(where + " has a Principal: an identity policy has none (it applies to"
                    + " the principal it is attached to)");
        }
        List<Pattern> actions = new ArrayList<>();
        for (String a : strings(exactlyOne(node, where, "Action", "NotAction"), where + ".Action")) {
            actions.add(Glob.toPattern(checkedAction(a, kind), true));
        }
        List<Pattern> resources = new ArrayList<>();
        for (String r : strings(exactlyOne(node, where, "Resource", "NotResource"), where + ".Resource")) {
            resources.add(Glob.toPattern(r, false));
        }
        return new Statement(sid, index, effect.asText().equals("Deny"), anyPrincipal, node.has("NotPrincipal"),
                List.copyOf(principals), List.copyOf(actions), node.has("NotAction"), List.copyOf(resources),
                node.has("NotResource"), conditions(node.get("Condition"), where, kind));
    }

    /** Adds the AWS principal entries to {@code out}; returns whether the statement names everyone. */
    private static boolean principals(JsonNode principal, String where, List<String> out) throws MalformedPolicyException {
        if (principal.isTextual()) {
            if (!principal.asText().equals("*")) {
                throw new MalformedPolicyException(where + ".Principal must be \"*\" or an object such as {\"AWS\": \"<role ARN>\"}");
            }
            return true;
        }
        if (!principal.isObject()) {
            throw new MalformedPolicyException(where + ".Principal must be \"*\" or an object");
        }
        boolean any = false;
        for (Map.Entry<String, JsonNode> e : principal.properties()) {
            List<String> entries = strings(e.getValue(), where + ".Principal." + e.getKey());
            if (e.getKey().equals("AWS")) {
                for (String p : entries) {
                    if (p.equals("*")) {
                        any = true;
                    } else if (ACCOUNT.matcher(p).matches() || ROOT.matcher(p).matches()
                            || IAM_ENTITY.matcher(p).matches() || ASSUMED_ROLE.matcher(p).matches()) {
                        out.add(p);
                    } else {
                        throw new MalformedPolicyException("Policy contains a statement with one or more invalid principals: '" + p + "'");
                    }
                }
            } else if (!Set.of("Service", "Federated", "CanonicalUser").contains(e.getKey())) {
                throw new MalformedPolicyException(where + ".Principal has an unknown principal type '" + e.getKey() + "'");
            }
            // Service, Federated and CanonicalUser principals never call localkms directly: they never match.
        }
        return any;
    }

    private static String checkedAction(String a, Kind kind) throws MalformedPolicyException {
        if (kind == Kind.KEY_POLICY && !(a.equals("*") || a.regionMatches(true, 0, "kms:", 0, 4))) {
            throw new MalformedPolicyException("Policy contains a statement with one or more invalid actions: '" + a
                    + "' (a key policy names kms: actions)");
        }
        if (!(a.equals("*") || IAM_ACTION.matcher(a).matches())) {
            throw new MalformedPolicyException("Policy contains a statement with one or more invalid actions: '" + a
                    + "' (expected <service>:<action>, e.g. kms:Decrypt, or *)");
        }
        return a;
    }

    private static List<Condition> conditions(JsonNode node, String where, Kind kind) throws MalformedPolicyException {
        List<Condition> conditions = new ArrayList<>();
        if (node == null) {
            return conditions;
        }
        if (!node.isObject()) {
            throw new MalformedPolicyException(where + ".Condition must be an object");
        }
        for (Map.Entry<String, JsonNode> op : node.properties()) {
            if (!op.getValue().isObject()) {
                throw new MalformedPolicyException(where + ".Condition." + op.getKey() + " must be an object of condition keys");
            }
            for (Map.Entry<String, JsonNode> key : op.getValue().properties()) {
                String at = where + ".Condition." + op.getKey() + "." + key.getKey();
                Condition c = Condition.of(op.getKey(), key.getKey(), strings(key.getValue(), at));
                ConditionKeys.check(key.getKey(), kind, where + ".Condition." + op.getKey());
                conditions.add(c);
            }
        }
        return List.copyOf(conditions);
    }

    private static JsonNode exactlyOne(JsonNode node, String where, String a, String b) throws MalformedPolicyException {
        if (node.has(a) == node.has(b)) {
            throw new MalformedPolicyException(where + " must have exactly one of " + a + " and " + b);
        }
        return node.has(a) ? node.get(a) : node.get(b);
    }

    private static List<String> strings(JsonNode node, String where) throws MalformedPolicyException {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode n : node) {
                out.add(scalar(n, where));
            }
        } else {
            out.add(scalar(node, where));
        }
        if (out.isEmpty()) {
            throw new MalformedPolicyException(where + " must not be empty");
        }
        return out;
    }

    private static String scalar(JsonNode n, String where) throws MalformedPolicyException {
        if (n.isTextual() || n.isBoolean() || n.isNumber()) {
            return n.asText();
        }
        throw new MalformedPolicyException(where + " must be a string or a list of strings");
    }
}
