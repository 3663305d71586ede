package io.deptcrypt.crypto;

import io.deptcrypt.crypto.avro.Envelope;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Record headers repeating the envelope's cleartext routing fields (UTF-8), so a consumer can skip other departments'
 * records without decoding their values. Headers are not authenticated: the opener checks the envelope itself.
 */
public final class EnvelopeHeaders {

    public static final String DEPARTMENT = "deptcrypt.department";
    public static final String EVENT_ID = "deptcrypt.event-id";

    private EnvelopeHeaders() {}

    /**
     * Replaces any earlier deptcrypt headers with the envelope's department and event id. (No format header: the
     * format is the envelope's third byte, and every header byte is paid per record by producer, broker and readers.)
     */
    public static void write(Headers headers, Envelope envelope) {
        put(headers, DEPARTMENT, envelope.getDepartment());
        put(headers, EVENT_ID, envelope.getEventId());
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
