package io.deptcrypt.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts KMS calls from localkms's audit log (one JSON line per call): what KMS itself saw, whoever the caller.
 * {@link #mark()} remembers the current end so that a later {@link #since} counts only the calls after it.
 */
public final class KmsAudit {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Calls per operation and per decision ({@code allow}, {@code deny}, {@code error}). */
    public record Counts(Map<String, Long> byOperation, Map<String, Long> byDecision, long total) {
        public long operation(String op) {
            return byOperation.getOrDefault(op, 0L);
        }

        public long decision(String d) {
            return byDecision.getOrDefault(d, 0L);
        }
    }

    private final Path file;

    public KmsAudit(Path file) {
        this.file = file;
    }

    /** The current end of the log. */
    public long mark() {
        try {
            return Files.exists(file) ? Files.size(file) : 0L;
        } catch (IOException e) {
            return 0L;
        }
    }

    /** Calls logged after {@code mark}. */
    public Counts since(long mark) {
        Map<String, Long> ops = new TreeMap<>();
        Map<String, Long> decisions = new TreeMap<>();
        long total = 0;
        if (!Files.exists(file)) {
            return new Counts(ops, decisions, 0);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.position(Math.min(mark, ch.size()));
            InputStream in = Channels.newInputStream(ch);
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (IOException partial) {
                    continue; // a line being written right now
                }
                ops.merge(n.path("operation").asText("?"), 1L, Long::sum);
                decisions.merge(n.path("decision").asText("?"), 1L, Long::sum);
                total++;
            }
        } catch (IOException e) {
            throw new StackException("cannot read the localkms audit log " + file + ": " + e.getMessage(), e);
        }
        return new Counts(ops, decisions, total);
    }
}
