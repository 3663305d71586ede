package io.deptcrypt.localkms.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** One page of a List* answer: offset pagination behind an opaque marker, as AWS's {@code Limit}/{@code Marker}. */
final class Page {

    private static final String MARKER_PREFIX = "offset:";

    final int from;
    final int to;
    private final int total;

    private Page(int from, int to, int total) {
        this.from = from;
        this.to = to;
        this.total = total;
    }

    /** The page the request's {@code Limit} and {@code Marker} ask for, out of {@code total} entries. */
    static Page of(KmsRequest r, int total, int maxLimit, int defaultLimit) {
        int limit = r.integer("Limit").orElse(defaultLimit);
        if (limit < 1 || limit > maxLimit) {
            throw KmsException.constraint(String.valueOf(limit), "limit",
                    "Member must have value between 1 and " + maxLimit + " (inclusive)");
        }
        int from = 0;
        Optional<String> marker = r.string("Marker");
        if (marker.isPresent()) {
            try {
                String text = new String(Base64.getDecoder().decode(marker.get()), StandardCharsets.UTF_8);
                if (!text.startsWith(MARKER_PREFIX)) {
                    throw new IllegalArgumentException();
                }
                from = Integer.parseInt(text.substring(MARKER_PREFIX.length()));
            } catch (IllegalArgumentException e) {
                throw invalidMarker(marker.get());
            }
            if (from < 0 || from > total) {
                throw invalidMarker(marker.get());
            }
        }
        return new Page(from, Math.min(total, from + limit), total);
    }

    /** Adds {@code Truncated} and, when more follow, {@code NextMarker}. */
    void finish(ObjectNode out) {
        out.put("Truncated", to < total);
        if (to < total) {
            out.put("NextMarker", Base64.getEncoder().encodeToString((MARKER_PREFIX + to).getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static KmsException invalidMarker(String marker) {
        return new KmsException(KmsErrorCode.INVALID_MARKER, "Invalid marker " + marker);
    }
}
