package io.deptcrypt.localkms.policy;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One operator–key–values test from a statement's {@code Condition} block, evaluated as IAM does:
 * several values are OR-ed (NOR-ed for negated operators); an absent key makes the test false, except that negated
 * operators, {@code ...IfExists} and {@code ForAllValues:} are then true and {@code Null} tests presence.
 */
final class Condition {

    enum Match { EQUALS, LIKE, BOOL, NULL }

    enum SetQualifier { NONE, FOR_ALL_VALUES, FOR_ANY_VALUE }

    private final String operator;
    private final String key;
    private final List<String> values;
    private final Match match;
    private final boolean negated;
    private final boolean ignoreCase;
    private final boolean ifExists;
    private final SetQualifier qualifier;
    private final List<Pattern> patterns;

    private Condition(String operator, String key, List<String> values, Match match, boolean negated, boolean ignoreCase,
                      boolean ifExists, SetQualifier qualifier) {
        this.operator = operator;
        this.key = key;
        this.values = values;
        this.match = match;
        this.negated = negated;
        this.ignoreCase = ignoreCase;
        this.ifExists = ifExists;
        this.qualifier = qualifier;
        this.patterns = match == Match.LIKE ? values.stream().map(v -> Glob.toPattern(v, false)).toList() : List.of();
    }

    /** @throws MalformedPolicyException for an operator localkms does not know or does not evaluate */
    static Condition of(String operator, String key, List<String> values) throws MalformedPolicyException {
        String op = operator;
        SetQualifier qualifier = SetQualifier.NONE;
        if (op.startsWith("ForAllValues:")) {
            qualifier = SetQualifier.FOR_ALL_VALUES;
            op = op.substring("ForAllValues:".length());
        } else if (op.startsWith("ForAnyValue:")) {
            qualifier = SetQualifier.FOR_ANY_VALUE;
            op = op.substring("ForAnyValue:".length());
        }
        boolean ifExists = false;
        if (op.endsWith("IfExists")) {
            ifExists = true;
            op = op.substring(0, op.length() - "IfExists".length());
        }
        Match match;
        boolean negated = false;
        boolean ignoreCase = false;
        switch (op) {
            case "StringEquals", "ArnEquals" -> match = op.startsWith("Arn") ? Match.LIKE : Match.EQUALS;
            case "StringNotEquals", "ArnNotEquals" -> {
                match = op.startsWith("Arn") ? Match.LIKE : Match.EQUALS;
                negated = true;
            }
            case "StringEqualsIgnoreCase" -> {
                match = Match.EQUALS;
                ignoreCase = true;
            }
            case "StringNotEqualsIgnoreCase" -> {
                match = Match.EQUALS;
                ignoreCase = true;
                negated = true;
            }
            case "StringLike", "ArnLike" -> match = Match.LIKE;
            case "StringNotLike", "ArnNotLike" -> {
                match = Match.LIKE;
                negated = true;
            }
            case "Bool" -> match = Match.BOOL;
            case "Null" -> match = Match.NULL;
            default -> throw new MalformedPolicyException("Policy has an unsupported condition operator '" + operator
                    + "' (localkms evaluates String*, Arn*, Bool and Null, with IfExists, ForAllValues: and ForAnyValue:)");
        }
        if (match == Match.NULL && (ifExists || qualifier != SetQualifier.NONE)) {
            throw new MalformedPolicyException("Policy has an invalid condition operator '" + operator + "'");
        }
        if (values.isEmpty()) {
            throw new MalformedPolicyException("Policy condition " + operator + " on '" + key + "' has no values");
        }
        return new Condition(operator, key, List.copyOf(values), match, negated, ignoreCase, ifExists, qualifier);
    }

    boolean holds(RequestContext context) {
        Optional<List<String>> present = context.get(key).filter(v -> !v.isEmpty());
        if (match == Match.NULL) {
            boolean wantAbsent = values.stream().anyMatch(v -> v.equalsIgnoreCase("true"));
            return wantAbsent == present.isEmpty();
        }
        if (present.isEmpty()) {
            if (ifExists || qualifier == SetQualifier.FOR_ALL_VALUES) {
                return true;
            }
            return qualifier == SetQualifier.NONE && negated;
        }
        List<String> requestValues = present.get();
        return switch (qualifier) {
            case FOR_ALL_VALUES -> requestValues.stream().allMatch(this::holdsFor);
            case FOR_ANY_VALUE, NONE -> requestValues.stream().anyMatch(this::holdsFor);
        };
    }

    private boolean holdsFor(String requestValue) {
        boolean any = false;
        for (int i = 0; i < values.size() && !any; i++) {
            any = matchesOne(requestValue, i);
        }
        return negated != any;
    }

    private boolean matchesOne(String requestValue, int i) {
        String expected = values.get(i);
        return switch (match) {
            case EQUALS -> ignoreCase ? requestValue.toLowerCase(Locale.ROOT).equals(expected.toLowerCase(Locale.ROOT))
                    : requestValue.equals(expected);
            case LIKE -> patterns.get(i).matcher(requestValue).matches();
            case BOOL -> requestValue.equalsIgnoreCase(expected);
            case NULL -> throw new IllegalStateException("Null is decided before values are compared");
        };
    }

    @Override
    public String toString() {
        return operator + "{" + key + ": " + values + "}";
    }
}
