package io.deptcrypt.localkms.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What key policies and identity policies share: the document's outer shape ({@code Version}, {@code Id},
 * {@code Statement}) and AWS's order of decision over its statements (any matching Deny wins, else any matching
 * Allow, else an implicit deny).
 */
final class PolicyDocument {

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> TOP_LEVEL = Set.of("Version", "Id", "Statement");

    private PolicyDocument() {}

    static List<Statement> statements(String document, Statement.Kind kind) throws MalformedPolicyException {
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
            if (!TOP_LEVEL.contains(f)) {
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
            Statement s = Statement.parse(nodes.get(i), i, kind);
            if (s.sid != null && !sids.add(s.sid)) {
                throw new MalformedPolicyException("Policy has two statements with Sid '" + s.sid + "'");
            }
            statements.add(s);
        }
        return List.copyOf(statements);
    }

    /** AWS's decision over the statements that {@code apply}: the first Deny, else the first Allow, else none. */
    static PolicyDecision decide(List<Statement> statements, Predicate<Statement> apply) {
        String allowedBy = null;
        for (Statement s : statements) {
            if (apply.test(s)) {
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
}
