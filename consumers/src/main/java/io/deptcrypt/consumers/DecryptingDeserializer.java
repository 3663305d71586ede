package io.deptcrypt.consumers;

import io.deptcrypt.crypto.DeptcryptCryptoException;
import io.deptcrypt.crypto.EnvelopeHeaders;
import io.deptcrypt.crypto.EnvelopeSerde;
import io.deptcrypt.crypto.KmsKeyringProvider;
import io.deptcrypt.crypto.KmsUnavailableException;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.OpenerConfig;
import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.runtime.ConfigProperties;
import io.deptcrypt.runtime.KmsRetry;
import io.deptcrypt.runtime.KmsSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * A value {@link Deserializer} for a plain {@code KafkaConsumer} on the shared topic: returns the plaintext of this
 * department's records and {@code null} for every other department's record (whose value it does not decode when
 * the {@code deptcrypt.department} header is present). Callers skip {@code null} values. Use it with
 * {@code isolation.level=read_committed} so aborted encryptor output is never read.
 *
 * <p>Either construct it with an {@link Opener}, or configure it through consumer properties
 * ({@code value.deserializer=io.deptcrypt.consumers.DecryptingDeserializer}) with these keys:
 * <ul>
 *   <li>{@code deptcrypt.department} (required) — the department to open</li>
 *   <li>{@code deptcrypt.governance.file} (required) — path to governance.yaml</li>
 *   <li>{@code deptcrypt.application.name} (optional) — if set, governance must list it as a reader of the department</li>
 *   <li>{@code deptcrypt.kms.endpoint}, {@code deptcrypt.aws.region}, {@code deptcrypt.aws.access.key.id},
 *       {@code deptcrypt.aws.secret.access.key}, {@code deptcrypt.aws.session.token},
 *       {@code deptcrypt.kms.call.timeout.ms} (optional) — as in the consumer properties file; no static
 *       credentials means the default AWS credentials chain</li>
 *   <li>{@code deptcrypt.opener.max.cached.data.keys}, {@code deptcrypt.opener.data.key.ttl.ms} (optional)</li>
 *   <li>{@code deptcrypt.kms.retry.initial.ms}, {@code deptcrypt.kms.retry.max.ms} (optional) — backoff while
 *       KMS is unavailable (the poll blocks meanwhile)</li>
 *   <li>{@code deptcrypt.failure.action} (optional) — FAIL (default: throw, so {@code poll} raises a
 *       {@code RecordDeserializationException} naming partition and offset) or SKIP (return null)</li>
 * </ul>
 */
public final class DecryptingDeserializer implements Deserializer<byte[]> {

    public static final String PREFIX = "deptcrypt.";
    public static final String DEPARTMENT = PREFIX + "department";
    public static final String GOVERNANCE_FILE = PREFIX + "governance.file";
    public static final String APPLICATION_NAME = PREFIX + "application.name";
    public static final String FAILURE_ACTION = PREFIX + "failure.action";

    private final Deserializer<Envelope> envelopes = EnvelopeSerde.instance().deserializer();
    private final LongAdder kmsRetries = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private String department;
    private Opener opener;
    private KmsRetry retry;
    private FailureAction failureAction;
    private KmsClient ownedClient;
    private volatile boolean closed;

    /** For configuration through consumer properties ({@link #configure}). */
    public DecryptingDeserializer() {}

    /** Ready to use; {@link #configure} is then a no-op. {@code failureAction} is FAIL or SKIP. */
    public DecryptingDeserializer(Opener opener, String department, KmsRetry retry, FailureAction failureAction) {
        if (failureAction == FailureAction.DEAD_LETTER) {
            throw new IllegalArgumentException("a deserializer can FAIL or SKIP, not DEAD_LETTER");
        }
        this.opener = opener;
        this.department = department;
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
                mine.put(k.substring(PREFIX.length()), String.valueOf(v));
            }
        });
        ConfigProperties p = ConfigProperties.of(mine, "DecryptingDeserializer settings (keys prefixed '" + PREFIX + "')", null, null);
        Governance g = p.governance("governance.file");
        String dept = p.required("department");
        if (g.findDepartment(dept).isEmpty()) {
            throw p.error("department", "'" + dept + "' is not a department in " + g.source() + " (declared: " + g.departmentNames() + ")");
        }
        Optional<String> app = p.optional("application.name");
        if (app.isPresent() && !g.department(dept).readers().contains(app.get())) {
            throw p.error("department", "governance " + g.source() + " does not let application '" + app.get()
                    + "' read department '" + dept + "' (its readers: " + g.department(dept).readers() + ")");
        }
        KmsSettings kms = KmsSettings.from(p, g);
        OpenerConfig d = OpenerConfig.defaults();
        OpenerConfig openerConfig = new OpenerConfig(
                p.intValue("opener.max.cached.data.keys", d.maxCachedDataKeys(), 1, 1_000_000),
                Duration.ofMillis(p.longValue("opener.data.key.ttl.ms", d.dataKeyTtl().toMillis(), 1_000, 24L * 3600 * 1000)));
        KmsRetry kmsRetry = KmsRetry.from(p);
        FailureAction action = p.enumValue("failure.action", FailureAction.class, FailureAction.FAIL);
        if (action == FailureAction.DEAD_LETTER) {
            throw p.error("failure.action", "a deserializer can FAIL or SKIP, not DEAD_LETTER");
        }
        p.rejectUnknown();
        this.ownedClient = kms.newClient();
        this.opener = Opener.create(new KmsKeyringProvider(ownedClient, g), openerConfig);
        this.department = dept;
        this.retry = kmsRetry;
        this.failureAction = action;
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
        Optional<String> headerDepartment = headers == null ? Optional.empty() : EnvelopeHeaders.department(headers);
        if (headerDepartment.isPresent() && !headerDepartment.get().equals(department)) {
            return null; // another department's record: not decoded
        }
        String eventId = headers == null ? "?" : EnvelopeHeaders.eventId(headers).orElse("?");
        Envelope envelope;
        try {
            envelope = envelopes.deserialize(topic, data);
        } catch (RuntimeException e) {
            return failed(topic, eventId, OpenFailureReason.INVALID_ENVELOPE, e.getMessage(), e);
        }
        String sealedFor = String.valueOf(envelope.getDepartment());
        if (!sealedFor.equals(department)) {
            if (headerDepartment.isEmpty()) {
                return null; // no header: decoded only to learn it is not ours
            }
            return failed(topic, eventId, OpenFailureReason.DEPARTMENT_MISMATCH, "the header says '" + department
                    + "' but the envelope was sealed for '" + sealedFor + "'", null);
        }
        String id = String.valueOf(envelope.getEventId());
        try {
            return retry.call(() -> "opening " + department + " event " + id, () -> opener.open(envelope, topic),
                    () -> closed, kmsRetries);
        } catch (KmsUnavailableException e) {
            throw e;
        } catch (io.deptcrypt.crypto.KmsAccessDeniedException e) {
            return failed(topic, id, OpenFailureReason.ACCESS_DENIED, e.getMessage(), e);
        } catch (DeptcryptCryptoException e) {
            return failed(topic, id, OpenFailureReason.INVALID_ENVELOPE, e.getMessage(), e);
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
        if (ownedClient != null) {
            ownedClient.close();
        }
    }
}
