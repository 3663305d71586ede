package io.deptcrypt.connectors.sqs;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;

/**
 * The SQS source connector's configuration: the option names, their {@link ConfigDef} (built by
 * {@link SqsSourceConfigDef}), and the typed settings derived from them. {@link #parse} checks every option and
 * every rule across options ({@link CrossFieldRules}) at once and refuses a config with all its problems listed.
 */
public final class SqsSourceConfig extends AbstractConfig {

    // --- where to read and write
    public static final String QUEUE_URLS = "sqs.queue.urls";
    public static final String TOPIC = "topic";

    // --- AWS connection
    public static final String REGION = "sqs.region";
    public static final String ENDPOINT_URL = "sqs.endpoint.url";
    public static final String CREDENTIALS_PROVIDER = "sqs.credentials.provider";
    public static final String ACCESS_KEY_ID = "sqs.access.key.id";
    public static final String SECRET_ACCESS_KEY = "sqs.secret.access.key";
    public static final String SESSION_TOKEN = "sqs.session.token";
    public static final String ASSUME_ROLE_ARN = "sqs.assume.role.arn";
    public static final String ASSUME_ROLE_SESSION_NAME = "sqs.assume.role.session.name";
    public static final String ASSUME_ROLE_EXTERNAL_ID = "sqs.assume.role.external.id";
    public static final String STS_ENDPOINT_URL = "sqs.sts.endpoint.url";

    // --- receiving
    public static final String MAX_MESSAGES = "sqs.max.messages";
    public static final String WAIT_TIME_SECONDS = "sqs.wait.time.seconds";
    public static final String VISIBILITY_TIMEOUT_SECONDS = "sqs.visibility.timeout.seconds";
    public static final String RECEIVERS = "sqs.receivers";
    public static final String BUFFER_MAX_MESSAGES = "sqs.buffer.max.messages";
    public static final String POLL_MAX_RECORDS = "sqs.poll.max.records";

    // --- record shape
    public static final String RECORD_KEY = "sqs.record.key";
    public static final String RECORD_KEY_ATTRIBUTE = "sqs.record.key.attribute";
    public static final String RECORD_VALUE_FORMAT = "sqs.record.value.format";
    public static final String MESSAGE_ATTRIBUTES = "sqs.message.attributes";
    public static final String ATTRIBUTE_HEADER_PREFIX = "sqs.attribute.header.prefix";

    // --- settling
    public static final String DROPPED_RECORDS = "sqs.dropped.records";
    public static final String DELETE_MAX_ATTEMPTS = "sqs.delete.max.attempts";
    public static final String RETRY_BACKOFF_MS = "sqs.retry.backoff.ms";

    /** Set by the connector on each task: the queues that task reads (a subset of {@link #QUEUE_URLS}). */
    public static final String TASK_QUEUE_URLS = "sqs.task.queue.urls";
    /** Set by the connector on each task: its index, used in the JMX name. */
    public static final String TASK_ID = "sqs.task.id";

    /** The value of {@link #MESSAGE_ATTRIBUTES} that selects every message attribute. */
    public static final String ALL_ATTRIBUTES = "All";

    /** How the task authenticates to SQS. */
    public enum CredentialsMode {
        /** The SDK's default chain: environment, system properties, profile, web identity (IRSA), container, instance. */
        DEFAULT,
        /** {@link #ACCESS_KEY_ID} / {@link #SECRET_ACCESS_KEY} (and {@link #SESSION_TOKEN}). */
        STATIC,
        /** STS AssumeRole with {@link #ASSUME_ROLE_ARN}; the caller is the static keys if given, else the default chain. */
        ASSUME_ROLE
    }

    /** What becomes the Kafka record key. */
    public enum KeyMode {
        /** FIFO queue: the message group id (keeps per-group order in one partition); standard queue: the message id. */
        AUTO,
        MESSAGE_ID,
        /** FIFO queues only. */
        GROUP_ID,
        /** The string value of message attribute {@link #RECORD_KEY_ATTRIBUTE}; null when a message lacks it. */
        ATTRIBUTE,
        NONE
    }

    /** The Kafka record value's schema. */
    public enum ValueFormat { STRING, BYTES }

    /** What to do with a message whose record Connect did not write (SMT filtered it, or errors.tolerance dropped it). */
    public enum DroppedRecordAction {
        /** Leave it; it becomes visible again when its visibility timeout expires (counts toward the redrive policy). */
        KEEP,
        /** Make it visible again at once. */
        RELEASE,
        /** Delete it from the queue. */
        DELETE
    }

    public static final ConfigDef CONFIG_DEF = SqsSourceConfigDef.build();

    public SqsSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    /**
     * Parses and validates everything, including the cross-field rules.
     *
     * @throws ConfigException listing every problem, each under the key it concerns
     */
    public static SqsSourceConfig parse(Map<String, String> props) {
        Map<String, List<String>> problems = problems(CONFIG_DEF.validate(props));
        if (!problems.isEmpty()) {
            throw new ConfigException(describe(problems));
        }
        return new SqsSourceConfig(props);
    }

    /**
     * Every problem, per key: the single-field errors {@link ConfigDef#validate} found, then the cross-field rules
     * on the fields that passed their own checks. Empty when the config is valid.
     */
    static Map<String, List<String>> problems(List<ConfigValue> fieldResults) {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        Map<String, Object> parsed = new HashMap<>();
        for (ConfigValue v : fieldResults) {
            if (v.errorMessages().isEmpty()) {
                parsed.put(v.name(), v.value());
            } else {
                problems.put(v.name(), new ArrayList<>(v.errorMessages()));
            }
        }
        CrossFieldRules.check(parsed).forEach((key, messages) ->
                problems.computeIfAbsent(key, k -> new ArrayList<>()).addAll(messages));
        return problems;
    }

    private static String describe(Map<String, List<String>> problems) {
        int count = problems.values().stream().mapToInt(List::size).sum();
        return "Invalid SQS source connector configuration (" + count + (count == 1 ? " problem" : " problems") + "): "
                + problems.entrySet().stream()
                        .flatMap(e -> e.getValue().stream().map(message -> e.getKey() + ": " + message))
                        .collect(Collectors.joining("; "));
    }

    // ------------------------------------------------------------------ typed accessors

    public List<SqsQueue> queues() {
        return getList(QUEUE_URLS).stream().map(SqsQueue::of).toList();
    }

    public String topic() {
        return getString(TOPIC);
    }

    public Optional<String> region() {
        return nonEmpty(getString(REGION));
    }

    public Optional<URI> endpointUrl() {
        return nonEmpty(getString(ENDPOINT_URL)).map(URI::create);
    }

    public CredentialsMode credentialsMode() {
        return CredentialsMode.valueOf(enumName(getString(CREDENTIALS_PROVIDER)));
    }

    public Optional<String> accessKeyId() {
        return nonEmpty(getString(ACCESS_KEY_ID));
    }

    public Optional<String> secretAccessKey() {
        return secret(SECRET_ACCESS_KEY);
    }

    public Optional<String> sessionToken() {
        return secret(SESSION_TOKEN);
    }

    public Optional<String> assumeRoleArn() {
        return nonEmpty(getString(ASSUME_ROLE_ARN));
    }

    public String assumeRoleSessionName() {
        return getString(ASSUME_ROLE_SESSION_NAME);
    }

    public Optional<String> assumeRoleExternalId() {
        return nonEmpty(getString(ASSUME_ROLE_EXTERNAL_ID));
    }

    public Optional<URI> stsEndpointUrl() {
        return nonEmpty(getString(STS_ENDPOINT_URL)).map(URI::create);
    }

    public int maxMessages() {
        return getInt(MAX_MESSAGES);
    }

    public int waitTimeSeconds() {
        return getInt(WAIT_TIME_SECONDS);
    }

    public Duration visibilityTimeout() {
        return Duration.ofSeconds(getInt(VISIBILITY_TIMEOUT_SECONDS));
    }

    public int receivers() {
        return getInt(RECEIVERS);
    }

    public int bufferMaxMessages() {
        return getInt(BUFFER_MAX_MESSAGES);
    }

    public int pollMaxRecords() {
        return getInt(POLL_MAX_RECORDS);
    }

    public KeyMode keyMode() {
        return KeyMode.valueOf(enumName(getString(RECORD_KEY)));
    }

    public Optional<String> keyAttribute() {
        return nonEmpty(getString(RECORD_KEY_ATTRIBUTE));
    }

    public ValueFormat valueFormat() {
        return ValueFormat.valueOf(enumName(getString(RECORD_VALUE_FORMAT)));
    }

    /** Attribute names to copy into headers; contains only {@link #ALL_ATTRIBUTES} when all are wanted. */
    public List<String> messageAttributes() {
        List<String> names = getList(MESSAGE_ATTRIBUTES);
        return names.stream().anyMatch(n -> n.equalsIgnoreCase(ALL_ATTRIBUTES)) ? List.of(ALL_ATTRIBUTES) : names;
    }

    public String attributeHeaderPrefix() {
        return getString(ATTRIBUTE_HEADER_PREFIX);
    }

    public DroppedRecordAction droppedRecordAction() {
        return DroppedRecordAction.valueOf(enumName(getString(DROPPED_RECORDS)));
    }

    public int deleteMaxAttempts() {
        return getInt(DELETE_MAX_ATTEMPTS);
    }

    public Duration retryBackoff() {
        return Duration.ofMillis(getLong(RETRY_BACKOFF_MS));
    }

    /** The region to use: configured, else from the first queue URL host, else empty (the SDK chain decides). */
    public Optional<String> effectiveRegion() {
        if (region().isPresent()) {
            return region();
        }
        return queues().stream().map(SqsQueue::regionFromHost).flatMap(Optional::stream).findFirst();
    }

    private Optional<String> secret(String key) {
        Password p = getPassword(key);
        return p == null ? Optional.empty() : nonEmpty(p.value());
    }

    static Optional<String> nonEmpty(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }

    /** The enum constant name of an option value such as {@code assume-role} (case is ignored). */
    static String enumName(String value) {
        return value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
