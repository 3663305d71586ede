package io.deptcrypt.localkms.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.localkms.policy.PolicyDecision.Effect;
import java.util.List;
import org.junit.jupiter.api.Test;

/** IAM identity policies: what parsing refuses, and evaluation of actions, resources and kms:ResourceAliases. */
class IdentityPolicyTest {

    static final String KEY = "arn:aws:kms:us-east-1:111122223333:key/abc";
    static final String OTHER_KEY = "arn:aws:kms:us-east-1:111122223333:key/def";
    static final String ALIAS = "arn:aws:kms:us-east-1:111122223333:alias/finance";

    static IdentityPolicy policy(String statements) throws MalformedPolicyException {
        return IdentityPolicy.parse("{\"Version\":\"2012-10-17\",\"Statement\":[" + statements + "]}");
    }

    static String statement(String effect, String sid, String action, String resource, String condition) {
        return "{\"Sid\":\"" + sid + "\",\"Effect\":\"" + effect + "\",\"Action\":" + action + ",\"Resource\":" + resource
                + (condition == null ? "" : ",\"Condition\":" + condition) + "}";
    }

    static RequestContext aliases(String... names) {
        return RequestContext.builder().putAll(ConditionKeys.RESOURCE_ALIASES, List.of(names)).build();
    }

    @Test
    void actionsOfEveryServiceResourcesWithWildcardsAndDenyFirst() throws Exception {
        IdentityPolicy p = policy(String.join(",",
                statement("Allow", "Queue", "[\"sqs:ReceiveMessage\",\"sqs:DeleteMessage\"]",
                        "\"arn:aws:sqs:us-east-1:111122223333:ingest\"", null),
                statement("Allow", "UseKeys", "[\"kms:Decrypt\",\"kms:Describe*\"]",
                        "\"arn:aws:kms:us-east-1:111122223333:key/*\"", null),
                statement("Deny", "NotThatOne", "\"kms:*\"", "\"" + OTHER_KEY + "\"", null)));
        RequestContext none = RequestContext.builder().build();
        assertThat(p.evaluate("kms:Decrypt", KEY, none)).isEqualTo(new PolicyDecision(Effect.ALLOW, "UseKeys"));
        assertThat(p.evaluate("KMS:describekey", KEY, none).effect()).as("actions case-insensitive").isEqualTo(Effect.ALLOW);
        assertThat(p.evaluate("kms:Encrypt", KEY, none).effect()).isEqualTo(Effect.IMPLICIT_DENY);
        assertThat(p.evaluate("kms:Decrypt", OTHER_KEY, none)).isEqualTo(new PolicyDecision(Effect.EXPLICIT_DENY, "NotThatOne"));
        assertThat(p.evaluate("kms:Decrypt", ALIAS, none).effect()).as("an alias ARN is not a key ARN")
                .isEqualTo(Effect.IMPLICIT_DENY);
        assertThat(p.evaluate("kms:ListKeys", "*", none).effect()).as("key/* does not cover resource *")
                .isEqualTo(Effect.IMPLICIT_DENY);

        IdentityPolicy notAction = policy("{\"Effect\":\"Allow\",\"NotAction\":\"kms:Decrypt\",\"Resource\":\"*\"}");
        assertThat(notAction.evaluate("kms:Encrypt", KEY, none).effect()).isEqualTo(Effect.ALLOW);
        assertThat(notAction.evaluate("kms:Decrypt", KEY, none).effect()).isEqualTo(Effect.IMPLICIT_DENY);
        IdentityPolicy notResource = policy("{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"NotResource\":\"" + OTHER_KEY + "\"}");
        assertThat(notResource.evaluate("kms:Decrypt", KEY, none).effect()).isEqualTo(Effect.ALLOW);
        assertThat(notResource.evaluate("kms:Decrypt", OTHER_KEY, none).effect()).isEqualTo(Effect.IMPLICIT_DENY);
    }

    @Test
    void resourceAliasesIsMultiValued() throws Exception {
        IdentityPolicy any = policy(statement("Allow", "ByAlias", "\"kms:DescribeKey\"", "\"arn:aws:kms:*:111122223333:key/*\"",
                "{\"ForAnyValue:StringEquals\":{\"kms:ResourceAliases\":[\"alias/finance\",\"alias/sales\"]}}"));
        assertThat(any.evaluate("kms:DescribeKey", KEY, aliases("alias/finance")).effect()).isEqualTo(Effect.ALLOW);
        assertThat(any.evaluate("kms:DescribeKey", KEY, aliases("alias/other", "alias/sales")).effect())
                .as("one matching alias of several").isEqualTo(Effect.ALLOW);
        assertThat(any.evaluate("kms:DescribeKey", KEY, aliases("alias/hr")).effect()).isEqualTo(Effect.IMPLICIT_DENY);
        assertThat(any.evaluate("kms:DescribeKey", KEY, aliases()).effect()).as("a key without aliases")
                .isEqualTo(Effect.IMPLICIT_DENY);

        IdentityPolicy all = policy(statement("Allow", "OnlyFinanceAliases", "\"kms:DescribeKey\"", "\"*\"",
                "{\"ForAllValues:StringLike\":{\"kms:ResourceAliases\":\"alias/finance*\"}}"));
        assertThat(all.evaluate("kms:DescribeKey", KEY, aliases("alias/finance", "alias/finance-old")).effect())
                .isEqualTo(Effect.ALLOW);
        assertThat(all.evaluate("kms:DescribeKey", KEY, aliases("alias/finance", "alias/sales")).effect())
                .isEqualTo(Effect.IMPLICIT_DENY);
        assertThat(all.evaluate("kms:DescribeKey", KEY, aliases()).effect())
                .as("ForAllValues holds for a key without aliases, as IAM documents").isEqualTo(Effect.ALLOW);
    }

    @Test
    void malformedIdentityPoliciesAreRefusedNamingTheProblem() {
        assertThatThrownBy(() -> policy("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\"}"))
                .isInstanceOf(MalformedPolicyException.class)
                .hasMessage("Statement[0] has a Principal: an identity policy has none (it applies to the principal it is"
                        + " attached to)");
        assertThatThrownBy(() -> policy("{\"Effect\":\"Allow\",\"Action\":\"kms:*\"}"))
                .hasMessageContaining("Statement[0] must have exactly one of Resource and NotResource");
        assertThatThrownBy(() -> policy(statement("Allow", "a", "\"Decrypt\"", "\"*\"", null)))
                .hasMessageContaining("invalid actions: 'Decrypt' (expected <service>:<action>");
        assertThatThrownBy(() -> policy(statement("Allow", "a", "\"kms:*\"", "\"*\"",
                "{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}"))).hasMessageContaining("unsupported condition operator 'IpAddress'");
        assertThatThrownBy(() -> policy(statement("Allow", "a", "\"kms:*\"", "\"*\"",
                "{\"StringEquals\":{\"aws:PrincipalTag/team\":\"finance\"}}")))
                .hasMessageContaining("Statement[0].Condition.StringEquals uses the condition key 'aws:PrincipalTag/team',"
                        + " which localkms does not evaluate");
        assertThatThrownBy(() -> policy(statement("Allow", "a", "\"kms:*\"", "\"*\"",
                "{\"StringEquals\":{\"kms:EncryptionContext:\":\"x\"}}"))).hasMessageContaining("does not evaluate");
        assertThatThrownBy(() -> IdentityPolicy.parse("[]")).hasMessage("Policy must be a JSON object");
    }

    @Test
    void keyPoliciesRefuseUnknownConditionKeysAndResourceAliases() {
        String unknown = "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\","
                + "\"Condition\":{\"StringNotEquals\":{\"aws:SourceVpce\":\"vpce-1\"}}}";
        assertThatThrownBy(() -> KeyPolicy.parse("{\"Statement\":[" + unknown + "]}")).isInstanceOf(MalformedPolicyException.class)
                .hasMessageContaining("uses the condition key 'aws:SourceVpce', which localkms does not evaluate");
        String aliases = "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\","
                + "\"Condition\":{\"ForAnyValue:StringEquals\":{\"kms:ResourceAliases\":\"alias/x\"}}}";
        assertThatThrownBy(() -> KeyPolicy.parse("{\"Statement\":[" + aliases + "]}"))
                .hasMessageContaining("'kms:ResourceAliases', which AWS evaluates only in IAM identity policies");
    }
}
