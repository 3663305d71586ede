package io.deptcrypt.consumers;

import io.deptcrypt.crypto.CleartextFields;
import io.deptcrypt.crypto.EnvelopeSerde;
import io.deptcrypt.crypto.WireFormat;
import io.deptcrypt.crypto.avro.Envelope;
import io.deptcrypt.crypto.avro.WrappedKey;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The default sink: prints three blocks per event, ORIGINAL MESSAGE (a summary of the sealed envelope with a
 * shortened ciphertext), DECRYPTED MESSAGE (the plaintext; this consumer is authorised to see it; for an event of
 * several audiences also the fields withheld from this department) and PARTITION.
 */
public final class PrintingSink implements DepartmentSink {

    /** Base64 characters of ciphertext shown at each end. */
    static final int SHOWN_CHARS = 24;

    private final PrintStream out;

    public PrintingSink(PrintStream out) {
        this.out = out;
    }

    @Override
    public void accept(OpenedEvent e) {
        String text = format(e);
        synchronized (out) {
            out.print(text);
            out.flush();
        }
    }

    /** The three blocks for one event. */
    public static String format(OpenedEvent e) {
        StringBuilder b = new StringBuilder();
        b.append("=== ORIGINAL MESSAGE ===\n");
        if (e.opened().format() == WireFormat.Format.AES_GCM_V2) {
            CleartextFields f = CleartextFields.read(e.value());
            b.append("audiences:    ").append(String.join(", ", e.opened().audiences())).append('\n');
            b.append("eventId:      ").append(f.eventId()).append('\n');
            b.append("format:       ").append(f.format()).append(" (version 2, ").append(e.value().length)
                    .append(" bytes)\n");
            b.append("timestamp:    ").append(Instant.ofEpochMilli(f.timestampMillis())).append('\n');
            b.append("contentType:  ").append(f.contentType()).append('\n');
            for (int k = 0; k < f.dataKeys().size(); k++) {
                b.append("data key:     ").append(f.dataKeys().get(k)).append(" (its wrapped keys are on the keys topic)");
                List<String> fields = f.partFields().get(k);
                if (!fields.isEmpty()) {
                    b.append(", part ").append(k).append(": ").append(fields.equals(List.of("")) ? "the rest"
                            : String.join(", ", fields));
                }
                b.append('\n');
            }
            b.append("ciphertext:   ").append(f.ciphertextBytes()).append(" bytes, base64 ")
                    .append(shorten(Base64.getEncoder().encodeToString(Arrays.copyOfRange(e.value(),
                            e.value().length - f.ciphertextBytes(), e.value().length)))).append('\n');
        } else {
            Envelope env = EnvelopeSerde.fromBytes(e.value());
            b.append("department:   ").append(env.getDepartment()).append('\n');
            b.append("eventId:      ").append(env.getEventId()).append('\n');
            b.append("format:       ").append(env.getFormat()).append(" (version ").append(env.getFormatVersion()).append(")\n");
            b.append("timestamp:    ").append(Instant.ofEpochMilli(env.getTimestamp())).append('\n');
            b.append("contentType:  ").append(env.getContentType()).append('\n');
            if (env.getWrappedKeys().isEmpty()) {
                b.append("wrapped key:  (inside the ESDK message)\n");
            }
            for (WrappedKey k : env.getWrappedKeys()) {
                b.append("wrapped key:  ").append(k.getKeyId()).append(" (").append(k.getKeyProvider()).append(", ")
                        .append(k.getEncryptedDataKey().remaining()).append(" bytes)\n");
            }
            ByteBuffer ct = env.getCiphertext().duplicate();
            byte[] bytes = new byte[ct.remaining()];
            ct.get(bytes);
            b.append("ciphertext:   ").append(bytes.length).append(" bytes, base64 ").append(shorten(Base64.getEncoder().encodeToString(bytes))).append('\n');
        }
        b.append("=== DECRYPTED MESSAGE ===\n");
        b.append(printable(e)).append('\n');
        if (!e.withheldFields().isEmpty()) {
            b.append("withheld:     ").append(String.join(", ", e.withheldFields()))
                    .append(" (sealed for other audiences, not opened)\n");
        }
        b.append("=== PARTITION ===\n");
        b.append("topic: ").append(e.topic()).append(", partition: ").append(e.partition()).append(", offset: ").append(e.offset()).append("\n\n");
        return b.toString();
    }

    static String shorten(String base64) {
        if (base64.length() <= 2 * SHOWN_CHARS + 3) {
            return base64;
        }
        return base64.substring(0, SHOWN_CHARS) + "..." + base64.substring(base64.length() - SHOWN_CHARS);
    }

    private static String printable(OpenedEvent e) {
        String type = e.contentType();
        if (type.startsWith("text/") || type.startsWith("application/json")) {
            return new String(e.plaintext(), StandardCharsets.UTF_8);
        }
        return "(" + e.plaintext().length + " bytes of " + type + ", base64) " + Base64.getEncoder().encodeToString(e.plaintext());
    }
}
