package io.deptcrypt.localkms.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.localkms.crypto.CiphertextBlob;
import io.deptcrypt.localkms.crypto.EncryptionContextEncoding;
import io.deptcrypt.localkms.crypto.KeyMaterial;
import io.deptcrypt.localkms.policy.Principal;
import io.deptcrypt.localkms.state.KeyRecord;
import io.deptcrypt.localkms.state.KmsState;
import io.deptcrypt.localkms.state.StateStore;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Cryptographic operations: GenerateDataKey, GenerateDataKeyWithoutPlaintext, Encrypt, Decrypt, ReEncrypt and
 * GenerateRandom. The encryption context is bound to every blob as AAD, so opening needs exactly the same context.
 */
final class CryptoOperations {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_PLAINTEXT = 4096;
    private static final int MAX_CIPHERTEXT = 6144;
    private static final int MAX_RANDOM_BYTES = 1024;
    private static final String NO_SUCH_KEY = "The ciphertext refers to a customer master key that does not exist,"
            + " does not exist in this region, or you are not allowed to access.";

    private final StateStore store;
    private final KeyResolver resolver;
    private final Authorizer authorizer;

    CryptoOperations(StateStore store, KeyResolver resolver, Authorizer authorizer) {
        this.store = store;
        this.resolver = resolver;
        this.authorizer = authorizer;
    }

    Map<String, Operation> operations() {
        Map<String, Operation> ops = new LinkedHashMap<>();
        ops.put("GenerateDataKey", (c, r, a) -> generateDataKey(c, r, a, true));
        ops.put("GenerateDataKeyWithoutPlaintext", (c, r, a) -> generateDataKey(c, r, a, false));
        ops.put("Encrypt", this::encrypt);
        ops.put("Decrypt", this::decrypt);
        ops.put("ReEncrypt", this::reEncrypt);
        ops.put("GenerateRandom", this::generateRandom);
        return ops;
    }

    private ObjectNode generateDataKey(Principal caller, KmsRequest r, AuditEntry audit, boolean withPlaintext) {
        String op = withPlaintext ? "GenerateDataKey" : "GenerateDataKeyWithoutPlaintext";
        Map<String, String> context = context(r, "EncryptionContext", audit);
        Optional<Integer> bytes = r.integer("NumberOfBytes");
        Optional<String> spec = r.string("KeySpec");
        r.stringList("GrantTokens");
        if (bytes.isPresent() == spec.isPresent()) {
            throw KmsException.validation(bytes.isPresent() ? "Please specify either number of bytes or key spec, not both."
                    : "Please specify either number of bytes or key spec.");
        }
        int length;
        if (bytes.isPresent()) {
            length = bytes.get();
            if (length < 1 || length > 1024) {
                throw KmsException.constraint(String.valueOf(length), "numberOfBytes",
                        "Member must have value between 1 and 1024 (inclusive)");
            }
        } else {
            length = switch (spec.get()) {
                case "AES_256" -> 32;
                case "AES_128" -> 16;
                default -> throw KmsException.constraint("'" + spec.get() + "'", "keySpec",
                        "Member must satisfy enum value set: [AES_256, AES_128]");
            };
        }
        if (r.has("Recipient")) {
            throw KmsException.unsupported("Recipient (Nitro Enclaves attestation)");
        }
        KmsState s = store.current();
        ResolvedKey k = resolver.resolve(s, r.requiredString("KeyId"), true, audit);
        KeyResolver.requireEnabled(k.key());
        authorizer.authorize(s, caller, op, k, context, audit);
        r.stopIfDryRun();
        byte[] dataKey = new byte[length];
        RANDOM.nextBytes(dataKey);
        CiphertextBlob blob = k.key().currentMaterial().seal(k.key().keyId(), dataKey, EncryptionContextEncoding.encode(context));
        ObjectNode out = AwsJson.object();
        out.put("CiphertextBlob", blob.toBytes());
        if (withPlaintext) {
            out.put("Plaintext", dataKey);
        }
        out.put("KeyId", k.key().arn());
        return out;
    }

    private ObjectNode encrypt(Principal caller, KmsRequest r, AuditEntry audit) {
        Map<String, String> context = context(r, "EncryptionContext", audit);
        byte[] plaintext = r.requiredBlob("Plaintext");
        checkLength(plaintext, "plaintext", MAX_PLAINTEXT);
        algorithm(r, "EncryptionAlgorithm");
        r.stringList("GrantTokens");
        KmsState s = store.current();
        ResolvedKey k = resolver.resolve(s, r.requiredString("KeyId"), true, audit);
        KeyResolver.requireEnabled(k.key());
        authorizer.authorize(s, caller, "Encrypt", k, context, audit);
        r.stopIfDryRun();
        CiphertextBlob blob = k.key().currentMaterial().seal(k.key().keyId(), plaintext, EncryptionContextEncoding.encode(context));
        ObjectNode out = AwsJson.object();
        out.put("CiphertextBlob", blob.toBytes());
        out.put("KeyId", k.key().arn());
        out.put("EncryptionAlgorithm", KeyRecord.SYMMETRIC_DEFAULT);
        return out;
    }

    private ObjectNode decrypt(Principal caller, KmsRequest r, AuditEntry audit) {
        Map<String, String> context = context(r, "EncryptionContext", audit);
        byte[] ciphertext = r.requiredBlob("CiphertextBlob");
        checkLength(ciphertext, "ciphertextBlob", MAX_CIPHERTEXT);
        algorithm(r, "EncryptionAlgorithm");
        r.stringList("GrantTokens");
        if (r.has("Recipient")) {
            throw KmsException.unsupported("Recipient (Nitro Enclaves attestation)");
        }
        Opened opened = open(caller, store.current(), ciphertext, r.string("KeyId"), context, "Decrypt", audit);
        r.stopIfDryRun();
        ObjectNode out = AwsJson.object();
        out.put("KeyId", opened.key.arn());
        out.put("Plaintext", opened.plaintext);
        out.put("EncryptionAlgorithm", KeyRecord.SYMMETRIC_DEFAULT);
        return out;
    }

    private ObjectNode reEncrypt(Principal caller, KmsRequest r, AuditEntry audit) {
        Map<String, String> sourceContext = r.stringMap("SourceEncryptionContext");
        Map<String, String> destinationContext = context(r, "DestinationEncryptionContext", audit);
        byte[] ciphertext = r.requiredBlob("CiphertextBlob");
        checkLength(ciphertext, "ciphertextBlob", MAX_CIPHERTEXT);
        algorithm(r, "SourceEncryptionAlgorithm");
        algorithm(r, "DestinationEncryptionAlgorithm");
        r.stringList("GrantTokens");
        String destinationId = r.requiredString("DestinationKeyId");
        KmsState s = store.current();
        Opened source = open(caller, s, ciphertext, r.string("SourceKeyId"), sourceContext, "ReEncryptFrom", audit);
        String sourceArn = source.key.arn();
        audit.sourceKey(sourceArn);
        ResolvedKey destination = resolver.resolve(s, destinationId, true, audit);
        KeyResolver.requireEnabled(destination.key());
        authorizer.authorize(s, caller, "ReEncryptTo", destination, destinationContext, audit);
        r.stopIfDryRun();
        CiphertextBlob blob = destination.key().currentMaterial().seal(destination.key().keyId(), source.plaintext,
                EncryptionContextEncoding.encode(destinationContext));
        ObjectNode out = AwsJson.object();
        out.put("CiphertextBlob", blob.toBytes());
        out.put("SourceKeyId", sourceArn);
        out.put("KeyId", destination.key().arn());
        out.put("SourceEncryptionAlgorithm", KeyRecord.SYMMETRIC_DEFAULT);
        out.put("DestinationEncryptionAlgorithm", KeyRecord.SYMMETRIC_DEFAULT);
        return out;
    }

    private record Opened(KeyRecord key, byte[] plaintext) {}

    /**
     * Opens a blob in AWS's order of checks: the given KeyId resolves (NotFound), the blob parses (InvalidCiphertext),
     * its key exists (AccessDenied), matches KeyId (IncorrectKey), is usable (Disabled/KMSInvalidState), the caller is
     * authorized, and the tag verifies under the recorded material version and context (InvalidCiphertext).
     */
    private Opened open(Principal caller, KmsState s, byte[] ciphertext, Optional<String> keyIdInput,
                        Map<String, String> context, String action, AuditEntry audit) {
        Optional<ResolvedKey> requested = keyIdInput.map(id -> resolver.resolve(s, id, true, audit));
        CiphertextBlob blob = CiphertextBlob.parse(ciphertext).orElseThrow(CryptoOperations::invalidCiphertext);
        KeyRecord key = s.key(blob.keyId()).orElseThrow(() -> KmsException.accessDenied(NO_SUCH_KEY));
        audit.key(key.arn());
        if (requested.isPresent() && !requested.get().key().keyId().equals(key.keyId())) {
            throw new KmsException(KmsErrorCode.INCORRECT_KEY,
                    "The key ID in the request does not identify a CMK that can perform this operation.");
        }
        KeyResolver.requireEnabled(key);
        ResolvedKey resolved = new ResolvedKey(key, requested.map(ResolvedKey::alias).orElse(null));
        authorizer.authorize(s, caller, action, resolved, context, audit);
        KeyMaterial material = key.material(blob.materialVersion()).orElseThrow(CryptoOperations::invalidCiphertext);
        byte[] plaintext = material.open(blob, EncryptionContextEncoding.encode(context))
                .orElseThrow(CryptoOperations::invalidCiphertext);
        return new Opened(key, plaintext);
    }

    private ObjectNode generateRandom(Principal caller, KmsRequest r, AuditEntry audit) {
        authorizer.authorizeIdentity(store.current(), caller, "kms:GenerateRandom", audit);
        if (r.has("CustomKeyStoreId")) {
            throw KmsException.unsupported("custom key stores");
        }
        int n = r.integer("NumberOfBytes").orElseThrow(() ->
                KmsException.constraint("null", "numberOfBytes", "Member must not be null"));
        if (n < 1 || n > MAX_RANDOM_BYTES) {
            throw KmsException.constraint(String.valueOf(n), "numberOfBytes", "Member must have value between 1 and "
                    + MAX_RANDOM_BYTES + " (inclusive)");
        }
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return AwsJson.object().put("Plaintext", bytes);
    }

    private static Map<String, String> context(KmsRequest r, String member, AuditEntry audit) {
        Map<String, String> context = r.stringMap(member);
        audit.context(context);
        return context;
    }

    /** AWS's wording, which names the SDK's ByteBuffer rather than the value. */
    private static void checkLength(byte[] blob, String field, int max) {
        if (blob.length < 1) {
            throw KmsException.constraint("java.nio.HeapByteBuffer[pos=0 lim=0 cap=0]", field,
                    "Member must have length greater than or equal to 1");
        }
        if (blob.length > max) {
            throw KmsException.constraint("java.nio.HeapByteBuffer[pos=0 lim=" + blob.length + " cap=" + blob.length + "]", field,
                    "Member must have length less than or equal to " + max);
        }
    }

    private static void algorithm(KmsRequest r, String member) {
        r.string(member).filter(a -> !a.equals(KeyRecord.SYMMETRIC_DEFAULT)).ifPresent(a -> {
            throw new KmsException(KmsErrorCode.INVALID_KEY_USAGE, "Algorithm " + a + " is incompatible with a symmetric key (use "
                    + KeyRecord.SYMMETRIC_DEFAULT + ")");
        });
    }

    /** Empty message, as AWS: nothing about why a blob does not open. */
    private static KmsException invalidCiphertext() {
        return new KmsException(KmsErrorCode.INVALID_CIPHERTEXT, "");
    }
}
