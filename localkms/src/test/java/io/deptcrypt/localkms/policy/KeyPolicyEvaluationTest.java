package io.deptcrypt.localkms.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deptcrypt.localkms.policy.PolicyDecision.Effect;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Key policy evaluation as AWS documents it: wildcards, conditions, absent keys, set operators, Deny precedence. */
class KeyPolicyEvaluationTest {

    static final String ACCOUNT = "111122223333";
    static final String KEY = "arn:aws:kms:us-east-1:111122223333:key/abc";
    static final Principal ALICE = new Principal("alice", "arn:aws:iam::111122223333:role/alice", ACCOUNT);
    static final Principal BOB = new Principal("bob", "arn:aws:iam::111122223333:role/bob", ACCOUNT);
    static final Principal STRANGER = new Principal("x", "arn:aws:iam::999999999999:role/x", "999999999999");

    static KeyPolicy policy(String statements) throws MalformedPolicyException {
        return KeyPolicy.parse("{\"Version\":\"2012-10-17\",\"Statement\":[" + statements + "]}");
    }

    static String allow(String principal, String action, String condition) {
        return "{\"Effect\":\"Allow\",\"Principal\":" + principal + ",\"Action\":" + action + ",\"Resource\":\"*\""
                + (condition == null ? "" : ",\"Condition\":" + condition) + "}";
    }

    static Effect eval(KeyPolicy p, Principal who, String action, Map<String, String> ctx) {
        return p.evaluate(who, action, KEY, RequestContext.builder().put("kms:CallerAccount", who.account()).encryptionContext(ctx).build(), AccountScope.EVERY_PRINCIPAL)
                .effect();
    }

    @Test
    void principalsActionsAndResources() throws Exception {
        KeyPolicy p = policy(allow("{\"AWS\":\"arn:aws:iam::111122223333:role/alice\"}", "[\"kms:Generate*\",\"kms:describekey\"]", null));
        assertThat(eval(p, ALICE, "kms:GenerateDataKey", Map.of())).isEqualTo(Effect.ALLOW);
        assertThat(eval(p, ALICE, "KMS:GENERATEDATAKEY", Map.of())).as("actions are case-insensitive").isEqualTo(Effect.ALLOW);
        assertThat(eval(p, ALICE, "kms:DescribeKey", Map.of())).isEqualTo(Effect.ALLOW);
        assertThat(eval(p, ALICE, "kms:Decrypt", Map.of())).isEqualTo(Effect.IMPLICIT_DENY);
        assertThat(eval(p, BOB, "kms:GenerateDataKey", Map.of())).isEqualTo(Effect.IMPLICIT_DENY);
        KeyPolicy otherResource = KeyPolicy.parse("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\","
                + "\"Resource\":\"arn:aws:kms:us-east-1:111122223333:key/other\"}}");
        assertThat(eval(otherResource, ALICE, "kms:Decrypt", Map.of())).isEqualTo(Effect.IMPLICIT_DENY);
        KeyPolicy notAction = policy("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"NotAction\":\"kms:Decrypt\",\"Resource\":\"*\"}");
        assertThat(eval(notAction, BOB, "kms:Encrypt", Map.of())).isEqualTo(Effect.ALLOW);
        assertThat(eval(notAction, BOB, "kms:Decrypt", Map.of())).isEqualTo(Effect.IMPLICIT_DENY);
    }

    @Test
    void accountRootMeansTheAccountOnlyWhenConfigured() throws Exception {
        KeyPolicy p = policy(allow("{\"AWS\":\"arn:aws:iam::111122223333:root\"}", "\"kms:*\"", null));
        RequestContext ctx = RequestContext.builder().build();
        assertThat(p.evaluate(ALICE, "kms:Decrypt", KEY, ctx, AccountScope.EVERY_PRINCIPAL).effect()).isEqualTo(Effect.ALLOW);
        assertThat(p.evaluate(ALICE, "kms:Decrypt", KEY, ctx, AccountScope.NOBODY).effect()).isEqualTo(Effect.IMPLICIT_DENY);
        assertThat(p.evaluate(STRANGER, "kms:Decrypt", KEY, ctx, AccountScope.EVERY_PRINCIPAL).effect()).isEqualTo(Effect.IMPLICIT_DENY);
        KeyPolicy bare = policy(allow("{\"AWS\":\"111122223333\"}", "\"kms:*\"", null));
        assertThat(bare.evaluate(BOB, "kms:Decrypt", KEY, ctx, AccountScope.EVERY_PRINCIPAL).effect()).isEqualTo(Effect.ALLOW);
    }

    @Test
    void explicitDenyWinsAndNamesItsStatement() throws Exception {
        KeyPolicy p = policy(allow("\"*\"", "\"kms:*\"", null) + ",{\"Sid\":\"NoBob\",\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\""
                + BOB.arn() + "\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}");
        assertThat(p.evaluate(BOB, "kms:Decrypt", KEY, RequestContext.builder().build(), AccountScope.EVERY_PRINCIPAL))
                .isEqualTo(new PolicyDecision(Effect.EXPLICIT_DENY, "NoBob"));
        assertThat(eval(p, BOB, "kms:Encrypt", Map.of())).isEqualTo(Effect.ALLOW);
        assertThat(eval(p, ALICE, "kms:Decrypt", Map.of())).isEqualTo(Effect.ALLOW);
    }

    @Test
    void stringConditionsAndContextKeyCase() throws Exception {
        KeyPolicy equals = policy(allow("\"*\"", "\"kms:*\"", "{\"StringEquals\":{\"kms:EncryptionContext:department\":[\"finance\",\"sales\"]}}"));
        assertThat(eval(equals, ALICE, "kms:Decrypt", Map.of("department", "sales"))).isEqualTo(Effect.ALLOW);
        assertThat(eval(equals, ALICE, "kms:Decrypt", Map.of("DEPARTMENT", "sales"))).as("key name case-insensitive").isEqualTo(Effect.ALLOW);
        assertThat(eval(equals, ALICE, "kms:Decrypt", Map.of("department", "Sales"))).as("value exact").isEqualTo(Effect.IMPLICIT_DENY);
        assertThat(eval(equals, ALICE, "kms:Decrypt", Map.of())).as("absent key").isEqualTo(Effect.IMPLICIT_DENY);

        KeyPolicy ignoreCase = policy(allow("\"*\"", "\"kms:*\"", "{\"StringEqualsIgnoreCase\":{\"kms:EncryptionContext:department\":\"FINANCE\"}}"));
        assertThat(eval(ignoreCase, ALICE, "kms:Decrypt", Map.of("department", "finance"))).isEqualTo(Effect.ALLOW);

        KeyPolicy like = policy(allow("\"*\"", "\"kms:*\"", "{\"StringLike\":{\"kms:EncryptionContext:path\":\"reports/*/q?\"}}"));
        assertThat(eval(like, ALICE, "kms:Decrypt", Map.of("path", "reports/2024/q3"))).isEqualTo(Effect.ALLOW);
        assertThat(eval(like, ALICE, "kms:Decrypt", Map.of("path", "reports/2024/q10"))).isEqualTo(Effect.IMPLICIT_DENY);
        assertThat(eval(like, ALICE, "kms:Decrypt", Map.of("path", "reports.2024.q3"))).as("'.' is literal").isEqualTo(Effect.IMPLICIT_DENY);
    }

    @Test
    void negatedOperatorsAreTrueWhenTheKeyIsAbsentAndIfExistsSkipsAbsentKeys() throws Exception {
        KeyPolicy notEquals = policy(allow("\"*\"", "\"kms:*\"", "{\"StringNotEquals\":{\"kms:EncryptionContext:department\":\"finance\"}}"));
        assertThat(eval(notEquals, ALICE, "kms:Decrypt", Map.of("department", "sales"))).isEqualTo(Effect.ALLOW);
        assertThat(eval(notEquals, ALICE, "kms:Decrypt", Map.of("department", "finance"))).isEqualTo(Effect.IMPLICIT_DENY);
        assertThat(eval(notEquals, ALICE, "kms:Decrypt", Map.of())).isEqualTo(Effect.ALLOW);
        KeyPolicy notLike = policy(allow("\"*\"", "\"kms:*\"", "{\"StringNotLike\":{\"kms:EncryptionContext:department\":[\"fin*\",\"sal*\"]}}"));
        assertThat(eval(notLike, ALICE, "kms:Decrypt", Map.of("department", "sales"))).isEqualTo(Effect.IMPLICIT_DENY);
        assertThat(eval(notLike, ALICE, "kms:Decrypt", Map.of("department", "hr"))).isEqualTo(Effect.ALLOW);

        KeyPolicy ifExists = policy(allow("\"*\"", "\"kms:*\"", "{\"StringEqualsIfExists\":{\"kms:EncryptionContext:department\":\"finance\"}}"));
        assertThat(eval(ifExists, ALICE, "kms:Decrypt", Map.of())).isEqualTo(Effect.ALLOW);
        assertThat(eval(ifExists, ALICE, "kms:Decrypt", Map.of("department", "finance"))).isEqualTo(Effect.ALLOW);
        assertThat(eval(ifExists, ALICE, "kms:Decrypt", Map.of("department", "sales"))).isEqualTo(Effect.IMPLICIT_DENY);
    }

    @Test
    void nullBoolAndCallerAccount() throws Exception {
        KeyPolicy mustHave = policy(allow("\"*\"", "\"kms:*\"", "{\"Null\":{\"kms:EncryptionContext:department\":\"false\"}}"));
        assertThat(eval(mustHave, ALICE, "kms:Decrypt", Map.of("department", "x"))).isEqualTo(Effect.ALLOW);
        assertThat(eval(mustHave, ALICE, "kms:Decrypt", Map.of())).isEqualTo(Effect.IMPLICIT_DENY);
        KeyPolicy mustLack = policy(allow("\"*\"", "\"kms:*\"", "{\"Null\":{\"kms:ViaService\":\"true\"}}"));
        assertThat(eval(mustLack, ALICE, "kms:Decrypt", Map.of())).isEqualTo(Effect.ALLOW);
        KeyPolicy account = policy(allow("\"*\"", "\"kms:*\"", "{\"StringEquals\":{\"kms:CallerAccount\":\"111122223333\"}}"));
        assertThat(eval(account, ALICE, "kms:Decrypt", Map.of())).isEqualTo(Effect.ALLOW);
        assertThat(eval(account, STRANGER, "kms:Decrypt", Map.of())).isEqualTo(Effect.IMPLICIT_DENY);
        KeyPolicy bool = policy(allow("\"*\"", "\"kms:*\"", "{\"Bool\":{\"kms:GrantIsForAWSResource\":true}}"));
        RequestContext grantCtx = RequestContext.builder().put("kms:GrantIsForAWSResource", "false").build();
        assertThat(bool.evaluate(ALICE, "kms:CreateGrant", KEY, grantCtx, AccountScope.EVERY_PRINCIPAL).effect()).isEqualTo(Effect.IMPLICIT_DENY);
    }

    @Test
    void setOperatorsOnEncryptionContextKeys() throws Exception {
        KeyPolicy onlyDepartment = policy(allow("\"*\"", "\"kms:*\"",
                "{\"ForAllValues:StringEquals\":{\"kms:EncryptionContextKeys\":[\"department\",\"aws-crypto-public-key\"]}}"));
        assertThat(eval(onlyDepartment, ALICE, "kms:Decrypt", Map.of("department", "x"))).isEqualTo(Effect.ALLOW);
        assertThat(eval(onlyDepartment, ALICE, "kms:Decrypt", Map.of("department", "x", "extra", "y"))).isEqualTo(Effect.IMPLICIT_DENY);
        assertThat(eval(onlyDepartment, ALICE, "kms:Decrypt", Map.of())).as("ForAllValues on an absent key").isEqualTo(Effect.ALLOW);
        KeyPolicy anyDepartment = policy(allow("\"*\"", "\"kms:*\"", "{\"ForAnyValue:StringEquals\":{\"kms:EncryptionContextKeys\":\"department\"}}"));
        assertThat(eval(anyDepartment, ALICE, "kms:Decrypt", Map.of("department", "x", "extra", "y"))).isEqualTo(Effect.ALLOW);
        assertThat(eval(anyDepartment, ALICE, "kms:Decrypt", Map.of("extra", "y"))).isEqualTo(Effect.IMPLICIT_DENY);
        assertThat(eval(anyDepartment, ALICE, "kms:Decrypt", Map.of())).isEqualTo(Effect.IMPLICIT_DENY);
        KeyPolicy grantOps = policy(allow("\"*\"", "\"kms:CreateGrant\"", "{\"ForAllValues:StringEquals\":{\"kms:GrantOperations\":[\"Decrypt\",\"DescribeKey\"]}}"));
        RequestContext ok = RequestContext.builder().putAll("kms:GrantOperations", List.of("Decrypt")).build();
        RequestContext tooMuch = RequestContext.builder().putAll("kms:GrantOperations", List.of("Decrypt", "Encrypt")).build();
        assertThat(grantOps.evaluate(ALICE, "kms:CreateGrant", KEY, ok, AccountScope.EVERY_PRINCIPAL).effect()).isEqualTo(Effect.ALLOW);
        assertThat(grantOps.evaluate(ALICE, "kms:CreateGrant", KEY, tooMuch, AccountScope.EVERY_PRINCIPAL).effect()).isEqualTo(Effect.IMPLICIT_DENY);
    }

    @Test
    void malformedPoliciesAreRejectedWithTheReason() {
        assertThatThrownBy(() -> KeyPolicy.parse("{")).isInstanceOf(MalformedPolicyException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> KeyPolicy.parse("{\"Version\":\"2012-10-17\"}")).hasMessageContaining("no Statement");
        assertThatThrownBy(() -> policy("{\"Effect\":\"Permit\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\"}"))
                .hasMessageContaining("Effect must be \"Allow\" or \"Deny\"");
        assertThatThrownBy(() -> policy("{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"}"))
                .hasMessageContaining("exactly one of Principal and NotPrincipal");
        assertThatThrownBy(() -> policy(allow("\"*\"", "\"s3:GetObject\"", null))).hasMessageContaining("invalid actions");
        assertThatThrownBy(() -> policy(allow("{\"AWS\":\"bob\"}", "\"kms:*\"", null))).hasMessageContaining("invalid principals");
        assertThatThrownBy(() -> policy(allow("\"*\"", "\"kms:*\"", "{\"NumericLessThan\":{\"kms:x\":\"1\"}}")))
                .hasMessageContaining("unsupported condition operator 'NumericLessThan'");
        assertThatThrownBy(() -> policy(allow("\"*\"", "\"kms:*\"", null) + "," + allow("\"*\"", "\"kms:*\"", null).replace("{\"Effect", "{\"Sid\":\"a\",\"Effect")
                + "," + allow("\"*\"", "\"kms:*\"", null).replace("{\"Effect", "{\"Sid\":\"a\",\"Effect"))).hasMessageContaining("two statements with Sid 'a'");
        assertThatThrownBy(() -> KeyPolicy.parse("{\"Version\":\"2020-01-01\",\"Statement\":[]}")).hasMessageContaining("Version");
    }
}
