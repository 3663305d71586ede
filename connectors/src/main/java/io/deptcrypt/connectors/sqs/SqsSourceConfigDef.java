package io.deptcrypt.connectors.sqs;

import static io.deptcrypt.connectors.sqs.SqsSourceConfig.ACCESS_KEY_ID;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.ALL_ATTRIBUTES;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.ASSUME_ROLE_ARN;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.ASSUME_ROLE_EXTERNAL_ID;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.ASSUME_ROLE_SESSION_NAME;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.ATTRIBUTE_HEADER_PREFIX;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.BUFFER_MAX_MESSAGES;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.CREDENTIALS_PROVIDER;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.DELETE_MAX_ATTEMPTS;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.DROPPED_RECORDS;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.ENDPOINT_URL;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.MAX_MESSAGES;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.MESSAGE_ATTRIBUTES;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.POLL_MAX_RECORDS;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.QUEUE_URLS;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.RECEIVERS;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.RECORD_KEY;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.RECORD_KEY_ATTRIBUTE;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.RECORD_VALUE_FORMAT;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.REGION;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.RETRY_BACKOFF_MS;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.SECRET_ACCESS_KEY;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.SESSION_TOKEN;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.STS_ENDPOINT_URL;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.TOPIC;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.VISIBILITY_TIMEOUT_SECONDS;
import static io.deptcrypt.connectors.sqs.SqsSourceConfig.WAIT_TIME_SECONDS;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The definitions of the connector's options: type, default, single-field validator, importance, documentation
 * and group, as one {@link ConfigDef}. The rules across fields are {@link CrossFieldRules}.
 */
final class SqsSourceConfigDef {

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
    /** A legal SQS message attribute name; also used by {@link CrossFieldRules} for the key attribute. */
    static final Pattern ATTRIBUTE_NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,256}");

    private SqsSourceConfigDef() {
    }

    static ConfigDef build() {
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
            if (urls == null) {
                return; // missing: ConfigDef reports the required option itself
            }
            if (urls.isEmpty()) {
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
            if (topic == null) {
                return; // missing: ConfigDef reports the required option itself
            }
            if (!TOPIC_NAME.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
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
            } catch (URISyntaxException e) {
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
