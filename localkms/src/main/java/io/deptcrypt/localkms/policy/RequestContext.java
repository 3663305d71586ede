package io.deptcrypt.localkms.policy;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The condition keys of one request (e.g. {@code kms:CallerAccount}, {@code kms:EncryptionContext:department},
 * {@code kms:EncryptionContextKeys}). Key names compare case-insensitively, as in AWS; values are kept as given.
 * Multi-valued keys hold several values; an absent key is simply not present.
 */
public final class RequestContext {

    private final Map<String, List<String>> values;

    private RequestContext(Map<String, List<String>> values) {
        this.values = values;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The values of {@code key}, or empty when the request does not carry it. */
    public Optional<List<String>> get(String key) {
        return Optional.ofNullable(values.get(key.toLowerCase(Locale.ROOT)));
    }

    public static final class Builder {
        private final Map<String, List<String>> values = new HashMap<>();

        public Builder put(String key, String value) {
            values.put(key.toLowerCase(Locale.ROOT), List.of(value));
            return this;
        }

        public Builder putAll(String key, List<String> multi) {
            values.put(key.toLowerCase(Locale.ROOT), List.copyOf(multi));
            return this;
        }

        /** Adds {@code kms:EncryptionContext:<k>} per pair and the multi-valued {@code kms:EncryptionContextKeys}. */
        public Builder encryptionContext(Map<String, String> context) {
            for (Map.Entry<String, String> e : context.entrySet()) {
                put("kms:EncryptionContext:" + e.getKey(), e.getValue());
            }
            if (!context.isEmpty()) {
                putAll("kms:EncryptionContextKeys", List.copyOf(context.keySet()));
            }
            return this;
        }

        public RequestContext build() {
            return new RequestContext(Map.copyOf(values));
        }
    }
}
