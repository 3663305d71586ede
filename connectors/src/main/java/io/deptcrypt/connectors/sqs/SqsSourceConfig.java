package io.deptcrypt.connectors.sqs;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The SQS source connector's configuration: the {@link ConfigDef} (single-field validation and docs) plus
 * {@link #crossFieldErrors()} for rules that involve several fields. Parsed once; accessors return typed values.
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

    private static final String GROUP_QUEUE = "Queue";
    private static final String GROUP_AWS = "AWS connection";
    private static final String GROUP_RECEIVE = "Receiving";
    private static final String GROUP_RECORD = "Record";
    private static final String GROUP_SETTLE = "Delete and visibility";

    // Kafka's legal topic names (see org.apache.kafka.common.internals.Topic).
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern REGION_NAME = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+");
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,256}");
    private static final Pattern SQS_HOST_REGION = Pattern.compile("sqs\\.([a-z0-9-]+)\\.amazonaws\\.com(\\.cn)?");

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

    public static final ConfigDef CONFIG_DEF = configDef();

    public SqsSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    /** Parses and validates everything, including the cross-field rules. */
    public static SqsSourceConfig parse(Map<String, String> props) {
        SqsSourceConfig config = new SqsSourceConfig(props);
        Map<String, List<String>> errors = config.crossFieldErrors();
        if (!errors.isEmpty()) {
            var first = errors.entrySet().iterator().next();
            throw new ConfigException(first.getKey(), config.originals().get(first.getKey()), first.getValue().get(0));
        }
        return config;
    }

    private static ConfigDef configDef() {
        ConfigDef d = new ConfigDef();
        int o = 0;
        d.define(QUEUE_URLS, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, new QueueUrlsValidator(), Importance.HIGH,
                "SQS queue URLs to read, comma separated (e.g. https://sqs.us-east-1.amazonaws.com/111122223333/orders). "
                        + "A URL whose queue name ends in .fifo is read as a FIFO queue. Standard queues are read by every "
                        + "task; each FIFO queue by exactly one task, so its per-group order is kept.",
                GROUP_QUEUE, ++o, ConfigDef.Width.LONG, "Queue URLs");
        d.define(TOPIC, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new TopicNameValidator(), Importance.HIGH,
                "Kafka topic the records are written to.", GROUP_QUEUE, ++o, ConfigDef.Width.MEDIUM, "Topic");

        o = 0;
        d.define(REGION, Type.STRING, "", new RegionValidator(), Importance.HIGH,
                "AWS region of the queues (e.g. us-east-1). Empty: taken from the queue URL host "
                        + "(sqs.<region>.amazonaws.com), else from the SDK's default region chain (AWS_REGION, profile).",
                GROUP_AWS, ++o, ConfigDef.Width.SHORT, "Region");
        d.define(ENDPOINT_URL, Type.STRING, "", new HttpUrlValidator(true), Importance.LOW,
                "SQS endpoint override (a VPC endpoint, or a local SQS-compatible server such as ElasticMQ). Empty: the AWS endpoint of the region.",
                GROUP_AWS, ++o, ConfigDef.Width.LONG, "Endpoint override");
        d.define(CREDENTIALS_PROVIDER, Type.STRING, "default", lowerCaseIn("default", "static", "assume-role"), Importance.HIGH,
                "How to authenticate: 'default' = the SDK default chain (environment, profile, IRSA / EKS Pod Identity, "
                        + "container or instance role); 'static' = " + ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY
                        + "; 'assume-role' = STS AssumeRole of " + ASSUME_ROLE_ARN
                        + ", called with the static keys if given, else with the default chain.",
                GROUP_AWS, ++o, ConfigDef.Width.SHORT, "Credentials provider");
        d.define(ACCESS_KEY_ID, Type.STRING, "", Importance.MEDIUM,
                "Access key id, for 'static' (required) or as the caller for 'assume-role' (optional).",
                GROUP_AWS, ++o, ConfigDef.Width.MEDIUM, "Access key id");
        d.define(SECRET_ACCESS_KEY, Type.PASSWORD, null, Importance.MEDIUM,
                "Secret access key that goes with " + ACCESS_KEY_ID + ".", GROUP_AWS, ++o, ConfigDef.Width.MEDIUM, "Secret access key");
        d.define(SESSION_TOKEN, Type.PASSWORD, null, Importance.LOW,
                "Session token, when the static keys are temporary credentials.", GROUP_AWS, ++o, ConfigDef.Width.MEDIUM, "Session token");
        d.define(ASSUME_ROLE_ARN, Type.STRING, "", new PatternValidator(ROLE_ARN, "an IAM role ARN (arn:aws:iam::<12 digits>:role/<name>)", true),
                Importance.MEDIUM, "Role to assume with 'assume-role' (required there).", GROUP_AWS, ++o, ConfigDef.Width.LONG, "Role ARN");
        d.define(ASSUME_ROLE_SESSION_NAME, Type.STRING, "deptcrypt-sqs-source",
                new PatternValidator(SESSION_NAME, "2-64 characters of [A-Za-z0-9_+=,.@-]", false), Importance.LOW,
                "Role session name for 'assume-role' (shows in CloudTrail).", GROUP_AWS, ++o, ConfigDef.Width.MEDIUM, "Role session name");
        d.define(ASSUME_ROLE_EXTERNAL_ID, Type.STRING, "", Importance.LOW,
                "External id for 'assume-role', when the role's trust policy requires one.", GROUP_AWS, ++o, ConfigDef.Width.MEDIUM, "External id");
        d.define(STS_ENDPOINT_URL, Type.STRING, "", new HttpUrlValidator(true), Importance.LOW,
                "STS endpoint override for 'assume-role'. Empty: the regional STS endpoint of " + REGION + ".",
                GROUP_AWS, ++o, ConfigDef.Width.LONG, "STS endpoint override");

        o = 0;
        d.define(MAX_MESSAGES, Type.INT, 10, ConfigDef.Range.between(1, 10), Importance.MEDIUM,
                "MaxNumberOfMessages of each ReceiveMessage call (1-10).", GROUP_RECEIVE, ++o, ConfigDef.Width.SHORT, "Max messages per receive");
        d.define(WAIT_TIME_SECONDS, Type.INT, 20, ConfigDef.Range.between(0, 20), Importance.MEDIUM,
                "Long-poll WaitTimeSeconds of each ReceiveMessage call (0-20). 20 costs fewest requests on an idle queue.",
                GROUP_RECEIVE, ++o, ConfigDef.Width.SHORT, "Long-poll wait");
        d.define(VISIBILITY_TIMEOUT_SECONDS, Type.INT, 30, ConfigDef.Range.between(2, 43_200), Importance.MEDIUM,
                "VisibilityTimeout asked for on receive (2-43200 s). Messages not yet deleted are extended to this "
                        + "again once half of it has passed, so it only bounds how soon a message comes back after a worker dies.",
                GROUP_RECEIVE, ++o, ConfigDef.Width.SHORT, "Visibility timeout");
        d.define(RECEIVERS, Type.INT, 4, ConfigDef.Range.between(1, 64), Importance.MEDIUM,
                "Concurrent ReceiveMessage loops per queue in each task.", GROUP_RECEIVE, ++o, ConfigDef.Width.SHORT, "Receivers per queue");
        d.define(BUFFER_MAX_MESSAGES, Type.INT, 1000, ConfigDef.Range.between(10, 100_000), Importance.LOW,
                "Most messages a task holds received but not yet handed to Connect; receivers wait when it is full.",
                GROUP_RECEIVE, ++o, ConfigDef.Width.SHORT, "Buffer size");
        d.define(POLL_MAX_RECORDS, Type.INT, 500, ConfigDef.Range.between(1, 10_000), Importance.LOW,
                "Most records returned by one poll().", GROUP_RECEIVE, ++o, ConfigDef.Width.SHORT, "Records per poll");

        o = 0;
        d.define(RECORD_KEY, Type.STRING, "auto", lowerCaseIn("auto", "message-id", "group-id", "attribute", "none"), Importance.MEDIUM,
                "Record key: 'auto' = the message group id on FIFO queues and the message id on standard queues; "
                        + "'message-id'; 'group-id' (FIFO queues only); 'attribute' = the value of message attribute "
                        + RECORD_KEY_ATTRIBUTE + " (null when absent); 'none' = null key.",
                GROUP_RECORD, ++o, ConfigDef.Width.SHORT, "Record key");
        d.define(RECORD_KEY_ATTRIBUTE, Type.STRING, "", Importance.LOW,
                "Message attribute used as the key when " + RECORD_KEY + "=attribute.", GROUP_RECORD, ++o, ConfigDef.Width.MEDIUM, "Key attribute");
        d.define(RECORD_VALUE_FORMAT, Type.STRING, "string", lowerCaseIn("string", "bytes"), Importance.MEDIUM,
                "Record value: 'string' (STRING schema: the body) or 'bytes' (BYTES schema: the body's UTF-8 bytes).",
                GROUP_RECORD, ++o, ConfigDef.Width.SHORT, "Value format");
        d.define(MESSAGE_ATTRIBUTES, Type.LIST, "", new AttributeNamesValidator(), Importance.LOW,
                "Message attributes copied into record headers, comma separated; '" + ALL_ATTRIBUTES + "' for every attribute. "
                        + "Types are kept: String -> string header, Number -> int64 (integral) or Decimal, Binary -> bytes.",
                GROUP_RECORD, ++o, ConfigDef.Width.LONG, "Attributes as headers");
        d.define(ATTRIBUTE_HEADER_PREFIX, Type.STRING, "", Importance.LOW,
                "Prefix of the header names made from message attributes.", GROUP_RECORD, ++o, ConfigDef.Width.SHORT, "Attribute header prefix");

        o = 0;
        d.define(DROPPED_RECORDS, Type.STRING, "keep", lowerCaseIn("keep", "release", "delete"), Importance.MEDIUM,
                "A message whose record Connect did not write (filtered by an SMT, or dropped under errors.tolerance=all): "
                        + "'keep' = leave it, it is received again once its visibility timeout expires and the queue's redrive "
                        + "policy decides; 'release' = make it visible again at once; 'delete' = delete it (choose this when an SMT "
                        + "filters on purpose).",
                GROUP_SETTLE, ++o, ConfigDef.Width.SHORT, "Dropped records");
        d.define(DELETE_MAX_ATTEMPTS, Type.INT, 5, ConfigDef.Range.between(1, 100), Importance.LOW,
                "Attempts to delete a message whose record Kafka acknowledged before giving up (it is then received again: a duplicate, never a loss).",
                GROUP_SETTLE, ++o, ConfigDef.Width.SHORT, "Delete attempts");
        d.define(RETRY_BACKOFF_MS, Type.LONG, 500L, ConfigDef.Range.between(10, 60_000), Importance.LOW,
                "First backoff after a failed SQS call; doubles per attempt up to 20 times this.",
                GROUP_SETTLE, ++o, ConfigDef.Width.SHORT, "Retry backoff");
        return d;
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

    // ------------------------------------------------------------------ cross-field rules

    /**
     * Rules that involve more than one field, as error messages per offending key (empty when valid). Each
     * message names the field. Used by {@link SqsSourceConnector#validate} and {@link #parse}.
     */
    public Map<String, List<String>> crossFieldErrors() {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        CredentialsMode mode = credentialsMode();
        boolean hasKeyId = accessKeyId().isPresent();
        boolean hasSecret = secretAccessKey().isPresent();
        if (mode == CredentialsMode.STATIC) {
            if (!hasKeyId) {
                add(errors, ACCESS_KEY_ID, ACCESS_KEY_ID + " is required when " + CREDENTIALS_PROVIDER + "=static");
            }
            if (!hasSecret) {
                add(errors, SECRET_ACCESS_KEY, SECRET_ACCESS_KEY + " is required when " + CREDENTIALS_PROVIDER + "=static");
            }
        } else if (mode == CredentialsMode.ASSUME_ROLE) {
            if (assumeRoleArn().isEmpty()) {
                add(errors, ASSUME_ROLE_ARN, ASSUME_ROLE_ARN + " is required when " + CREDENTIALS_PROVIDER + "=assume-role");
            }
            if (hasKeyId != hasSecret) {
                String missing = hasKeyId ? SECRET_ACCESS_KEY : ACCESS_KEY_ID;
                add(errors, missing, missing + " must be given together with " + (hasKeyId ? ACCESS_KEY_ID : SECRET_ACCESS_KEY));
            }
        } else {
            for (String key : List.of(ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN)) {
                boolean set = key.equals(ACCESS_KEY_ID) ? hasKeyId : secret(key).isPresent();
                if (set) {
                    add(errors, key, key + " is set but " + CREDENTIALS_PROVIDER
                            + "=default ignores it; use 'static' or 'assume-role', or remove it");
                }
            }
        }
        if (mode != CredentialsMode.ASSUME_ROLE && assumeRoleArn().isPresent()) {
            add(errors, ASSUME_ROLE_ARN, ASSUME_ROLE_ARN + " is set but " + CREDENTIALS_PROVIDER + " is not 'assume-role'");
        }

        List<SqsQueue> queues = queues();
        KeyMode key = keyMode();
        if (key == KeyMode.GROUP_ID) {
            List<String> standard = queues.stream().filter(q -> !q.fifo()).map(SqsQueue::url).toList();
            if (!standard.isEmpty()) {
                add(errors, RECORD_KEY, RECORD_KEY + "=group-id needs FIFO queues only, but these are standard queues: " + standard);
            }
        }
        if (key == KeyMode.ATTRIBUTE) {
            Optional<String> attr = keyAttribute();
            if (attr.isEmpty()) {
                add(errors, RECORD_KEY_ATTRIBUTE, RECORD_KEY_ATTRIBUTE + " is required when " + RECORD_KEY + "=attribute");
            } else if (!ATTRIBUTE_NAME.matcher(attr.get()).matches()) {
                add(errors, RECORD_KEY_ATTRIBUTE, RECORD_KEY_ATTRIBUTE + " is not a valid message attribute name: " + attr.get());
            }
        }
        // Whether an unset region can be found by the SDK's chain is checked by SqsSourceConnector.validate().
        return errors;
    }

    /** The region to use: configured, else from the first queue URL host, else empty (the SDK chain decides). */
    public Optional<String> effectiveRegion() {
        if (region().isPresent()) {
            return region();
        }
        return queues().stream().map(SqsQueue::regionFromHost).flatMap(Optional::stream).findFirst();
    }

    static Optional<String> regionFromHost(String host) {
        var m = SQS_HOST_REGION.matcher(host == null ? "" : host);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static void add(Map<String, List<String>> errors, String key, String message) {
        errors.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
    }

    private Optional<String> secret(String key) {
        Password p = getPassword(key);
        return p == null ? Optional.empty() : nonEmpty(p.value());
    }

    private static Optional<String> nonEmpty(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }

    private static String enumName(String value) {
        return value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static ConfigDef.Validator lowerCaseIn(String... allowed) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String s = value == null ? null : value.toString().trim().toLowerCase(Locale.ROOT);
                if (s == null || !List.of(allowed).contains(s)) {
                    throw new ConfigException(name, value, "must be one of " + String.join(", ", allowed));
                }
            }

            @Override
            public String toString() {
                return String.join(", ", allowed);
            }
        };
    }

    // ------------------------------------------------------------------ validators

    private static final class QueueUrlsValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            @SuppressWarnings("unchecked")
            List<String> urls = (List<String>) value;
            if (urls == null || urls.isEmpty()) {
                throw new ConfigException(name, value, "at least one queue URL is required");
            }
            Set<String> seen = new HashSet<>();
            for (String url : urls) {
                try {
                    SqsQueue.of(url);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, url, e.getMessage());
                }
                if (!seen.add(url)) {
                    throw new ConfigException(name, url, "queue URL listed twice");
                }
            }
        }

        @Override
        public String toString() {
            return "non-empty list of http(s) queue URLs";
        }
    }

    private static final class TopicNameValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String topic = (String) value;
            if (topic == null || !TOPIC_NAME.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
                throw new ConfigException(name, value, "not a legal Kafka topic name (1-249 of [a-zA-Z0-9._-])");
            }
        }

        @Override
        public String toString() {
            return "a Kafka topic name";
        }
    }

    private static final class RegionValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String s = (String) value;
            if (s != null && !s.isBlank() && !REGION_NAME.matcher(s.trim()).matches()) {
                throw new ConfigException(name, value, "not an AWS region name such as us-east-1");
            }
        }

        @Override
        public String toString() {
            return "empty or an AWS region such as us-east-1";
        }
    }

    private record PatternValidator(Pattern pattern, String description, boolean emptyAllowed) implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String s = value == null ? "" : value.toString().trim();
            if (s.isEmpty() && emptyAllowed) {
                return;
            }
            if (!pattern.matcher(s).matches()) {
                throw new ConfigException(name, value, "must be " + description);
            }
        }

        @Override
        public String toString() {
            return (emptyAllowed ? "empty or " : "") + description;
        }
    }

    private record HttpUrlValidator(boolean emptyAllowed) implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String s = value == null ? "" : value.toString().trim();
            if (s.isEmpty() && emptyAllowed) {
                return;
            }
            try {
                URI uri = new URI(s);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new ConfigException(name, value, "must be an http:// or https:// URL with a host");
                }
            } catch (java.net.URISyntaxException e) {
                throw new ConfigException(name, value, "not a URL: " + e.getReason());
            }
        }

        @Override
        public String toString() {
            return (emptyAllowed ? "empty or " : "") + "an http(s) URL";
        }
    }

    private static final class AttributeNamesValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            @SuppressWarnings("unchecked")
            List<String> names = (List<String>) value;
            for (String n : names) {
                if (!ATTRIBUTE_NAME.matcher(n).matches()) {
                    throw new ConfigException(name, n, "not a valid message attribute name (1-256 of [a-zA-Z0-9_.-])");
                }
            }
        }

        @Override
        public String toString() {
            return "attribute names, or " + ALL_ATTRIBUTES;
        }
    }
}
