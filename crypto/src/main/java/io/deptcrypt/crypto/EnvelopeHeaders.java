package io.deptcrypt.crypto;

import io.deptcrypt.crypto.avro.Envelope;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Record headers naming who a record is for (UTF-8), so a consumer can skip other departments' records without
 * decoding their values. Headers are not authenticated: the opener checks them against what is.
 * <ul>
 *   <li>AES_GCM_V2: one header, {@value #AUDIENCE}: the audiences of the record's data key, sorted and joined by ','
 *       (today one department). The opener checks it equals the data key's record.</li>
 *   <li>Version 1 (and dead letters): {@value #DEPARTMENT} and {@value #EVENT_ID}, repeating the envelope's fields.</li>
 * </ul>
 */
public final class EnvelopeHeaders {

    public static final String DEPARTMENT = "deptcrypt.department";
    public static final String EVENT_ID = "deptcrypt.event-id";
    public static final String AUDIENCE = "deptcrypt.audience";

    private EnvelopeHeaders() {}

    /**
     * Replaces any earlier deptcrypt headers with the envelope's department and event id. (No format header: the
     * format is the envelope's third byte, and every header byte is paid per record by producer, broker and readers.)
     */
    public static void write(Headers headers, Envelope envelope) {
        put(headers, DEPARTMENT, envelope.getDepartment());
        put(headers, EVENT_ID, envelope.getEventId());
    }

    /** Replaces any earlier {@value #AUDIENCE} header with {@code audiences} (UTF-8, joined by ','; not copied). */
    public static void writeAudience(Headers headers, byte[] audiences) {
        headers.remove(AUDIENCE);
        headers.add(AUDIENCE, audiences);
    }

    /** The raw {@value #AUDIENCE} header (the last one), or null: handed to the opener as is. */
    public static byte[] audience(Headers headers) {
        if (headers == null) {
            return null;
        }
        Header h = headers.lastHeader(AUDIENCE);
        return h == null ? null : h.value();
    }

    /**
     * Whether the {@value #AUDIENCE} header lists {@code audience} (its UTF-8 bytes) as one of its comma-separated
     * entries: a consumer's filter, without decoding the value or building a string.
     */
    public static boolean audienceIncludes(byte[] header, byte[] audience) {
        if (header == null) {
            return false;
        }
        int start = 0;
        for (int i = 0; i <= header.length; i++) {
            if (i == header.length || header[i] == PublishedDataKey.AUDIENCE_SEPARATOR) {
                if (i - start == audience.length && Arrays.equals(header, start, i, audience, 0, audience.length)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    public static Optional<String> department(Headers headers) {
        return last(headers, DEPARTMENT);
    }

    public static Optional<String> eventId(Headers headers) {
        return last(headers, EVENT_ID);
    }

    private static void put(Headers headers, String key, String value) {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<String> last(Headers headers, String key) {
        if (headers == null) {
            return Optional.empty();
        }
        Header h = headers.lastHeader(key);
        return h == null || h.value() == null ? Optional.empty()
                : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
    }
}
