package io.deptcrypt.iac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;

/** Builds IAM and key policy statements with one fixed field order: Sid, Effect, Principal, Action, Resource, Condition. */
final class Statements {

    static final String VERSION = "2012-10-17";

    private Statements() {}

    static ObjectNode policy(String id) {
        ObjectNode p = Documents.object().put("Version", VERSION);
        if (id != null) {
            p.put("Id", id);
        }
        p.putArray("Statement");
        return p;
    }

    static ObjectNode add(ObjectNode policy, ObjectNode statement) {
        policy.withArray("Statement").add(statement);
        return statement;
    }

    /** An Allow statement whose Principal is a list of IAM ARNs (key and trust policies). */
    static ObjectNode allowPrincipals(String sid, List<String> principalArns, List<String> actions, String resource) {
        ObjectNode s = Documents.object().put("Sid", sid).put("Effect", "Allow");
        s.putObject("Principal").set("AWS", Documents.array(principalArns));
        s.set("Action", Documents.array(actions));
        s.put("Resource", resource);
        return s;
    }

    /** An Allow statement of an identity policy (no Principal). */
    static ObjectNode allow(String sid, List<String> actions, List<String> resources) {
        ObjectNode s = Documents.object().put("Sid", sid).put("Effect", "Allow");
        s.set("Action", Documents.array(actions));
        s.set("Resource", resources.size() == 1 ? TextNode.valueOf(resources.get(0)) : Documents.array(resources));
        return s;
    }

    static ObjectNode condition(ObjectNode statement, String operator, String key, JsonNode value) {
        statement.withObjectProperty("Condition").withObjectProperty(operator).set(key, value);
        return statement;
    }

    static ObjectNode condition(ObjectNode statement, String operator, String key, String value) {
        return condition(statement, operator, key, TextNode.valueOf(value));
    }
}
