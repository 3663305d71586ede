package io.deptcrypt.localkms.service;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends one JSON object per call to {@code audit.log} (owner-only): time, requestId, sourceIp, principal,
 * application, accessKeyId, operation, keyArn, sourceKeyArn (ReEncrypt), grantId, policySha256 (CreateKey,
 * PutKeyPolicy), encryptionContext, decision ({@code allow}/{@code deny}/{@code error}), reason (e.g.
 * {@code policy:ReadersDecryptDepartment}, {@code grant:<id>}) and errorCode; absent values are left out. Lines are
 * written whole under a lock, so concurrent calls never interleave.
 */
public final class AuditLog implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final JsonFactory JSON = new JsonFactory();

    private final Path file;
    private final FileChannel channel;

    public AuditLog(Path file) {
        this.file = file;
        try {
            boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
            this.channel = posix
                    ? FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open audit log " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    public void write(AuditEntry e) {
        byte[] line = toJsonLine(e);
        synchronized (this) {
            try {
                ByteBuffer b = ByteBuffer.wrap(line);
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            } catch (IOException ex) {
                // Losing an audit line must be visible, but must not turn an answered call into a failure.
                LOG.error("cannot append to audit log {}: {}", file, ex.getMessage());
            }
        }
    }

    static byte[] toJsonLine(AuditEntry e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", e.time.toString());
            field(g, "requestId", e.requestId);
            field(g, "sourceIp", e.sourceIp);
            field(g, "principal", e.principal);
            field(g, "application", e.application);
            field(g, "accessKeyId", e.accessKeyId);
            field(g, "operation", e.operation);
            field(g, "keyArn", e.keyArn);
            field(g, "sourceKeyArn", e.sourceKeyArn);
            field(g, "grantId", e.grantId);
            field(g, "policySha256", e.policySha256);
            if (e.encryptionContext != null) {
                g.writeObjectFieldStart("encryptionContext");
                for (Map.Entry<String, String> c : e.encryptionContext.entrySet()) {
                    g.writeStringField(c.getKey(), c.getValue());
                }
                g.writeEndObject();
            }
            field(g, "decision", e.decision == null ? null : e.decision.name());
            field(g, "reason", e.reason);
            field(g, "errorCode", e.errorCode);
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static void field(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warn("cannot close audit log {}: {}", file, e.getMessage());
        }
    }
}
