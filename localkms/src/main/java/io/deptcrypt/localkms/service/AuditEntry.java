package io.deptcrypt.localkms.service;

import java.time.Instant;
import java.util.Map;

/**
 * What one call did, filled in as the request is handled and written as one JSON line by {@link AuditLog}. Holds only
 * identifiers and the encryption context (which AWS also logs), never plaintext, data keys, signatures or secrets.
 */
public final class AuditEntry {
    public enum Decision { allow, deny, error }

    Instant time;
    String requestId;
    String sourceIp;
    String principal;
    String accessKeyId;
    String operation;
    String keyArn;
    String sourceKeyArn;
    String grantId;
    Map<String, String> encryptionContext;
    Decision decision;
    String reason;
    String errorCode;

    public AuditEntry(Instant time, String requestId, String sourceIp) {
        this.time = time;
        this.requestId = requestId;
        this.sourceIp = sourceIp;
    }

    public void caller(String principalArn, String accessKey) {
        this.principal = principalArn;
        this.accessKeyId = accessKey;
    }

    public void operation(String name) {
        this.operation = name;
    }

    void key(String arn) {
        this.keyArn = arn;
    }

    void sourceKey(String arn) {
        this.sourceKeyArn = arn;
    }

    void grant(String id) {
        this.grantId = id;
    }

    void context(Map<String, String> context) {
        this.encryptionContext = context;
    }

    void decided(Decision d, String why) {
        this.decision = d;
        this.reason = why;
    }

    /** Records the error code; a call that failed before any authorization decision is recorded as {@code error}. */
    public void failed(String code) {
        this.errorCode = code;
        if (decision == null) {
            decision = Decision.error;
        }
    }

    public String errorCode() {
        return errorCode;
    }
}
