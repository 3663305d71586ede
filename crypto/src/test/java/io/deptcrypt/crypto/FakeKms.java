package io.deptcrypt.crypto;

import io.deptcrypt.governance.EncryptionContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptRequest;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyRequest;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/**
 * A tiny in-test KMS: AES-GCM keys by key ARN, aliases, per-principal permissions, the encryption context bound as
 * AAD, key ARNs in every KeyId, and injectable failures. Enough for the MPL AWS KMS keyrings; not a KMS.
 * <p>
 * Like the key policies generated from governance, a key created for a department allows an operation only with the
 * encryption context {@code {"department": <that department>}}; any other context is AccessDeniedException, before
 * the blob is even checked.
 * Blob = uint16 arn length || arn || 12-byte nonce || GCM(ciphertext || tag).
 */
final class FakeKms {

    private final Map<String, byte[]> keys = new ConcurrentHashMap<>();
    private final Map<String, String> aliases = new ConcurrentHashMap<>();
    private final Map<String, String> departments = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** Creates the key of {@code department} behind {@code aliasArn} and returns its key ARN. */
    String createKey(String aliasArn, String department) {
        String prefix = aliasArn.substring(0, aliasArn.indexOf(":alias/"));
        String keyArn = prefix + ":key/" + UUID.randomUUID();
        byte[] k = new byte[32];
        random.nextBytes(k);
        keys.put(keyArn, k);
        aliases.put(aliasArn, keyArn);
        departments.put(keyArn, department);
        return keyArn;
    }

    String keyArn(String id) {
        String arn = aliases.getOrDefault(id, id);
        if (!keys.containsKey(arn)) {
            throw NotFoundException.builder().message("Key '" + id + "' does not exist")
                    .awsErrorDetails(details("NotFoundException", "Key '" + id + "' does not exist")).statusCode(400)
                    .build();
        }
        return arn;
    }

    /** A client acting as {@code principal}, allowed to use only {@code allowed} (key or alias ARNs). */
    Client client(String principal, Set<String> allowed) {
        return new Client(principal, allowed);
    }

    static AwsErrorDetails details(String code, String message) {
        return AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName("Kms").build();
    }

    static KmsException error(String code, String message, int status) {
        return (KmsException) KmsException.builder().message(message).statusCode(status)
                .awsErrorDetails(details(code, message)).build();
    }

    private static byte[] aad(Map<String, String> context) {
        return new TreeMap<>(context == null ? Map.of() : context).toString().getBytes(StandardCharsets.UTF_8);
    }

    final class Client implements KmsClient {
        private final String principal;
        private final Set<String> allowed;
        private volatile Supplier<RuntimeException> failure;

        Client(String principal, Set<String> allowed) {
            this.principal = principal;
            this.allowed = allowed;
        }

        /** Every call fails with what {@code f} makes until {@link #heal()}. */
        void failWith(Supplier<RuntimeException> f) {
            failure = f;
        }

        void heal() {
            failure = null;
        }

        private void check(String op, String keyArn, Map<String, String> context) {
            Supplier<RuntimeException> f = failure;
            if (f != null) {
                throw f.get();
            }
            boolean ok = allowed.stream().anyMatch(a -> keyArn.equals(aliases.getOrDefault(a, a)))
                    && EncryptionContext.of(departments.get(keyArn)).equals(context);
            if (!ok) {
                String m = "User: arn:aws:iam::111122223333:role/" + principal + " is not authorized to perform: kms:"
                        + op + " on resource: " + keyArn + " because no resource-based policy allows the kms:" + op
                        + " action";
                throw error("AccessDeniedException", m, 400);
            }
        }

        @Override
        public GenerateDataKeyResponse generateDataKey(GenerateDataKeyRequest r) {
            String arn = keyArn(r.keyId());
            check("GenerateDataKey", arn, r.encryptionContext());
            byte[] dk = new byte[r.numberOfBytes()];
            random.nextBytes(dk);
            return GenerateDataKeyResponse.builder().keyId(arn).plaintext(SdkBytes.fromByteArray(dk))
                    .ciphertextBlob(SdkBytes.fromByteArray(seal(arn, dk, r.encryptionContext()))).build();
        }

        @Override
        public EncryptResponse encrypt(EncryptRequest r) {
            String arn = keyArn(r.keyId());
            check("Encrypt", arn, r.encryptionContext());
            return EncryptResponse.builder().keyId(arn)
                    .ciphertextBlob(SdkBytes.fromByteArray(seal(arn, r.plaintext().asByteArray(),
                            r.encryptionContext()))).build();
        }

        @Override
        public DecryptResponse decrypt(DecryptRequest r) {
            ByteBuffer blob = r.ciphertextBlob().asByteBuffer();
            String arn;
            try {
                byte[] a = new byte[blob.getShort()];
                blob.get(a);
                arn = new String(a, StandardCharsets.UTF_8);
            } catch (RuntimeException e) {
                throw InvalidCiphertextException.builder().message("").statusCode(400)
                        .awsErrorDetails(details("InvalidCiphertextException", "")).build();
            }
            if (!keys.containsKey(arn)) {
                throw error("AccessDeniedException", "The ciphertext refers to a customer master key that does not"
                        + " exist, does not exist in this region, or you are not allowed to access.", 400);
            }
            if (r.keyId() != null && !keyArn(r.keyId()).equals(arn)) {
                throw IncorrectKeyException.builder().message("incorrect key").statusCode(400)
                        .awsErrorDetails(details("IncorrectKeyException", "incorrect key")).build();
            }
            check("Decrypt", arn, r.encryptionContext());
            try {
                byte[] nonce = new byte[12];
                blob.get(nonce);
                byte[] ct = new byte[blob.remaining()];
                blob.get(ct);
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(keys.get(arn), "AES"), new GCMParameterSpec(128, nonce));
                c.updateAAD(aad(r.encryptionContext()));
                return DecryptResponse.builder().keyId(arn).plaintext(SdkBytes.fromByteArray(c.doFinal(ct))).build();
            } catch (GeneralSecurityException | RuntimeException e) {
                throw InvalidCiphertextException.builder().message("").statusCode(400)
                        .awsErrorDetails(details("InvalidCiphertextException", "")).build();
            }
        }

        private byte[] seal(String arn, byte[] plaintext, Map<String, String> context) {
            try {
                byte[] nonce = new byte[12];
                random.nextBytes(nonce);
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys.get(arn), "AES"), new GCMParameterSpec(128, nonce));
                c.updateAAD(aad(context));
                byte[] ct = c.doFinal(plaintext);
                byte[] a = arn.getBytes(StandardCharsets.UTF_8);
                return ByteBuffer.allocate(2 + a.length + 12 + ct.length).putShort((short) a.length).put(a).put(nonce)
                        .put(ct).array();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String serviceName() {
            return "kms";
        }

        @Override
        public void close() {}
    }
}
