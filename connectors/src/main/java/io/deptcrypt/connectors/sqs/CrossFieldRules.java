package io.deptcrypt.connectors.sqs;

import static io.deptcrypt.connectors.sqs.SqsSourceConfig.ACCESS_KEY_ID;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.ASSUME_ROLE_ARN;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.CREDENTIALS_PROVIDER;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.QUEUE_URLS;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.RECORD_KEY;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.RECORD_KEY_ATTRIBUTE;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.SECRET_ACCESS_KEY;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.SESSION_TOKEN;

import io.deptcrypt.connectors.sqs.SqsSourceConfig.CredentialsMode;
import io.deptcrypt.connectors.sqs.SqsSourceConfig.KeyMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.types.Password;

/**
 * The rules that involve more than one option, checked on the options that passed their own checks (a rule whose
 * inputs did not parse is skipped: those inputs already have their own error). Each message names its option.
 * Whether an unset region can be found by the SDK's chain is checked by {@link SqsSourceConnector#validate}.
 */
final class CrossFieldRules {

    private final Map<String, Object> parsed;
    private final Map<String, List<String>> errors = new LinkedHashMap<>();

    private CrossFieldRules(Map<String, Object> parsed) {
        this.parsed = parsed;
    }

    /** Error messages per offending option; empty when every rule holds. */
    static Map<String, List<String>> check(Map<String, Object> parsed) {
        CrossFieldRules rules = new CrossFieldRules(parsed);
        rules.credentials();
        rules.recordKey();
        return rules.errors;
    }

    private void credentials() {
        boolean hasKeyId = string(ACCESS_KEY_ID).isPresent();
        boolean hasSecret = secret(SECRET_ACCESS_KEY).isPresent();
        Optional<CredentialsMode> mode = string(CREDENTIALS_PROVIDER).map(s -> CredentialsMode.valueOf(SqsSourceConfig.enumName(s)));
        if (mode.isEmpty()) {
            return;
        }
        switch (mode.get()) {
            case STATIC -> {
                if (!hasKeyId) {
                    add(ACCESS_KEY_ID, ACCESS_KEY_ID + " is required when " + CREDENTIALS_PROVIDER + "=static");
                }
                if (!hasSecret) {
                    add(SECRET_ACCESS_KEY, SECRET_ACCESS_KEY + " is required when " + CREDENTIALS_PROVIDER + "=static");
                }
            }
            case ASSUME_ROLE -> {
                if (parsed.containsKey(ASSUME_ROLE_ARN) && string(ASSUME_ROLE_ARN).isEmpty()) {
                    add(ASSUME_ROLE_ARN, ASSUME_ROLE_ARN + " is required when " + CREDENTIALS_PROVIDER + "=assume-role");
                }
                if (hasKeyId != hasSecret) {
                    String missing = hasKeyId ? SECRET_ACCESS_KEY : ACCESS_KEY_ID;
                    add(missing, missing + " must be given together with " + (hasKeyId ? ACCESS_KEY_ID : SECRET_ACCESS_KEY));
                }
            }
            case DEFAULT -> {
                for (String key : List.of(ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN)) {
                    boolean set = key.equals(ACCESS_KEY_ID) ? hasKeyId : secret(key).isPresent();
                    if (set) {
                        add(key, key + " is set but " + CREDENTIALS_PROVIDER
                                + "=default ignores it; use 'static' or 'assume-role', or remove it");
                    }
                }
            }
        }
        if (mode.get() != CredentialsMode.ASSUME_ROLE && string(ASSUME_ROLE_ARN).isPresent()) {
            add(ASSUME_ROLE_ARN, ASSUME_ROLE_ARN + " is set but " + CREDENTIALS_PROVIDER + " is not 'assume-role'");
        }
    }

    private void recordKey() {
        Optional<KeyMode> key = string(RECORD_KEY).map(s -> KeyMode.valueOf(SqsSourceConfig.enumName(s)));
        if (key.isEmpty()) {
            return;
        }
        if (key.get() == KeyMode.GROUP_ID && parsed.get(QUEUE_URLS) instanceof List<?> urls) {
            List<String> standard = urls.stream().map(Object::toString).filter(u -> !SqsQueue.of(u).fifo()).toList();
            if (!standard.isEmpty()) {
                add(RECORD_KEY, RECORD_KEY + "=group-id needs FIFO queues only, but these are standard queues: " + standard);
            }
        }
        if (key.get() == KeyMode.ATTRIBUTE) {
            Optional<String> attribute = string(RECORD_KEY_ATTRIBUTE);
            if (attribute.isEmpty()) {
                add(RECORD_KEY_ATTRIBUTE, RECORD_KEY_ATTRIBUTE + " is required when " + RECORD_KEY + "=attribute");
            } else if (!SqsSourceConfigDef.ATTRIBUTE_NAME.matcher(attribute.get()).matches()) {
                add(RECORD_KEY_ATTRIBUTE, RECORD_KEY_ATTRIBUTE + " is not a valid message attribute name: " + attribute.get());
            }
        }
    }

    /** The option's value, when it parsed and is not blank. */
    private Optional<String> string(String key) {
        return parsed.get(key) instanceof String s ? SqsSourceConfig.nonEmpty(s) : Optional.empty();
    }

    private Optional<String> secret(String key) {
        return parsed.get(key) instanceof Password p ? SqsSourceConfig.nonEmpty(p.value()) : Optional.empty();
    }

    private void add(String key, String message) {
        errors.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
    }
}
