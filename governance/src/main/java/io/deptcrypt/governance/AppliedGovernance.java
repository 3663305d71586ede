package io.deptcrypt.governance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;

/**
 * One applied version of the governance file, as {@code governance apply} publishes it on the governance topic
 * ({@code topics.governance}, compacted, one key) for the running apps: the file's text and who applied it when.
 * The value is a small JSON object: {@code {"version": 3, "appliedAt": "2026-12-03T10:00:00Z", "appliedBy":
 * "key-admin", "sha256": "<hex of the text>", "text": "<the YAML>"}}.
 *
 * @param version   1 for the first apply, then one more per apply
 * @param appliedAt when apply published it (after the key policies and ACLs it implies were in place)
 * @param appliedBy the governance application whose credentials applied it
 * @param sha256    hex SHA-256 of {@code text} (UTF-8)
 * @param text      the governance file as applied
 */
public record AppliedGovernance(long version, Instant appliedAt, String appliedBy, String sha256, String text) {

    /** The only record key on the governance topic (so compaction keeps the latest version). */
    public static final String RECORD_KEY = "governance";

    private static final ObjectMapper JSON = new ObjectMapper();

    public static AppliedGovernance of(long version, Instant appliedAt, String appliedBy, String text) {
        return new AppliedGovernance(version, appliedAt, appliedBy, sha256(text), text);
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** Parses and validates the applied file; errors name the topic and version. */
    public Governance governance(String topic) {
        return GovernanceLoader.parse(text, topic + " (applied version " + version + ")");
    }

    public byte[] toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("version", version);
        n.put("appliedAt", appliedAt.toString());
        n.put("appliedBy", appliedBy);
        n.put("sha256", sha256);
        n.put("text", text);
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @throws GovernanceException naming {@code where} if the bytes are not such a record or the text does not match
     *                             its digest
     */
    public static AppliedGovernance fromJson(byte[] value, String where) {
        JsonNode n;
        try {
            n = JSON.readTree(value);
        } catch (IOException e) {
            throw new GovernanceException(where + ": not an applied-governance record (not JSON)");
        }
        if (n == null || !n.path("version").canConvertToLong() || !n.path("text").isTextual()
                || !n.path("appliedAt").isTextual() || !n.path("sha256").isTextual()) {
            throw new GovernanceException(where + ": not an applied-governance record (needs version, appliedAt, sha256, text)");
        }
        Instant at;
        try {
            at = Instant.parse(n.get("appliedAt").asText());
        } catch (DateTimeParseException e) {
            throw new GovernanceException(where + ": appliedAt '" + n.get("appliedAt").asText() + "' is not an ISO-8601 instant");
        }
        String text = n.get("text").asText();
        if (!sha256(text).equals(n.get("sha256").asText())) {
            throw new GovernanceException(where + ": the text does not match its sha256");
        }
        return new AppliedGovernance(n.get("version").asLong(), at, n.path("appliedBy").asText(""), n.get("sha256").asText(), text);
    }
}
