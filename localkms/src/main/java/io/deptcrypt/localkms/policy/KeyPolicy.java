package io.deptcrypt.localkms.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed key policy document and its evaluation. Parsing rejects what AWS rejects (and what localkms cannot
 * evaluate faithfully) with {@link MalformedPolicyException}; evaluation follows AWS: any matching Deny wins, else any
 * matching Allow, else an implicit deny.
 *
 * <p>Principals: {@code "*"} matches everyone; a role ARN matches that role; an {@code assumed-role} session ARN is
 * accepted but never matches (callers here are roles, not sessions); an account id or
 * {@code arn:aws:iam::<account>:root} means "delegate to IAM". localkms has no IAM policies, so whether the account
 * root matches every principal of that account is the caller's choice ({@code rootMeansAccount}).
 */
public final class KeyPolicy {

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern ROOT = Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):root");
    private static final Pattern IAM_ENTITY = Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):(role|user)/(?:[\\w+=,.@-]+/)*([\\w+=,.@-]+)");
    private static final Pattern ASSUMED_ROLE = Pattern.compile("arn:aws[a-z-]*:sts::(\\d{12}):assumed-role/([\\w+=,.@-]+)/[\\w+=,.@-]+");
    private static final Set<String> STATEMENT_FIELDS = Set.of("Sid", "Effect", "Principal", "NotPrincipal", "Action",
            "NotAction", "Resource", "NotResource", "Condition");

    private final List<Statement> statements;

    private KeyPolicy(List<Statement> statements) {
        this.statements = statements;
    }

    public static KeyPolicy parse(String document) throws MalformedPolicyException {
        JsonNode root;
        try {
            root = JSON.readTree(document);
        } catch (JsonProcessingException e) {
            throw new MalformedPolicyException("Policy is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new MalformedPolicyException("Policy must be a JSON object");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("Version", "Id", "Statement").contains(f)) {
                throw new MalformedPolicyException("Policy has an unknown top-level element '" + f + "'");
            }
        }
        JsonNode version = root.get("Version");
        if (version != null && !(version.isTextual()
                && (version.asText().equals("2012-10-17") || version.asText().equals("2008-10-17")))) {
            throw new MalformedPolicyException("Policy Version must be \"2012-10-17\" or \"2008-10-17\"");
        }
        JsonNode statementNode = root.get("Statement");
        if (statementNode == null || statementNode.isNull()) {
            throw new MalformedPolicyException("Policy has no Statement");
        }
        List<JsonNode> nodes = new ArrayList<>();
        if (statementNode.isArray()) {
            statementNode.forEach(nodes::add);
        } else {
            nodes.add(statementNode);
        }
        if (nodes.isEmpty()) {
            throw new MalformedPolicyException("Policy has an empty Statement list");
        }
        List<Statement> statements = new ArrayList<>();
        Set<String> sids = new LinkedHashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            Statement s = statement(nodes.get(i), i);
            if (s.sid != null && !sids.add(s.sid)) {
                throw new MalformedPolicyException("Policy has two statements with Sid '" + s.sid + "'");
            }
            statements.add(s);
        }
        return new KeyPolicy(List.copyOf(statements));
    }

    /** Every AWS principal entry the policy names (for checking that they exist). */
    public Set<String> principalEntries() {
        Set<String> all = new LinkedHashSet<>();
        statements.forEach(s -> all.addAll(s.principals));
        return all;
    }

    /**
     * @param action           e.g. {@code kms:Decrypt} (compared case-insensitively)
     * @param resourceArn      the key ARN
     * @param rootMeansAccount whether an account principal matches every principal of that account
     */
    public PolicyDecision evaluate(Principal principal, String action, String resourceArn, RequestContext context,
                                   boolean rootMeansAccount) {
        String allowedBy = null;
        for (Statement s : statements) {
            if (s.applies(principal, action, resourceArn, context, rootMeansAccount)) {
                if (s.deny) {
                    return new PolicyDecision(PolicyDecision.Effect.EXPLICIT_DENY, s.name());
                }
                if (allowedBy == null) {
                    allowedBy = s.name();
                }
            }
        }
        return allowedBy == null ? PolicyDecision.IMPLICIT_DENY : new PolicyDecision(PolicyDecision.Effect.ALLOW, allowedBy);
    }

    private static Statement statement(JsonNode node, int index) throws MalformedPolicyException {
        String where = "Statement[" + index + "]";
        if (!node.isObject()) {
            throw new MalformedPolicyException(where + " must be an object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!STATEMENT_FIELDS.contains(f)) {
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
        JsonNode principal = exactlyOne(node, where, "Principal", "NotPrincipal");
        boolean notPrincipal = node.has("NotPrincipal");
        boolean anyPrincipal = false;
        List<String> principals = new ArrayList<>();
        if (principal.isTextual()) {
            if (!principal.asText().equals("*")) {
                throw new MalformedPolicyException(where + ".Principal must be \"*\" or an object such as {\"AWS\": \"<role ARN>\"}");
            }
            anyPrincipal = true;
        } else if (principal.isObject()) {
            for (Map.Entry<String, JsonNode> e : principal.properties()) {
                List<String> entries = strings(e.getValue(), where + ".Principal." + e.getKey());
                if (e.getKey().equals("AWS")) {
                    for (String p : entries) {
                        if (p.equals("*")) {
                            anyPrincipal = true;
                        } else if (ACCOUNT.matcher(p).matches() || ROOT.matcher(p).matches()
                                || IAM_ENTITY.matcher(p).matches() || ASSUMED_ROLE.matcher(p).matches()) {
                            principals.add(p);
                        } else {
                            throw new MalformedPolicyException("Policy contains a statement with one or more invalid principals: '" + p + "'");
                        }
                    }
                } else if (!Set.of("Service", "Federated", "CanonicalUser").contains(e.getKey())) {
                    throw new MalformedPolicyException(where + ".Principal has an unknown principal type '" + e.getKey() + "'");
                }
                // Service, Federated and CanonicalUser principals never call localkms directly: they never match.
            }
        } else {
            throw new MalformedPolicyException(where + ".Principal must be \"*\" or an object");
        }
        JsonNode actionNode = exactlyOne(node, where, "Action", "NotAction");
        List<Pattern> actions = new ArrayList<>();
        for (String a : strings(actionNode, where + ".Action")) {
            if (!(a.equals("*") || a.regionMatches(true, 0, "kms:", 0, 4))) {
                throw new MalformedPolicyException("Policy contains a statement with one or more invalid actions: '" + a
                        + "' (a key policy names kms: actions)");
            }
            actions.add(Glob.toPattern(a, true));
        }
        JsonNode resourceNode = exactlyOne(node, where, "Resource", "NotResource");
        List<Pattern> resources = new ArrayList<>();
        for (String r : strings(resourceNode, where + ".Resource")) {
            resources.add(Glob.toPattern(r, false));
        }
        List<Condition> conditions = new ArrayList<>();
        JsonNode conditionNode = node.get("Condition");
        if (conditionNode != null) {
            if (!conditionNode.isObject()) {
                throw new MalformedPolicyException(where + ".Condition must be an object");
            }
            for (Map.Entry<String, JsonNode> op : conditionNode.properties()) {
                if (!op.getValue().isObject()) {
                    throw new MalformedPolicyException(where + ".Condition." + op.getKey() + " must be an object of condition keys");
                }
                for (Map.Entry<String, JsonNode> key : op.getValue().properties()) {
                    conditions.add(Condition.of(op.getKey(), key.getKey(),
                            strings(key.getValue(), where + ".Condition." + op.getKey() + "." + key.getKey())));
                }
            }
        }
        return new Statement(sid, index, effect.asText().equals("Deny"), anyPrincipal, notPrincipal, List.copyOf(principals),
                List.copyOf(actions), node.has("NotAction"), List.copyOf(resources), node.has("NotResource"), List.copyOf(conditions));
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

    private static final class Statement {
        final String sid;
        final int index;
        final boolean deny;
        final boolean anyPrincipal;
        final boolean notPrincipal;
        final List<String> principals;
        final List<Pattern> actions;
        final boolean notAction;
        final List<Pattern> resources;
        final boolean notResource;
        final List<Condition> conditions;

        Statement(String sid, int index, boolean deny, boolean anyPrincipal, boolean notPrincipal, List<String> principals,
                  List<Pattern> actions, boolean notAction, List<Pattern> resources, boolean notResource,
                  List<Condition> conditions) {
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

        String name() {
            return sid != null && !sid.isEmpty() ? sid : "#" + index;
        }

        boolean applies(Principal principal, String action, String resource, RequestContext context, boolean rootMeansAccount) {
            boolean principalMatches = anyPrincipal || principals.stream().anyMatch(p -> matches(p, principal, rootMeansAccount));
            if (principalMatches == notPrincipal) {
                return false;
            }
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

        private static boolean matches(String entry, Principal principal, boolean rootMeansAccount) {
            if (entry.equals(principal.arn())) {
                return true;
            }
            if (ACCOUNT.matcher(entry).matches()) {
                return rootMeansAccount && entry.equals(principal.account());
            }
            Matcher root = ROOT.matcher(entry);
            if (root.matches()) {
                return rootMeansAccount && root.group(1).equals(principal.account());
            }
            // A session ARN names one session of a role; localkms callers are roles, never sessions.
            return false;
        }
    }
}
