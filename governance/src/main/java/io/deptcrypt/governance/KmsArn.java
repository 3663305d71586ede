package io.deptcrypt.governance;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A KMS key ARN ({@code arn:aws:kms:<region>:<account>:key/<id>}) or alias ARN
 * ({@code arn:aws:kms:<region>:<account>:alias/<name>}).
 */
public record KmsArn(String partition, String region, String account, Type type, String resource) {

    public enum Type { KEY, ALIAS }

    private static final Pattern ARN = Pattern.compile(
            "arn:(aws|aws-cn|aws-us-gov):kms:([a-z0-9-]+):(\\d{12}):(key|alias)/([A-Za-z0-9/_+=.@-]{1,256})");

    /** @throws IllegalArgumentException saying why {@code text} is not a KMS key or alias ARN */
    public static KmsArn parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("is missing; expected a KMS key ARN or alias ARN");
        }
        Matcher m = ARN.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)"
                    + " or alias ARN (arn:aws:kms:<region>:<account>:alias/<name>)");
        }
        Type type = m.group(4).equals("key") ? Type.KEY : Type.ALIAS;
        return new KmsArn(m.group(1), m.group(2), m.group(3), type, m.group(5));
    }

    /** For an alias ARN, the alias name as KMS spells it: {@code alias/<name>}. */
    public String aliasName() {
        if (type != Type.ALIAS) {
            throw new IllegalStateException(this + " is not an alias ARN");
        }
        return "alias/" + resource;
    }

    @Override
    public String toString() {
        return "arn:" + partition + ":kms:" + region + ":" + account + ":" + (type == Type.KEY ? "key/" : "alias/") + resource;
    }
}
