package io.deptcrypt.iac;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.Governance.Department;
import io.deptcrypt.governance.KmsArn;
import io.deptcrypt.policy.GovernedKey;
import io.deptcrypt.policy.PolicyNames;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The governance stack: one IAM role per application (trust + inline permissions) and one KMS key and alias per
 * department plus the quarantine key, each with its rendered key policy. The policies in the template are the very
 * documents written to {@code kms/} and {@code iam/}, so what a reviewer reads is what is deployed.
 */
final class GovernanceStack {

    private GovernanceStack() {}

    static ObjectNode template(Governance g, RenderSettings s, List<AppRole> roles,
                               Map<String, ObjectNode> keyPolicies, Map<String, ObjectNode> trust,
                               Map<String, Optional<ObjectNode>> permissions) {
        ObjectNode t = Documents.object();
        t.put("AWSTemplateFormatVersion", "2010-09-09");
        t.put("Description", "deptcrypt governance: one KMS key and alias per department plus the quarantine key,"
                + " and one IAM role per application, rendered from the governance file by io.deptcrypt.iac.IacRender."
                + " Do not edit; change config/governance.yaml and re-render.");
        ObjectNode meta = t.putObject("Metadata").putObject("deptcrypt");
        meta.put("renderedBy", "io.deptcrypt.iac.IacRender");
        meta.put("account", g.account());
        meta.put("region", g.region());
        List<String> external = new ArrayList<>();

        // Deploying elsewhere would create keys whose policies name roles of another account: refuse early.
        ObjectNode rule = t.putObject("Rules").putObject("GovernanceAccountAndRegion");
        ArrayNode assertions = rule.putArray("Assertions");
        assertions.addObject().<ObjectNode>set("Assert", equalsRef("AWS::AccountId", g.account()))
                .put("AssertDescription", "The governance file names account " + g.account()
                        + "; deploy this stack there (or change account in the governance file and re-render).");
        assertions.addObject().<ObjectNode>set("Assert", equalsRef("AWS::Region", g.region()))
                .put("AssertDescription", "The governance file names region " + g.region() + "; deploy this stack there.");

        ObjectNode resources = t.putObject("Resources");
        ObjectNode outputs = Documents.object();
        for (AppRole role : roles) {
            String id = AppRole.logicalName(role.name()) + "Role";
            ObjectNode r = resources.putObject(id);
            r.put("Type", "AWS::IAM::Role");
            ObjectNode p = r.putObject("Properties");
            p.put("RoleName", role.roleName());
            p.put("Path", role.rolePath());
            p.put("Description", describe(role));
            p.set("AssumeRolePolicyDocument", trust.get(role.name()));
            permissions.get(role.name()).ifPresent(doc -> {
                ObjectNode inline = p.putArray("Policies").addObject();
                inline.put("PolicyName", s.namePrefix() + "-" + role.name());
                inline.set("PolicyDocument", doc);
            });
            p.set("Tags", tags("deptcrypt:application", role.name()));
            ObjectNode out = outputs.putObject(AppRole.logicalName(role.name()) + "RoleArn");
            out.put("Description", "IAM role of application " + role.name() + " (" + role.kind() + ")");
            out.set("Value", Documents.getAtt(id, "Arn"));
            out.putObject("Export").set("Name", Documents.sub("${AWS::StackName}-" + role.name() + "-role-arn"));
        }

        for (Department d : g.departments()) {
            key(g, roles, resources, outputs, external, AppRole.logicalName(d.name()), d.name(), d.key(),
                    keyPolicies.get(d.name()), d.readers());
        }
        key(g, roles, resources, outputs, external, "Quarantine", PolicyNames.QUARANTINE_DEPARTMENT,
                g.quarantine().key(), keyPolicies.get(GovernedKey.QUARANTINE_LABEL), g.quarantine().readers());
        if (!external.isEmpty()) {
            meta.set("existingKeysNotCreatedHere", Documents.array(external));
        }
        AuditTrail.addTo(resources, outputs, s.namePrefix());
        t.set("Outputs", outputs);
        return t;
    }

    private static void key(Governance g, List<AppRole> roles, ObjectNode resources,
                            ObjectNode outputs, List<String> external, String logical, String context, KmsArn arn,
                            ObjectNode policy, List<String> readers) {
        if (arn.type() == KmsArn.Type.KEY) {
            // An existing key: the stack cannot adopt it; apply kms/<name>.key-policy.json with put-key-policy.
            external.add(arn + " (apply rendered key policy for '" + context + "' with aws kms put-key-policy)");
            return;
        }
        String keyId = logical + "Key";
        ObjectNode k = resources.putObject(keyId);
        k.put("Type", "AWS::KMS::Key");
        // Losing a key loses every record sealed under it: never delete or replace it with the stack.
        k.put("DeletionPolicy", "Retain");
        k.put("UpdateReplacePolicy", "Retain");
        // KMS refuses a policy naming a role that does not exist yet.
        Set<String> dependsOn = new LinkedHashSet<>();
        for (AppRole role : roles) {
            if (role.name().equals(g.owner()) || readers.contains(role.name()) || g.keyAdmins().contains(role.name())) {
                dependsOn.add(AppRole.logicalName(role.name()) + "Role");
            }
        }
        k.set("DependsOn", Documents.array(List.copyOf(dependsOn)));
        ObjectNode p = k.putObject("Properties");
        p.put("Description", "deptcrypt data-key wrapping key for " + (context.equals(PolicyNames.QUARANTINE_DEPARTMENT)
                ? "the dead-letter quarantine" : "department " + context) + " (encryption context department=" + context + ")");
        p.put("Enabled", true);
        p.put("EnableKeyRotation", true);
        p.put("KeySpec", "SYMMETRIC_DEFAULT");
        p.put("KeyUsage", "ENCRYPT_DECRYPT");
        p.put("PendingWindowInDays", 30);
        p.set("KeyPolicy", policy);
        p.set("Tags", tags("deptcrypt:department", context));

        ObjectNode alias = resources.putObject(logical + "KeyAlias");
        alias.put("Type", "AWS::KMS::Alias");
        ObjectNode ap = alias.putObject("Properties");
        ap.put("AliasName", arn.aliasName());
        ap.set("TargetKeyId", Documents.ref(keyId));

        ObjectNode keyOut = outputs.putObject(logical + "KeyArn");
        keyOut.put("Description", "KMS key ARN for " + context);
        keyOut.set("Value", Documents.getAtt(keyId, "Arn"));
        keyOut.putObject("Export").set("Name", Documents.sub("${AWS::StackName}-" + context.replace("_", "") + "-key-arn"));
        ObjectNode aliasOut = outputs.putObject(logical + "AliasArn");
        aliasOut.put("Description", "KMS alias ARN for " + context + " (the key the governance file names)");
        aliasOut.put("Value", arn.toString());
    }

    private static ObjectNode equalsRef(String ref, String value) {
        ObjectNode eq = Documents.object();
        ArrayNode args = eq.putArray("Fn::Equals");
        args.add(Documents.ref(ref));
        args.add(value);
        return eq;
    }

    private static ArrayNode tags(String key, String value) {
        ArrayNode tags = Documents.object().arrayNode();
        tags.addObject().put("Key", "deptcrypt:managed-by").put("Value", "iac-render");
        tags.addObject().put("Key", key).put("Value", value);
        return tags;
    }

    private static String describe(AppRole role) {
        return switch (role.kind()) {
            case ENCRYPTOR -> "deptcrypt " + role.name() + ": the encryptor (ECS task); seals every department's records";
            case DEPARTMENT_READER -> "deptcrypt " + role.name() + ": reads "
                    + role.reads().stream().map(Department::name).toList() + " (ECS task)";
            case CONNECTOR -> "deptcrypt " + role.name() + ": SQS source connector (MSK Connect service execution role)";
            case PERSON -> "deptcrypt " + role.name() + ": assumed by people or tools of the account"
                    + (role.keyAdmin() ? "; administers the keys, cannot use them" : "")
                    + (role.readsQuarantine() ? "; reads the dead-letter quarantine" : "");
        };
    }
}
