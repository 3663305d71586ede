package io.deptcrypt.localkms.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

/**
 * What one call did, filled in as the request is handled and written as one JSON line by {@link AuditLog}. Holds only
 * identifiers, the encryption context (which AWS also logs) and a policy document's hash, never plaintext, data keys,
 * ciphertexts, signatures or secrets.
 */
public final class AuditEntry {
    public enum Decision { allow, deny, error }

    Instant time;
    String requestId;
    String sourceIp;
    String principal;
    String application;
    String accessKeyId;
    String operation;
    String keyArn;
    String sourceKeyArn;
    String grantId;
    String policySha256;
    Map<String, String> encryptionContext;
    Decision decision;
    String reason;
    String errorCode;

    public AuditEntry(Instant time, String requestId, String sourceIp) {
        this.time = time;
        this.requestId = requestId;
        this.sourceIp = sourceIp;
    }

    /**
     * @param applicationName the caller's application name (null for localkms's own events)
     * @param principalArn    the caller's role ARN
     * @param accessKey       the access key id that signed the call (null for localkms's own events)
     */
    public void caller(String applicationName, String principalArn, String accessKey) {
        this.application = applicationName;
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

    /** Records the SHA-256 (hex) of a policy document exactly as the caller wrote it, not the document itself. */
    void policy(String document) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(document.getBytes(StandardCharsets.UTF_8));
            this.policySha256 = HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    void context(Map<String, String> context) {
        this.encryptionContext = context;
    }

    void decided(Decision d, String why) {
        this.decision = d;
        this.reason = why;
    }

    /** Records the error code; a call that failed before any authorization decision is recorded as {@code error}. */
    public void failed(KmsErrorCode code) {
        this.errorCode = code.awsName();
        if (decision == null) {
            decision = Decision.error;
        }
    }

    public String errorCode() {
        return errorCode;
    }
}
