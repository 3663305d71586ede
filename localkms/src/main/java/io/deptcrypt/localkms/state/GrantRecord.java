package io.deptcrypt.localkms.state;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A grant: {@code granteePrincipal} may call {@code operations} on key {@code keyId}, within the encryption context
 * constraints if any. Constraint keys compare case-insensitively, values case-sensitively (as in AWS).
 *
 * @param encryptionContextEquals the context must be exactly this (null = no such constraint)
 * @param encryptionContextSubset the context must contain these pairs (null = no such constraint)
 */
public record GrantRecord(
        String grantId,
        String grantToken,
        String keyId,
        String name,
        Instant creationDate,
        String granteePrincipal,
        String retiringPrincipal,
        String issuingAccount,
        List<String> operations,
        Map<String, String> encryptionContextEquals,
        Map<String, String> encryptionContextSubset) {

    /** The operations a grant may name (AWS's GrantOperation values). */
    public static final Set<String> OPERATIONS = ordered("Decrypt", "Encrypt", "GenerateDataKey",
            "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "CreateGrant", "RetireGrant", "DescribeKey",
            "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "Sign", "Verify", "GetPublicKey", "GenerateMac",
            "VerifyMac", "DeriveSharedSecret");
    /** Grant operations that take an encryption context, so grant constraints apply to them. */
    public static final Set<String> CONTEXT_OPERATIONS = ordered("Decrypt", "Encrypt", "GenerateDataKey",
            "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKeyPair",
            "GenerateDataKeyPairWithoutPlaintext");

    public GrantRecord {
        operations = List.copyOf(operations);
        encryptionContextEquals = encryptionContextEquals == null ? null : Map.copyOf(encryptionContextEquals);
        encryptionContextSubset = encryptionContextSubset == null ? null : Map.copyOf(encryptionContextSubset);
    }

    public boolean hasConstraints() {
        return encryptionContextEquals != null || encryptionContextSubset != null;
    }

    /** Whether {@code context} satisfies the constraints (always true without constraints). */
    public boolean admits(Map<String, String> context) {
        Map<String, String> lower = lowerKeys(context);
        if (encryptionContextEquals != null && !lowerKeys(encryptionContextEquals).equals(lower)) {
            return false;
        }
        return encryptionContextSubset == null || lower.entrySet().containsAll(lowerKeys(encryptionContextSubset).entrySet());
    }

    private static Set<String> ordered(String... names) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(names)));
    }

    private static Map<String, String> lowerKeys(Map<String, String> m) {
        return m.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue, (a, b) -> b));
    }
}
