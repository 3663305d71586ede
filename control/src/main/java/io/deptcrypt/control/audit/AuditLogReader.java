package io.deptcrypt.control.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads localkms's audit log ({@code <kms state dir>/audit.log}), one JSON object per line. */
public final class AuditLogReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditLogReader() {}

    /**
     * @param applications principal ARN → governance application
     * @param departments  key ARN → department label
     * @throws IllegalArgumentException naming the file (and line) that cannot be read
     */
    public static List<AuditRecord> read(Path log, Map<String, String> applications, Map<String, String> departments) {
        List<AuditRecord> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                    out.add(AuditRecord.of(node, applications, departments));
                } catch (IOException | RuntimeException e) {
                    // The last line may be half written by a server still running: skip it, say so for others.
                    if (r.ready()) {
                        throw new IllegalArgumentException(log + ":" + n + ": not an audit line (" + e.getClass().getSimpleName() + ")");
                    }
                }
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(log + " does not exist (localkms writes it in its state directory)");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + log + ": " + e.getMessage(), e);
        }
        return out;
    }
}
