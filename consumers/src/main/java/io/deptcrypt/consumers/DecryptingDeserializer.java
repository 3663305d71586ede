package io.deptcrypt.consumers;

import io.deptcrypt.crypto.DeptcryptCryptoException;
import io.deptcrypt.crypto.EnvelopeHeaders;
import io.deptcrypt.crypto.KmsAccessDeniedException;
import io.deptcrypt.crypto.KmsKeyringProvider;
import io.deptcrypt.crypto.NotForReaderException;
import io.deptcrypt.crypto.OpenedRecord;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.TemporarilyUnavailableException;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.runtime.AppSettings;
import io.deptcrypt.runtime.ConfigCheck;
import io.deptcrypt.runtime.ConfigProperties;
import io.deptcrypt.runtime.EnumChoice;
import io.deptcrypt.runtime.KafkaDataKeyDirectory;
import io.deptcrypt.runtime.KmsRetry;
import io.deptcrypt.runtime.KmsSettings;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * A value {@link Deserializer} for a plain {@code KafkaConsumer} on the shared topic: returns the plaintext of this
 * department's records and {@code null} for every other department's record (whose value it does not decode when
 * the {@code deptcrypt.audience} header, or for version 1 records {@code deptcrypt.department}, is present). Callers
 * skip {@code null} values. Of a record of several audiences (docs/event-types.md) it returns the event put together
 * from this department's parts, and adds the {@value OpenedEvent#WITHHELD_HEADER} header listing the absent fields. Use it with {@code isolation.level=read_committed} so aborted encryptor output is never
 * read. AES_GCM_V2 data keys are looked up in the governance keys topic ({@code topics.keys}), read by a consumer of
 * the deserializer's own with the consumer's bootstrap and security settings.
 *
 * <p>Either construct it with an {@link Opener}, or configure it through consumer properties
 * ({@code value.deserializer=io.deptcrypt.consumers.DecryptingDeserializer}) with the keys of {@link #configDef()},
 * each prefixed {@value #PREFIX} (docs/configuration.md lists them): the department and governance file (required),
 * the application name (checked against governance when given), the KMS, retry and data-key cache keys of a
 * department consumer, and {@code failure.action} FAIL (the default: throw, so {@code poll} raises a
 * {@code RecordDeserializationException} naming partition and offset) or SKIP (return null). While KMS is
 * unavailable the poll blocks and retries.
 */
public final class DecryptingDeserializer implements Deserializer<byte[]> {

    /** Before each of this deserializer's keys among the consumer's properties. */
    public static final String PREFIX = "deptcrypt.";
    public static final String DEPARTMENT = PREFIX + DepartmentConsumerConfig.DEPARTMENT;
    public static final String GOVERNANCE_FILE = PREFIX + AppSettings.GOVERNANCE_FILE;

    public static final String APPLICATION_NAME = PREFIX + DepartmentConsumerConfig.APPLICATION_NAME;
    public static final String APPLICATION_NAME_DOC = "The governance application this consumer runs as; if set,"
            + " governance must list it among the department's readers.";
    public static final String APPLICATION_NAME_DEFAULT = null;

    public static final String FAILURE_ACTION = PREFIX + DepartmentConsumerConfig.FAILURE_ACTION;
    public static final String FAILURE_ACTION_DOC = "A record of the department that cannot be opened: FAIL (throw,"
            + " so poll raises a RecordDeserializationException naming partition and offset) or SKIP (return null)."
            + " A deserializer cannot DEAD_LETTER.";
    public static final String FAILURE_ACTION_DEFAULT = FailureAction.FAIL.name();

    /** The keys without {@link #PREFIX}, as the definition names them. */
    private static final ConfigDef CONFIG_DEF = define();

    private final LongAdder kmsRetries = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private String department;
    private byte[] departmentBytes;
    private Opener opener;
    private KmsRetry retry;
    private FailureAction failureAction;
    private KmsClient ownedClient;
    private KafkaDataKeyDirectory ownedDirectory;
    private boolean ownsOpener;
    private volatile boolean closed;

    /** For configuration through consumer properties ({@link #configure}). */
    public DecryptingDeserializer() {}

    /**
     * Ready to use; {@link #configure} is then a no-op. {@code failureAction} is FAIL or SKIP. The opener needs a data
     * key directory to open AES_GCM_V2 records.
     */
    public DecryptingDeserializer(Opener opener, String department, KmsRetry retry, FailureAction failureAction) {
        if (failureAction == FailureAction.DEAD_LETTER) {
            throw new IllegalArgumentException("a deserializer can FAIL or SKIP, not DEAD_LETTER");
        }
        this.opener = opener;
        this.department = department;
        this.departmentBytes = department.getBytes(StandardCharsets.UTF_8);
        this.retry = retry;
        this.failureAction = failureAction;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (opener != null) {
            return;
        }
        if (isKey) {
            throw new IllegalArgumentException("DecryptingDeserializer is a value deserializer (record keys are department names)");
        }
        Map<String, String> mine = new TreeMap<>();
        configs.forEach((k, v) -> {
            if (k.startsWith(PREFIX) && v != null) {
                mine.put(k.substring(PREFIX.length()), v instanceof Password p ? p.value() : String.valueOf(v));
            }
        });
        ConfigCheck c = ConfigCheck.of(CONFIG_DEF, ConfigProperties.of(mine,
                "DecryptingDeserializer settings (keys prefixed '" + PREFIX + "')", null, null));
        Optional<Governance> governance = c.governance(AppSettings.GOVERNANCE_FILE);
        governance.ifPresent(g -> DepartmentConsumerConfig.checkReader(c, g, false));
        Optional<KmsSettings> kms = KmsSettings.from(c, governance);
        Optional<KmsRetry> kmsRetry = KmsRetry.from(c);
        c.throwIfInvalid();
        Governance g = governance.orElseThrow();
        this.department = c.getString(DepartmentConsumerConfig.DEPARTMENT);
        this.departmentBytes = department.getBytes(StandardCharsets.UTF_8);
        this.ownedClient = kms.orElseThrow().newClient();
        this.ownedDirectory = KafkaDataKeyDirectory.start(clientProperties(configs), g.topics().keys(),
                KafkaDataKeyDirectory.DEFAULT_CATCH_UP_TIMEOUT, "deptcrypt-deserializer-" + department);
        this.opener = Opener.create(new KmsKeyringProvider(ownedClient, g), DepartmentConsumerConfig.opener(c),
                ownedDirectory);
        this.ownsOpener = true;
        this.retry = kmsRetry.orElseThrow();
        this.failureAction = c.getEnum(DepartmentConsumerConfig.FAILURE_ACTION, FailureAction.class);
    }

    /** The consumer's own Kafka settings (bootstrap, security, timeouts) for the keys-topic reader. */
    private static Map<String, Object> clientProperties(Map<String, ?> configs) {
        Map<String, Object> p = new HashMap<>();
        configs.forEach((k, v) -> {
            if (v != null && ConsumerConfig.configNames().contains(k)
                    && !k.equals(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG)
                    && !k.equals(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG)) {
                p.put(k, v);
            }
        });
        return p;
    }

    private static ConfigDef define() {
        ConfigDef d = new ConfigDef()
                .define(DepartmentConsumerConfig.DEPARTMENT, Type.STRING, DepartmentConsumerConfig.DEPARTMENT_DEFAULT,
                        new ConfigDef.NonEmptyString(), Importance.HIGH, DepartmentConsumerConfig.DEPARTMENT_DOC);
        AppSettings.defineGovernanceFile(d)
                .define(DepartmentConsumerConfig.APPLICATION_NAME, Type.STRING, APPLICATION_NAME_DEFAULT,
                        Importance.MEDIUM, APPLICATION_NAME_DOC);
        KmsSettings.define(d);
        KmsRetry.define(d);
        DepartmentConsumerConfig.defineOpener(d);
        return d.define(DepartmentConsumerConfig.FAILURE_ACTION, Type.STRING, FAILURE_ACTION_DEFAULT,
                EnumChoice.of(FailureAction.FAIL, FailureAction.SKIP), Importance.MEDIUM, FAILURE_ACTION_DOC);
    }

    /** This deserializer's keys as {@link #configure} reads them, without {@link #PREFIX} (a copy). */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG_DEF);
    }

    /** Without headers the envelope is decoded to learn its department (no KMS call for other departments). */
    @Override
    public byte[] deserialize(String topic, byte[] data) {
        return open(topic, null, data);
    }

    @Override
    public byte[] deserialize(String topic, Headers headers, byte[] data) {
        return open(topic, headers, data);
    }

    private byte[] open(String topic, Headers headers, byte[] data) {
        if (opener == null) {
            throw new IllegalStateException("DecryptingDeserializer is not configured (set " + DEPARTMENT + " and "
                    + GOVERNANCE_FILE + ", or construct it with an Opener)");
        }
        if (data == null) {
            return null;
        }
        byte[] audience = headers == null ? null : EnvelopeHeaders.audience(headers);
        Optional<String> headerDepartment = headers == null || audience != null ? Optional.empty()
                : EnvelopeHeaders.department(headers);
        if (audience != null ? !EnvelopeHeaders.audienceIncludes(audience, departmentBytes)
                : headerDepartment.isPresent() && !headerDepartment.get().equals(department)) {
            return null; // another department's record: not decoded
        }
        boolean routed = audience != null || headerDepartment.isPresent();
        String eventId = headers == null ? "?" : EnvelopeHeaders.eventId(headers).orElse("?");
        try {
            OpenedRecord opened = retry.call(() -> "opening a " + department + " record of " + topic,
                    () -> opener.open(topic, data, department, audience), () -> closed, kmsRetries);
            if (headers != null && !opened.withheldFields().isEmpty()) {
                addWithheld(headers, opened);
            }
            return opened.plaintext();
        } catch (TemporarilyUnavailableException e) {
            throw e;
        } catch (NotForReaderException e) {
            if (!routed) {
                return null; // no header: decoded only to learn it is not ours
            }
            return failed(topic, eventId, OpenFailureReason.DEPARTMENT_MISMATCH, "the header says '" + department
                    + "' but " + e.getMessage(), null);
        } catch (KmsAccessDeniedException e) {
            return failed(topic, eventId, OpenFailureReason.ACCESS_DENIED, e.getMessage(), e);
        } catch (DeptcryptCryptoException e) {
            return failed(topic, eventId, OpenFailureReason.INVALID_ENVELOPE, e.getMessage(), e);
        }
    }

    /** The record's {@value OpenedEvent#WITHHELD_HEADER} header, where the consumer's headers can still change. */
    private static void addWithheld(Headers headers, OpenedRecord opened) {
        try {
            headers.remove(OpenedEvent.WITHHELD_HEADER);
            headers.add(OpenedEvent.WITHHELD_HEADER, OpenedEvent.withheldHeader(opened.withheldFields()));
        } catch (IllegalStateException readOnly) {
            // read-only headers: the plaintext alone says it, the fields are absent
        }
    }

    private byte[] failed(String topic, String eventId, OpenFailureReason reason, String detail, Throwable cause) {
        if (failureAction == FailureAction.SKIP) {
            skipped.increment();
            return null;
        }
        throw new SerializationException("cannot open a " + department + " record of " + topic + " (eventId " + eventId
                + "): " + reason + ": " + detail, cause);
    }

    /** Records of this department that could not be opened and were returned as null (SKIP). */
    public long skipped() {
        return skipped.sum();
    }

    public long kmsRetries() {
        return kmsRetries.sum();
    }

    @Override
    public void close() {
        closed = true;
        if (ownsOpener) {
            opener.close(); // zeroes the cached data keys; an opener given to the constructor is the caller's
        }
        if (ownedDirectory != null) {
            ownedDirectory.close();
        }
        if (ownedClient != null) {
            ownedClient.close();
        }
    }
}
