package io.deptcrypt.control.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One KMS call as the audit log recorded it.
 *
 * @param application the governance application of the caller, when known
 * @param department  the {@code department} of the call's encryption context, or of the key it named
 * @param decision    {@code allow}, {@code deny} or {@code error}
 * @param reason      what decided it (a key-policy statement, a grant, the identity rules) or why it failed
 */
public record AuditRecord(Instant time, String requestId, String principal, Optional<String> application,
                          String operation, Optional<String> keyArn, Optional<String> department,
                          Map<String, String> encryptionContext, String decision, Optional<String> reason,
                          Optional<String> errorCode) {

    /** Operations that change who may do what, or whether a key exists. */
    public static final Set<String> CHANGES = Set.of("CreateKey", "PutKeyPolicy", "ScheduleKeyDeletion",
            "CancelKeyDeletion", "EnableKey", "DisableKey", "DeleteKey", "CreateAlias", "UpdateAlias", "DeleteAlias",
            "CreateGrant", "RevokeGrant", "RetireGrant", "SyncPrincipals", "RotateKey", "RotateKeyOnDemand");

    /** Operations that hand out or unwrap a data key. */
    public static final Set<String> KEY_USE = Set.of("Decrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
            "Encrypt", "ReEncrypt");

    public boolean denied() {
        return decision.equals("deny");
    }

    public boolean isChange() {
        return CHANGES.contains(operation);
    }

    public boolean isKeyUse() {
        return KEY_USE.contains(operation);
    }

    /**
     * @param applications principal ARN → governance application
     * @param departments  key ARN → department label, for calls without an encryption context
     */
    static AuditRecord of(JsonNode n, Map<String, String> applications, Map<String, String> departments) {
        Map<String, String> context = new LinkedHashMap<>();
        n.path("encryptionContext").properties().forEach(e -> context.put(e.getKey(), e.getValue().asText()));
        String principal = n.path("principal").asText("");
        Optional<String> key = text(n, "keyArn");
        Optional<String> app = text(n, "application").or(() -> Optional.ofNullable(applications.get(principal)));
        Optional<String> dept = Optional.ofNullable(context.get("department"))
                .or(() -> key.map(departments::get));
        return new AuditRecord(Instant.parse(n.path("time").asText()), n.path("requestId").asText(""), principal, app,
                n.path("operation").asText(""), key, dept, Map.copyOf(context), n.path("decision").asText(""),
                text(n, "reason"), text(n, "errorCode"));
    }

    private static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? Optional.empty() : Optional.of(v.asText());
    }

    /** Who, for the report: the application, else the principal ARN, else {@code (unsigned)}. */
    public String who() {
        return application.orElse(principal.isEmpty() ? "(unsigned)" : principal);
    }
}
